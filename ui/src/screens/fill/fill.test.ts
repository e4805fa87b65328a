// Fill's dialog and picker in the page, with a mocked core pushing the steps: the dialog at every phase
// (the countdown, Cancel and Escape calling cancel_fill, "Fill expiry" after the number), the picker
// keyboard first (type to filter, arrows, Enter), the card list's Fill button, and a session that cannot
// type offering the Copy buttons in words.
import { clearMocks } from "@tauri-apps/api/mocks";
import { mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fill, followFill, forgetFill } from "../../lib/fill.svelte";
import type { FillCardLabel, FillUpdate } from "../../lib/fillCommands";
import { clearToasts, toasts } from "../../lib/toast.svelte";
import { button, calls, card, key, mockCore, send, settle, typeInto } from "../../testing/mockCore";
import CardsPanel from "../wallet/CardsPanel.svelte";
import FillDialog from "./FillDialog.svelte";
import FillPicker from "./FillPicker.svelte";

const LABEL: FillCardLabel = { id: "card_g", label: "Groceries", last4: "4242" };
const CARDS = [card("card_g", "Groceries", "4242", 3), card("card_r", "Rent", "1881", 2), card("card_t", "Travel", "5150", 1)];
const WINDOW = "Checkout \u2013 Chromium";

let mounted: ReturnType<typeof mount>[] = [];
let channel: unknown = null;

async function open(over: Record<string, (args: Record<string, unknown>) => unknown> = {}, withCards = false) {
  mockCore({
    cards: () => CARDS,
    listen_fill: (args) => {
      channel = args.onUpdate;
      return null;
    },
    fill_availability: () => ({ available: true, reason: null, shortcut: "Ctrl+Alt+F" }),
    fill_card: () => null,
    cancel_fill: () => null,
    ...over,
  });
  const target = document.getElementById("app")!;
  if (withCards) mounted.push(mount(CardsPanel, { target }));
  mounted.push(mount(FillPicker, { target }), mount(FillDialog, { target }));
  await followFill();
  await settle();
}

function push(update: FillUpdate) {
  send(channel, update);
}

function dialogText(): string {
  const dialog = [...document.querySelectorAll("dialog")].find((d) => d.open);
  return dialog?.textContent?.replace(/\s+/g, " ").trim() ?? "";
}

const commandsCalled = () => calls.map(([c]) => c).filter((c) => c !== "listen_fill" && c !== "fill_availability" && c !== "cards");

beforeEach(() => {
  vi.useFakeTimers();
  document.body.innerHTML = '<div id="app"></div>';
  forgetFill();
  fill.availability = null;
  clearToasts();
});

afterEach(() => {
  for (const m of mounted) unmount(m);
  mounted = [];
  clearMocks();
  vi.useRealTimers();
});

