import { describe, expect, it } from "vitest";
import type { FillCardLabel, FillUpdate } from "./fillCommands";
import { wholeSeconds } from "./countdown";
import { fillCardName, fillStatus, isArmed } from "./fillWords";

const CARD: FillCardLabel = { id: "card_1", label: "Groceries", last4: "4242" };
const WINDOW = "Checkout \u2013 Chromium";

describe("what the Fill dialog says at each step", () => {
  it("names a card by its label and last four, or the last four alone", () => {
    expect(fillCardName(CARD)).toBe("Groceries \u2022\u20224242");
    expect(fillCardName({ ...CARD, label: null })).toBe("\u2022\u20224242");
    expect(fillCardName({ ...CARD, label: "  " })).toBe("\u2022\u20224242");
  });

  it("asks for a click into the field the press will type", () => {
    const waiting = (scope: Extract<FillUpdate, { phase: "waiting" }>["scope"]): string =>
      fillStatus({ phase: "waiting", card: CARD, scope }, "Ctrl+Alt+F").message;
    expect(waiting({ kind: "all" })).toBe("Click into the card-number field of the checkout page.");
    expect(waiting({ kind: "one", field: "number" })).toBe("Click into the card-number field of the checkout page.");
    expect(waiting({ kind: "one", field: "expiry" })).toBe("Click into the expiry field of the checkout page.");
    expect(waiting({ kind: "one", field: "cvc" })).toBe("Click into the CVC field of the checkout page.");
    expect(fillStatus({ phase: "waiting", card: CARD, scope: { kind: "all" } }, null).title).toBe(
      "Fill Groceries \u2022\u20224242",
    );
  });

  it("names the window and the seconds left before typing, rounding up", () => {
    const counting: FillUpdate = { phase: "counting", card: CARD, scope: { kind: "all" }, windowTitle: WINDOW, startsInMs: 1500 };
    expect(fillStatus(counting, null).message).toBe(`Typing into \u201c${WINDOW}\u201d in 2 s \u2014 press Escape to cancel.`);
    expect(fillStatus(counting, null, 1).message).toContain("in 1 s");
    expect(wholeSeconds(2000)).toBe(2);
    expect(wholeSeconds(1)).toBe(1);
    expect(wholeSeconds(-5)).toBe(0);
  });

  it("says what was typed into which window", () => {
    const typed = (scope: Extract<FillUpdate, { phase: "typed" }>["scope"]): string =>
      fillStatus({ phase: "typed", card: CARD, scope, windowTitle: WINDOW, next: null }, "Ctrl+Alt+F").message;
    expect(typed({ kind: "all" })).toBe(`Typed the number, expiry and CVC into \u201c${WINDOW}\u201d.`);
    expect(typed({ kind: "one", field: "cvc" })).toBe(`Typed the CVC into \u201c${WINDOW}\u201d.`);
    // The core sends "" for a window without a title: no empty quotes.
    const untitled: FillUpdate = { phase: "typed", card: CARD, scope: { kind: "all" }, windowTitle: "", next: null };
    expect(fillStatus(untitled, null).message).toBe("Typed the number, expiry and CVC into a window without a title.");
  });

  it("offers the next field with the shortcut, or with the button alone when the shortcut is off", () => {
    const afterNumber: FillUpdate = {
      phase: "typed",
      card: CARD,
      scope: { kind: "one", field: "number" },
      windowTitle: WINDOW,
      next: "expiry",
    };
    expect(fillStatus(afterNumber, "Ctrl+Alt+F").message).toBe(
      "Typed the number. Next: the expiry \u2014 click into the expiry field and press Ctrl+Alt+F (or Fill expiry here).",
    );
    expect(fillStatus(afterNumber, null).message).toBe(
      "Typed the number. Next: the expiry \u2014 press Fill expiry here, then click into the expiry field.",
    );
    expect(fillStatus({ ...afterNumber, scope: { kind: "one", field: "expiry" }, next: "cvc" }, "Super+F").message).toBe(
      "Typed the expiry. Next: the CVC \u2014 click into the CVC field and press Super+F (or Fill CVC here).",
    );
  });

  it("shows a stop in the core's own words", () => {
    const stopped: FillUpdate = {
      phase: "stopped",
      card: CARD,
      stop: { reason: "timedOut" },
      title: "Fill timed out",
      message: "No other window became active within 60 s, so nothing was typed.",
    };
    expect(fillStatus(stopped, "Ctrl+Alt+F")).toEqual({ title: stopped.title, message: stopped.message });
  });

  it("counts waiting, counting and typing as under way, and nothing else", () => {
    const base = { card: CARD, scope: { kind: "all" as const } };
    expect(isArmed({ phase: "waiting", ...base })).toBe(true);
    expect(isArmed({ phase: "counting", ...base, windowTitle: WINDOW, startsInMs: 2000 })).toBe(true);
    expect(isArmed({ phase: "typing", ...base, windowTitle: WINDOW })).toBe(true);
    expect(isArmed({ phase: "typed", ...base, windowTitle: WINDOW, next: null })).toBe(false);
    expect(isArmed({ phase: "pick" })).toBe(false);
    expect(isArmed(null)).toBe(false);
  });
});
