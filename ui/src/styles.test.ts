// No shadow in the UI's styles is blurred. The window is painted on the CPU (`rendering.rs` turns WebKit's
// GPU path off), and there a blurred box-shadow is drawn again, blurred, each time the area under it is
// repainted: the panels' soft 3 px shadow made each repaint of the cards screen cost ~190 ms instead of
// ~17 ms, which a person sees as a card list that appears late and a list that scrolls in jerks. The test
// reads every stylesheet and component of the UI as text, so a blurred shadow added anywhere fails here.
import { describe, expect, it } from "vitest";
import appCss from "./app.css?raw";

// app.css is imported by name: the test set-up loads stylesheets as text only there (vite.config.ts).
const components = import.meta.glob("./**/*.svelte", { query: "?raw", import: "default", eager: true }) as Record<string, string>;
const sources: Record<string, string> = { "./app.css": appCss, ...components };
/** Any other stylesheet would be missed by the check below. */
const stylesheets = Object.keys(import.meta.glob("./**/*.css", { query: "?url", import: "default" }));

/** Splits `text` at the commas that are not inside parentheses (`rgb(0 0 0 / 10%)` stays whole). */
function topLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")") depth--;
    else if (depth === 0 && text[i] === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

/** The blur radius of one shadow (`0 1px 3px rgb(…)` → "3px"), or null when it has none. */
function blurOf(shadow: string): string | null {
  const lengths = topLevel(shadow, " ").filter((word) => /^-?[\d.]+(px|rem|em|%)?$/.test(word));
  return lengths[2] ?? null;
}

/** Every `box-shadow`, `text-shadow` and `--*shadow*` value in `text`, comments left out. */
function shadowValues(text: string): string[] {
  const css = text.replace(/\/\*[\s\S]*?\*\//g, "");
  return [...css.matchAll(/(?:box-shadow|text-shadow|--[\w-]*shadow[\w-]*)\s*:\s*([^;{}]+)[;}]/g)].map((m) => m[1]!.trim());
}

/** The shadows in `value` whose blur is not zero. */
function blurred(value: string): string[] {
  if (value === "none" || value.startsWith("var(")) return [];
  return topLevel(value, ",").filter((shadow) => {
    const blur = blurOf(shadow);
    return blur !== null && parseFloat(blur) !== 0;
  });
}

describe("shadows", () => {
  it("reads the app's styles (the check below has something to check)", () => {
    expect(stylesheets).toEqual(["./app.css"]);
    const files = Object.keys(sources);
    expect(files.some((f) => f.endsWith("CardsPanel.svelte"))).toBe(true);
    expect(shadowValues(sources["./app.css"]!).length).toBeGreaterThan(0);
  });

  it("finds a blurred shadow where there is one", () => {
    expect(blurred("0 1px 2px rgb(16 24 40 / 6%), 0 1px 3px rgb(16 24 40 / 10%)")).toHaveLength(2);
    expect(blurred("0 10px 30px rgb(0 0 0 / 25%)")).toEqual(["0 10px 30px rgb(0 0 0 / 25%)"]);
    expect(shadowValues(".a { box-shadow: 0 6px 20px rgb(0 0 0 / 18%); }")).toEqual(["0 6px 20px rgb(0 0 0 / 18%)"]);
    expect(blurred("0 1px 0 rgb(0 0 0 / 45%)")).toEqual([]);
    expect(blurred("0 0 0 1px var(--danger)")).toEqual([]);
    expect(blurred("inset 0 1px 0 #fff")).toEqual([]);
  });

  it("none in the UI is blurred", () => {
    const found = Object.entries(sources).flatMap(([file, text]) =>
      shadowValues(text).flatMap((value) => blurred(value).map((shadow) => `${file}: ${shadow}`)),
    );
    expect(found).toEqual([]);
  });
});