describe("the Fill dialog", () => {
  it("asks for a click, counts down with the window's title, and Cancel stops the fill", async () => {
    await open();
    push({ phase: "waiting", card: LABEL, scope: { kind: "all" } });
    await settle();
    expect(dialogText()).toContain("Fill Groceries \u2022\u20224242");
    expect(dialogText()).toContain("Click into the card-number field of the checkout page.");
    expect(document.querySelector('[role="status"]')?.getAttribute("aria-live")).toBe("polite");
    expect(document.activeElement?.textContent?.trim()).toBe("Cancel");

    push({ phase: "counting", card: LABEL, scope: { kind: "all" }, windowTitle: WINDOW, startsInMs: 2000 });
    await settle();
    expect(dialogText()).toContain(`Typing into \u201c${WINDOW}\u201d in 2 s \u2014 press Escape to cancel.`);
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    // The seconds tick for the eye; the announced sentence keeps the start.
    expect(document.querySelector(".message")?.textContent).toContain("in 1 s");
    expect(document.querySelector('[role="status"]')?.textContent).toContain("in 2 s");

    button("Cancel", document.querySelector("dialog[open]")!).click();
    await settle();
    expect(commandsCalled()).toEqual(["cancel_fill"]);
    expect([...document.querySelectorAll("dialog")].some((d) => d.open)).toBe(false);
  });

  it("stops the fill on Escape in our window, wherever the focus is", async () => {
    await open();
    push({ phase: "counting", card: LABEL, scope: { kind: "all" }, windowTitle: WINDOW, startsInMs: 2000 });
    await settle();
    (document.activeElement as HTMLElement | null)?.blur();
    key(document.body, "Escape");
    await settle();
    expect(commandsCalled()).toEqual(["cancel_fill"]);
  });

  it("after the number in per-field mode, offers Fill expiry, which arms the expiry of the same card", async () => {
    await open();
    push({ phase: "typing", card: LABEL, scope: { kind: "one", field: "number" }, windowTitle: WINDOW });
    await settle();
    expect(dialogText()).toContain(`Typing into \u201c${WINDOW}\u201d \u2014 press Escape to stop.`);
    push({ phase: "typed", card: LABEL, scope: { kind: "one", field: "number" }, windowTitle: WINDOW, next: "expiry" });
    await settle();
    expect(dialogText()).toContain("Typed the number. Next: the expiry \u2014 click into the expiry field and press Ctrl+Alt+F (or Fill expiry here).");
    expect(document.activeElement?.textContent?.trim()).toBe("Fill expiry");
    button("Fill expiry").click();
    await settle();
    expect(calls.filter(([c]) => c === "fill_card")).toEqual([["fill_card", { id: "card_g", field: "expiry" }]]);
  });

  it("says why a fill stopped in the core's words, and Try again arms the same card", async () => {
    await open();
    push({ phase: "waiting", card: LABEL, scope: { kind: "one", field: "cvc" } });
    push({ phase: "stopped", card: LABEL, stop: { reason: "windowChanged" }, title: "Fill stopped", message: "The window changed while typing." });
    await settle();
    expect(dialogText()).toContain("Fill stopped");
    expect(dialogText()).toContain("The window changed while typing.");
    button("Try again").click();
    await settle();
    expect(calls.filter(([c]) => c === "fill_card")).toEqual([["fill_card", { id: "card_g", field: "cvc" }]]);
    // Escape on an ended fill closes the dialog and cancels nothing.
    push({ phase: "typed", card: LABEL, scope: { kind: "all" }, windowTitle: WINDOW, next: null });
    await settle();
    key(document.querySelector("dialog[open]")!, "Escape");
    await settle();
    expect(commandsCalled()).not.toContain("cancel_fill");
    expect(fill.shown).toBeNull();
  });
});

