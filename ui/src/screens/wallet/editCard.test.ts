// Editing a card from the list: the dialog opens on the card as it is, sends only what the person changed
// (null keeps, empty clears, a limit with its frequency), shows the saved card where its pin puts it with
// its colour and emoji, and keeps the dialog open with the core's refusal on its field.
import { clearMocks } from "@tauri-apps/api/mocks";
import { mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CardView } from "../../api";
import { clearToasts, toasts } from "../../lib/toast.svelte";
import { button, calls, card, key, mockCore, settle, typeInto } from "../../testing/mockCore";
import CardsPanel from "./CardsPanel.svelte";

const GROCERIES: CardView = {
  ...card("card_g", "Groceries", "4242", 3),
  limitText: "$250.00 per 7 days",
  limitCents: 25_000,
  limitFrequency: "per7DayPeriod",
  memo: "Weekly shop",
  emoji: "\u{1F6D2}",
  color: "#115e59",
  sortOrder: 2,
};
const CARDS = [card("card_a", "Alpha", "1111", 5), GROCERIES, card("card_z", "Zed", "9999", 1)];

let component: ReturnType<typeof mount> | null = null;

function names(): string[] {
  return [...document.querySelectorAll(".card .name")].map((n) => n.textContent?.trim() ?? "");
}

function value(id: string): string {
  return (document.getElementById(id) as HTMLInputElement | HTMLSelectElement).value;
}

async function openEdit(over = {}) {
  mockCore({ cards: () => CARDS, ...over });
  component = mount(CardsPanel, { target: document.getElementById("app")! });
  await settle();
  const edit = button("Edit", document.getElementById("card-card_g")!);
  edit.focus();
  edit.click();
  await settle();
  return edit;
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

describe("the card's face", () => {
  it("takes the card's colour and emoji, and shows its memo", async () => {
    mockCore({ cards: () => CARDS });
    component = mount(CardsPanel, { target: document.getElementById("app")! });
    await settle();
    const item = document.getElementById("card-card_g")!;
    const face = item.querySelector<HTMLElement>(".face")!;
    expect(face.style.backgroundColor).toMatch(/rgb\(17, 94, 89\)|#115e59/);
    expect(item.querySelector(".name")?.textContent).toContain("\u{1F6D2}");
    expect(item.querySelector(".memo")?.textContent).toBe("Weekly shop");
    // A card without a colour keeps the theme's face.
    expect(document.querySelector<HTMLElement>("#card-card_a .face")?.style.backgroundColor).toBe("");
  });
});

describe("Edit card", () => {
  it("opens on the card as it is, and Escape gives the focus back to Edit without sending anything", async () => {
    const edit = await openEdit();
    const dialog = [...document.querySelectorAll("dialog")].find((d) => d.open)!;
    expect(dialog.textContent).toContain("Edit Groceries");
    expect(document.activeElement?.id).toBe("edit-label");
    expect(value("edit-label")).toBe("Groceries");
    expect(value("edit-limit")).toBe("250.00");
    expect(value("edit-frequency")).toBe("per7DayPeriod");
    expect(value("edit-emoji")).toBe("\u{1F6D2}");
    expect(value("edit-memo")).toBe("Weekly shop");
    expect(value("edit-sortOrder")).toBe("2");
    expect(dialog.querySelector<HTMLInputElement>('input[name="edit-color"]:checked')?.value).toBe("#115e59");

    key(dialog, "Escape");
    await settle();
    expect(dialog.open).toBe(false);
    expect(document.activeElement).toBe(edit);
    expect(calls.some(([c]) => c === "update_card")).toBe(false);
  });

  it("sends only what changed, and shows the saved card where its pin puts it", async () => {
    const saved: CardView = { ...GROCERIES, label: "Food", name: "Food", pinned: true, emoji: null, color: "#9f1239", listOrder: `0${GROCERIES.listOrder}` };
    await openEdit({ update_card: () => saved });
    typeInto("edit-label", "Food");
    typeInto("edit-emoji", "");
    const ruby = [...document.querySelectorAll<HTMLInputElement>('input[name="edit-color"]')].find((r) => r.value === "#9f1239")!;
    ruby.click();
    (document.getElementById("edit-pinned") as HTMLInputElement).click();
    await settle();
    button("Save changes").click();
    await settle();

    expect(calls.find(([c]) => c === "update_card")?.[1]).toEqual({
      id: "card_g",
      edit: { label: "Food", color: "#9f1239", emoji: "", memo: null, limit: null, frequency: null, pinned: true, sortOrder: null },
    });
    expect(document.querySelector("dialog[open]")).toBeNull();
    expect(names()[0]).toBe("Food");
    expect(document.activeElement?.id).toBe("card-card_g");
    expect(toasts.map((t) => t.text)).toContain("Food saved");
  });

  it("sends a new limit with how often it applies, and an empty limit to remove it", async () => {
    await openEdit({ update_card: () => GROCERIES });
    typeInto("edit-limit", "40");
    const frequency = document.getElementById("edit-frequency") as HTMLSelectElement;
    frequency.value = "per24HourPeriod";
    frequency.dispatchEvent(new Event("change", { bubbles: true }));
    await settle();
    button("Save changes").click();
    await settle();
    expect(calls.find(([c]) => c === "update_card")?.[1].edit).toMatchObject({ limit: "40", frequency: "per24HourPeriod" });

    calls.length = 0;
    button("Edit", document.getElementById("card-card_g")!).click();
    await settle();
    typeInto("edit-limit", "");
    await settle();
    button("Save changes").click();
    await settle();
    expect(calls.find(([c]) => c === "update_card")?.[1].edit).toMatchObject({ limit: "", frequency: null });
  });

  it("keeps the dialog open with the core's refusal on its field", async () => {
    await openEdit({
      update_card: () => {
        throw { code: "validation", title: "Check the highlighted fields", message: "Choose one emoji.", action: "fixFields", fields: [{ field: "emoji", message: "Choose one emoji." }], retryAfterSeconds: null };
      },
    });
    typeInto("edit-emoji", "ab");
    await settle();
    button("Save changes").click();
    await settle();
    expect(document.querySelector("dialog[open]")).not.toBeNull();
    expect(document.getElementById("edit-emoji-problem")?.textContent).toBe("Choose one emoji.");
    expect(document.getElementById("edit-emoji")?.getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement?.id).toBe("edit-emoji");
  });

  it("closes without a call when nothing changed, and refuses a place that is not a whole number", async () => {
    await openEdit({ update_card: () => GROCERIES });
    typeInto("edit-sortOrder", "1.5");
    await settle();
    button("Save changes").click();
    await settle();
    expect(document.getElementById("edit-sortOrder-problem")?.textContent).toContain("whole number");
    expect(calls.some(([c]) => c === "update_card")).toBe(false);

    typeInto("edit-sortOrder", "2");
    await settle();
    button("Save changes").click();
    await settle();
    expect(document.querySelector("dialog[open]")).toBeNull();
    expect(calls.some(([c]) => c === "update_card")).toBe(false);
  });
});
