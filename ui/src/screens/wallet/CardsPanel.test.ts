// The card list with many cards: "New card" at the top opening a modal (focus inside, Tab wraps, Escape
// closes, focus returns), the new card placed in the core's order and focused, and search by label and
// last four.
import { clearMocks } from "@tauri-apps/api/mocks";
import { mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clearToasts } from "../../lib/toast.svelte";
import { button, calls, card, key, mockCore, settle, typeInto } from "../../testing/mockCore";
import CardsPanel from "./CardsPanel.svelte";

/** 25 cards as the core lists them: one pinned first, then the newest. */
const MANY = [
  card("card_pin", "Rent", "0001", 1, true),
  ...Array.from({ length: 24 }, (_, i) => card(`card_${100 - i}`, `Card ${24 - i}`, String(5000 + 24 - i), 100 - i)),
];

let component: ReturnType<typeof mount> | null = null;

function names(): string[] {
  return [...document.querySelectorAll(".card .name")].map((n) => n.textContent?.trim() ?? "");
}

async function open(cards = MANY, over = {}) {
  mockCore({ cards: () => cards, ...over });
  component = mount(CardsPanel, { target: document.getElementById("app")! });
  await settle();
}

beforeEach(() => {
  vi.useFakeTimers();
  document.body.innerHTML = '<div id="app"></div>';
  clearToasts();
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  clearMocks();
  vi.useRealTimers();
});

describe("New card", () => {
  it("sits above the list and opens a modal that keeps the focus and gives it back", async () => {
    await open();
    const newCard = button("New card");
    const list = document.querySelector(".list")!;
    expect(newCard.compareDocumentPosition(list) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();

    newCard.focus();
    newCard.click();
    await settle();
    const dialog = document.querySelector("dialog")!;
    expect(dialog.open).toBe(true);
    expect(dialog.getAttribute("aria-labelledby")).toBe("create-card-title");
    expect(document.activeElement?.id).toBe("card-label");

    // Tab from the last control comes back to the first; Shift+Tab from the first goes to the last.
    const create = button("Create card", dialog);
    create.focus();
    expect(key(create, "Tab").defaultPrevented).toBe(true);
    expect(document.activeElement?.id).toBe("card-label");
    key(document.activeElement!, "Tab", true);
    expect(document.activeElement).toBe(create);

    key(dialog, "Escape");
    await settle();
    expect(dialog.open).toBe(false);
    expect(document.activeElement).toBe(newCard);
    expect(calls.some(([c]) => c === "create_card")).toBe(false);
  });

  it("puts the new card where the core's order says and moves the focus to it", async () => {
    const made = card("card_new", "Groceries", "4242", 200);
    await open(MANY, { create_card: () => made });
    button("New card").click();
    await settle();
    typeInto("card-label", "Groceries");
    button("Create card").click();
    await settle();

    expect(calls.find(([c]) => c === "create_card")?.[1]).toEqual({ label: "Groceries", limit: null, frequency: null });
    expect(document.querySelector("dialog")?.open).toBe(false);
    // Pinned first, then the newest: the new card comes second, and nothing else moved.
    expect(names().slice(0, 3)).toEqual(["Rent", "Groceries", "Card 24"]);
    expect(names()).toHaveLength(26);
    expect(document.activeElement?.id).toBe("card-card_new");
  });

  it("counts the label as a person sees it and refuses one too long without calling the core", async () => {
    await open([], { create_card: () => card("x", "x", "0000", 1) });
    button("New card").click();
    await settle();
    // 60 flags: 60 characters, 240 UTF-16 units. Allowed, and the counter says so.
    typeInto("card-label", "\u{1F1EB}\u{1F1F7}".repeat(60));
    await settle();
    expect(document.getElementById("card-label-count")?.textContent).toContain("60 of 60 characters");
    typeInto("card-label", "a".repeat(61));
    await settle();
    expect(document.getElementById("card-label-count")?.textContent).toContain("remove 1");
    button("Create card").click();
    await settle();
    expect(calls.some(([c]) => c === "create_card")).toBe(false);
    expect(document.getElementById("card-label-problem")?.textContent).toContain("at most 60 characters");
    expect(document.activeElement?.id).toBe("card-label");
  });
});

describe("search", () => {
  it("finds cards by label or last four and says how many match", async () => {
    await open();
    typeInto("card-search", "card 1");
    await settle();
    // "Card 1" and "Card 10"…"Card 19": every word must be in the label.
    expect(names()).toHaveLength(11);
    expect(document.getElementById("card-search-result")?.textContent).toContain("11 of 25 cards match");

    typeInto("card-search", "5017");
    await settle();
    expect(names()).toEqual(["Card 17"]);

    typeInto("card-search", "•••• 0001");
    await settle();
    expect(names()).toEqual(["Rent"]);

    typeInto("card-search", "nothing like it");
    await settle();
    expect(names()).toEqual([]);
    expect(document.getElementById("card-search-result")?.textContent).toContain("No card matches");

    typeInto("card-search", "");
    await settle();
    expect(names()).toHaveLength(25);
  });
});

describe("a card's own buttons", () => {
  it("keep the focus in the card when Lock becomes Unlock and Reveal becomes Hide now", async () => {
    const first = MANY[1]!;
    await open([first], {
      lock_card: () => ({ ...first, status: "locked", statusText: "Locked", canLock: false, canUnlock: true }),
      reveal_card: () => ({ cardId: first.cardId, numberGroups: ["4242", "4242", "4242", "4242"], expiry: "12/29", cvc: "123", secondsLeft: 2 }),
    });
    const card = document.getElementById(`card-${first.cardId}`)!;
    const press = async (label: string) => {
      const b = button(label, card);
      b.focus();
      b.click();
      await settle();
    };
    await press("Lock");
    expect(document.activeElement).toBe(button("Unlock", card));
    await press("Reveal");
    expect(document.activeElement).toBe(button("Hide now", card));
    // The countdown ends: the digits and "Hide now" go, and Reveal has the focus again.
    await vi.advanceTimersByTimeAsync(2500);
    await settle();
    expect(card.textContent).not.toContain("Hides in");
    expect(document.activeElement).toBe(button("Reveal", card));
  });
});

describe("delete", () => {
  it("asks in a modal with Cancel focused; Escape cancels and the focus goes back to Delete", async () => {
    await open(MANY.slice(0, 3), { delete_card: () => null });
    const del = button("Delete", document.getElementById("card-card_100")!);
    del.focus();
    del.click();
    await settle();
    const dialog = [...document.querySelectorAll("dialog")].find((d) => d.open)!;
    expect(dialog.textContent).toContain("Delete \u201cCard 24\u201d?");
    expect(document.activeElement).toBe(button("Cancel", dialog));
    key(dialog, "Escape");
    await settle();
    expect(dialog.open).toBe(false);
    expect(document.activeElement).toBe(del);
    expect(calls.some(([c]) => c === "delete_card")).toBe(false);
  });

  it("moves the focus to the card that takes the deleted one's place", async () => {
    await open(MANY.slice(0, 3), { delete_card: () => null });
    const second = document.getElementById("card-card_100")!;
    const del = button("Delete", second);
    del.focus();
    del.click();
    await settle();
    button("Delete card").click();
    await settle();
    expect(names()).toEqual(["Rent", "Card 23"]);
    expect(document.activeElement?.id).toBe("card-card_99");
  });
});