describe("the card picker", () => {
  it("opens on the shortcut's pick with the filter focused; arrows and Enter pick a card", async () => {
    await open();
    push({ phase: "pick" });
    await settle();
    const search = document.getElementById("fill-pick-search") as HTMLInputElement;
    expect(document.activeElement).toBe(search);
    const options = () => [...document.querySelectorAll('[role="option"]')].map((o) => o.textContent?.replace(/\s+/g, " ").trim());
    expect(options()).toHaveLength(3);
    expect(search.getAttribute("aria-activedescendant")).toBe("fill-pick-card_g");
    key(search, "ArrowDown");
    await settle();
    expect(search.getAttribute("aria-activedescendant")).toBe("fill-pick-card_r");
    key(search, "ArrowUp");
    key(search, "ArrowUp");
    await settle();
    // Up from the first wraps to the last.
    expect(search.getAttribute("aria-activedescendant")).toBe("fill-pick-card_t");
    key(search, "Enter");
    await settle();
    expect(calls.filter(([c]) => c === "fill_card")).toEqual([["fill_card", { id: "card_t", field: null }]]);
    expect(fill.picking).toBe(false);
  });

  it("narrows the list by what is typed: a label or the last four", async () => {
    await open();
    push({ phase: "pick" });
    await settle();
    typeInto("fill-pick-search", "1881");
    await settle();
    expect([...document.querySelectorAll('[role="option"]')].map((o) => o.id)).toEqual(["fill-pick-card_r"]);
    typeInto("fill-pick-search", "trav");
    await settle();
    key(document.getElementById("fill-pick-search")!, "Enter");
    await settle();
    expect(calls.filter(([c]) => c === "fill_card")).toEqual([["fill_card", { id: "card_t", field: null }]]);
  });

  it("opens again with the reason when the core refuses the card picked, and Dismiss keeps it open", async () => {
    const refusal = {
      code: "too_many",
      title: "Too many reveals",
      message: "Ten card details were shown or typed in the last minute. Try again in a minute.",
      action: "dismiss",
      fields: [],
      retryAfterSeconds: 60,
    };
    await open({
      fill_card: () => {
        throw refusal;
      },
    });
    push({ phase: "pick" });
    await settle();
    key(document.getElementById("fill-pick-search")!, "Enter");
    await settle();
    expect(calls.filter(([c]) => c === "fill_card")).toEqual([["fill_card", { id: "card_g", field: null }]]);
    expect(fill.picking).toBe(true);
    expect(dialogText()).toContain("Fill a card");
    expect(dialogText()).toContain(refusal.message);
    button("Dismiss").click();
    await settle();
    expect(dialogText()).not.toContain(refusal.message);
    expect(fill.picking).toBe(true);
  });

  it("leaves out cards that cannot be revealed, and Escape closes without filling", async () => {
    const locked = { ...card("card_l", "Locked one", "7777", 4), canReveal: false, status: "locked" as const };
    await open({ cards: () => [locked, ...CARDS] });
    push({ phase: "pick" });
    await settle();
    expect(document.getElementById("fill-pick-card_l")).toBeNull();
    key(document.getElementById("fill-pick-search")!, "Escape");
    await settle();
    expect(fill.picking).toBe(false);
    expect(calls.some(([c]) => c === "fill_card")).toBe(false);
  });
});

describe("Fill on the card list", () => {
  it("arms the card and, in per-field mode, offers the next field on that card only", async () => {
    await open({}, true);
    const groceries = document.getElementById("card-card_g")!;
    button("Fill", groceries).click();
    await settle();
    expect(calls.filter(([c]) => c === "fill_card")).toEqual([["fill_card", { id: "card_g", field: null }]]);
    push({ phase: "typed", card: LABEL, scope: { kind: "one", field: "number" }, windowTitle: WINDOW, next: "expiry" });
    await settle();
    expect(button("Fill expiry", groceries)).toBeTruthy();
    expect(() => button("Fill expiry", document.getElementById("card-card_r")!)).toThrow();
  });

  it("where the session cannot type, says so in words and offers Copy, which copies from Rust", async () => {
    await open(
      {
        fill_availability: () => ({ available: false, reason: "This is a Wayland session without X11, so the app cannot type into other windows.", shortcut: null }),
        copy_card: (args) => ({ label: args.what === "number" ? "Card number" : "Expiry", clearsInSeconds: 20 }),
      },
      true,
    );
    button("Fill", document.getElementById("card-card_g")!).click();
    await settle();
    expect(calls.some(([c]) => c === "fill_card")).toBe(false);
    expect(dialogText()).toContain("Fill is not available here");
    expect(dialogText()).toContain("Wayland session without X11");
    const dialog = document.querySelector("dialog[open]")!;
    expect(document.activeElement?.textContent?.trim()).toBe("Copy number");
    button("Copy number", dialog).click();
    await settle();
    expect(calls.filter(([c]) => c === "copy_card")).toEqual([["copy_card", { id: "card_g", what: "number" }]]);
    expect(toasts.map((t) => t.text)).toContain("Card number copied \u2014 clears in 20 s");
  });
});
