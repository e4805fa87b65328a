// Every colour pair the UI draws, in the light and the dark theme of app.css, against WCAG AA: 4.5:1 for
// text, 3:1 for large text and for the edges and focus rings that make a control visible (WCAG 1.4.3 and
// 1.4.11). The test reads the custom properties from app.css itself, so a colour changed there without
// its partner fails here.
import { describe, expect, it } from "vitest";
import css from "./app.css?raw";

type Theme = Record<string, string>;

/** The `{ … }` block that opens at the first `{` after `from`. */
function block(text: string, from: number): string {
  const open = text.indexOf("{", from);
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error("unbalanced braces in app.css");
}

function properties(body: string): Theme {
  const out: Theme = {};
  for (const m of body.replace(/\/\*[\s\S]*?\*\//g, "").matchAll(/--([\w-]+)\s*:\s*([^;]+);/g)) out[m[1]] = m[2].trim();
  return out;
}

function themes(): { light: Theme; dark: Theme } {
  const light = properties(block(css, css.indexOf(":root")));
  const media = css.indexOf("@media (prefers-color-scheme: dark)");
  expect(media, "app.css has a dark theme").toBeGreaterThan(0);
  const darkRoot = block(css, media);
  const dark = { ...light, ...properties(block(darkRoot, darkRoot.indexOf(":root"))) };
  return { light, dark };
}

/** A colour value of `theme`, following `var(--x)` references; hex only (the palette uses nothing else). */
function resolve(theme: Theme, name: string): [number, number, number] {
  let value = theme[name];
  for (let hops = 0; value?.startsWith("var(") && hops < 5; hops++) value = theme[value.slice(6, -1)];
  expect(value, `--${name} is defined`).toBeTruthy();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value ?? "");
  expect(hex, `--${name} is a hex colour (${value})`).toBeTruthy();
  let digits = hex?.[1] ?? "000";
  if (digits.length === 3) digits = [...digits].map((d) => d + d).join("");
  return [0, 2, 4].map((i) => parseInt(digits.slice(i, i + 2), 16)) as [number, number, number];
}

/** Relative luminance, WCAG 2.x. */
function luminance([r, g, b]: [number, number, number]): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function ratio(a: [number, number, number], b: [number, number, number]): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const TEXT = 4.5;
const EDGE = 3;

/** [foreground, background, minimum, where a person sees it]. */
const PAIRS: [string, string, number, string][] = [
  ["text", "bg", TEXT, "body text"],
  ["text", "surface", TEXT, "text in panels, inputs and buttons"],
  ["text", "surface-2", TEXT, "hovered buttons, balance tiles"],
  ["muted", "bg", TEXT, "hints outside panels"],
  ["muted", "surface", TEXT, "hints and labels in panels"],
  ["muted", "surface-2", TEXT, "labels on balance tiles"],
  ["accent", "surface", TEXT, "links and link buttons"],
  ["accent", "bg", TEXT, "links outside panels"],
  ["accent-text", "accent", TEXT, "primary buttons"],
  ["accent-text", "accent-hover", TEXT, "primary buttons, hovered"],
  ["danger", "surface", TEXT, "Delete buttons, field problems"],
  ["danger", "surface-2", TEXT, "Delete buttons, hovered"],
  ["danger", "danger-bg", TEXT, "error banner titles, failed deposit"],
  ["danger-text", "danger", TEXT, "the solid Delete card button"],
  ["text", "danger-bg", TEXT, "error banner messages"],
  ["text", "warn-bg", TEXT, "notes"],
  ["text", "info-bg", TEXT, "notices, deposit status"],
  ["text", "ok-bg", TEXT, "accepted notice"],
  ["ok", "ok-bg", TEXT, "completed deposit"],
  ["ok", "surface", TEXT, "money in on the Activity tab"],
  ["demo", "demo-bg", TEXT, "the Demo badge"],
  ["demo", "surface", TEXT, "the simulated deposit panel"],
  ["toast-text", "toast-bg", TEXT, "toasts"],
  ["card-text", "card-bg", TEXT, "card face"],
  ["card-text", "card-inactive-bg", TEXT, "locked or inactive card face"],
  ["card-locked-text", "card-locked-bg", TEXT, "the Locked pill"],
  ["control-border", "surface", EDGE, "edges of inputs and buttons"],
  ["control-border", "bg", EDGE, "edges of buttons outside panels"],
  ["control-border", "surface-2", EDGE, "edges of hovered buttons"],
  ["danger-border", "surface", EDGE, "edge of Delete buttons"],
  ["danger-border", "surface-2", EDGE, "edge of Delete buttons, hovered"],
  ["accent", "surface", EDGE, "checkboxes"],
  ["focus", "surface", EDGE, "focus ring in panels"],
  ["focus", "bg", EDGE, "focus ring outside panels"],
];

describe("colour contrast in app.css (WCAG AA)", () => {
  const all = themes();
  for (const [name, theme] of Object.entries(all)) {
    it(`holds for every pair the UI uses, ${name} theme`, () => {
      const failures = PAIRS.flatMap(([fg, bg, min, use]) => {
        const r = ratio(resolve(theme, fg), resolve(theme, bg));
        return r + 1e-9 < min ? [`${use}: --${fg} on --${bg} is ${r.toFixed(2)}:1, needs ${min}:1`] : [];
      });
      expect(failures).toEqual([]);
    });
  }

  it("computes ratios as WCAG defines them", () => {
    const theme = { black: "#000", white: "#ffffff", grey: "#767676" };
    expect(ratio(resolve(theme, "black"), resolve(theme, "white"))).toBeCloseTo(21, 5);
    // #767676 on white is the classic lightest grey that passes 4.5:1.
    expect(ratio(resolve(theme, "grey"), resolve(theme, "white"))).toBeCloseTo(4.54, 2);
  });
});
