// The Activity tab as a person uses it: pending apart from settled, declines with their reason, money in
// and out told apart; filters by card, type and dates and a search by merchant, each asking the core with
// the person's time zone; news from the core's watch shown without a timer; "Export CSV" through the
// core's save dialog; and a card's own "Activity" button opening that card's transactions.
import { mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ActivityLine, ActivityView } from "../../api";
import { activityFilters, clearFilters } from "../../lib/activity.svelte";
import { stopActivity } from "../../lib/activityFeed.svelte";
import { clearToasts, toasts } from "../../lib/toast.svelte";
import { wallet } from "../../lib/wallet.svelte";
import { button, calls, card, endTest, mockCore, send, settle, typeInto } from "../../testing/mockCore";
import WalletScreen from "../wallet/WalletScreen.svelte";
import ActivityPanel from "./ActivityPanel.svelte";

function line(id: string, over: Partial<ActivityLine>): ActivityLine {
  return {
    id, title: "Coffee Corner", merchant: "Coffee Corner", kind: "spend", kindText: "Card spend", state: "settled",
    statusText: "Posted", amountCents: -450, amountText: "\u2212$4.50", debit: true, refund: false, cardId: "card_a",
    cardName: "Groceries", cardLast4: "4242", declineReason: null, date: "2026-01-16", timeText: "16 Jan 2026, 18:40",
    sortKey: `2026-01-16T17:40:00Z${id}`, ...over,
  };
}

const VIEW: ActivityView = {
  pending: [line("t_pend", { title: "Book Barn", statusText: "Pending", state: "pending", amountText: "\u2212$12.00" })],
  settled: [
    line("t_post", {}),
    line("t_dep", { title: "Collateral", merchant: null, kind: "collateral", kindText: "Collateral", amountText: "+$100.00", debit: false, cardId: null, cardName: null, cardLast4: null }),
  ],
  declined: [line("t_decl", { title: "Gadget Hub", state: "declined", statusText: "Declined", amountText: "\u2212$900.00", declineReason: "Over the card's limit" })],
  total: 4,
};
const EMPTY: ActivityView = { pending: [], settled: [], declined: [], total: 4 };

const CARDS = [card("card_a", "Groceries", "4242", 2), card("card_b", "Travel", "1881", 1)];

let component: ReturnType<typeof mount> | null = null;
let channel: unknown = null;

function queries(): Record<string, unknown>[] {
  return calls.filter(([c]) => c === "activity_list").map(([, args]) => args.query as Record<string, unknown>);
}

/** The group under heading `title`: its heading and its lines (one virtual list holds every group, so the
 *  group's rows are gathered by their `data-section` into a detached element). */
function section(title: string): HTMLElement | null {
  const head = [...document.querySelectorAll<HTMLElement>(".section-head")].find((s) => s.querySelector("h3")?.textContent?.startsWith(title));
  if (!head) return null;
  const group = document.createElement("div");
  for (const row of document.querySelectorAll(`[data-section="${head.dataset.section}"]`)) group.append(row.cloneNode(true));
  return group;
}

async function open(answer: (query: Record<string, unknown>) => ActivityView = () => VIEW, over = {}) {
  mockCore({
    cards: () => CARDS,
    activity_list: (args) => answer(args.query as Record<string, unknown>),
    watch_activity: (args) => {
      channel = args.onUpdate;
      return 7;
    },
    ...over,
  });
  component = mount(ActivityPanel, { target: document.getElementById("app")! });
  await settle();
}

beforeEach(() => {
  vi.useFakeTimers();
  document.body.innerHTML = '<div id="app"></div>';
  clearToasts();
  clearFilters();
  channel = null;
});

afterEach(() => {
  endTest(component);
  component = null;
});

describe("the list", () => {
  it("keeps pending, settled and declined apart, with the decline's reason and money in told from money out", async () => {
    await open();
    const pending = section("Pending")!;
    const settled = section("Settled")!;
    const declined = section("Declined")!;
    expect(pending.textContent).toContain("Book Barn");
    expect(pending.textContent).not.toContain("Coffee Corner");
    expect(settled.textContent).toContain("Coffee Corner");
    expect(settled.textContent).toContain("Groceries");
    expect(settled.textContent).toContain("16 Jan 2026, 18:40");
    expect(declined.textContent).toContain("Declined: Over the card's limit");
    // Money out and money in: the sign is the core's, and a screen reader hears which way it went.
    const amounts = [...settled.querySelectorAll(".amount")];
    expect(amounts[0]?.textContent).toContain("Out: \u2212$4.50");
    expect(amounts[1]?.textContent).toContain("In: +$100.00");
    expect(amounts[1]?.classList.contains("credit")).toBe(true);
    expect(document.querySelector(".result")?.textContent).toContain("4 transactions.");
    // The page sends its time zone, so the core words times and days as this computer does.
    expect(queries()[0]).toEqual({
      cardId: null, types: [], from: null, to: null, search: null, utcOffsetMinutes: -new Date().getTimezoneOffset(),
    });
  });

  it("says when there is nothing yet, and when filters hide everything", async () => {
    await open(() => ({ pending: [], settled: [], declined: [], total: 0 }));
    expect(document.querySelector(".result")?.textContent).toContain("No transactions yet");
    expect(document.querySelector("[data-section]")).toBeNull();

    component && unmount(component);
    await open(() => EMPTY);
    typeInto("tx-search", "zzz");
    await vi.advanceTimersByTimeAsync(400);
    await settle();
    expect(document.querySelector(".result")?.textContent).toContain("No transaction matches these filters.");
    button("Clear filters").click();
    await settle();
    expect(activityFilters.search).toBe("");
  });

  it("counts what a search or dates leave of the total, and a card's own list plainly", async () => {
    await open((q) => (q.search ? { pending: [], settled: [VIEW.settled[0]!], declined: [], total: 4 } : q.cardId ? { ...EMPTY, settled: [VIEW.settled[0]!], total: 1 } : VIEW));
    activityFilters.cardId = "card_a";
    await settle();
    expect(document.querySelector(".result")?.textContent).toContain("1 transaction.");
    activityFilters.cardId = "";
    typeInto("tx-search", "coffee");
    await vi.advanceTimersByTimeAsync(400);
    await settle();
    expect(document.querySelector(".result")?.textContent).toContain("1 of 4 transactions matches.");
  });

  it("asks again when the core's watch says something changed, and never on a timer", async () => {
    let answer = EMPTY;
    await open(() => answer);
    expect(queries()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(120_000);
    await settle();
    expect(queries()).toHaveLength(1);

    answer = VIEW;
    send(channel, { kind: "changed", new: [VIEW.pending[0]], updated: [] });
    await settle();
    expect(queries()).toHaveLength(2);
    expect(section("Pending")?.textContent).toContain("Book Barn");
    // The watch was started with this computer's time zone, for the notifications' times.
    expect(calls.find(([c]) => c === "watch_activity")?.[1].utcOffsetMinutes).toBe(-new Date().getTimezoneOffset());
  });

  it("says when the watch stopped, and Try again starts it again", async () => {
    await open();
    send(channel, { kind: "slowedDown", nextCheckInMs: 60_000 });
    await settle();
    expect(document.body.textContent).not.toContain("Activity unavailable");
    send(channel, { kind: "stopped", error: { code: "server", title: "Activity unavailable", message: "The server failed.", action: "retry", fields: [], retryAfterSeconds: null } });
    await settle();
    expect(document.body.textContent).toContain("Activity unavailable");
    const before = calls.filter(([c]) => c === "watch_activity").length;
    button("Try again").click();
    await settle();
    expect(calls.filter(([c]) => c === "watch_activity")).toHaveLength(before + 1);
  });

  it("keeps the core's watch when the tab goes away (notifications come from it), until the app stops it", async () => {
    await open();
    unmount(component!);
    component = null;
    await settle();
    expect(calls.some(([c]) => c === "stop_watch")).toBe(false);
    // Opening the tab again does not start a second watch.
    component = mount(ActivityPanel, { target: document.getElementById("app")! });
    await settle();
    expect(calls.filter(([c]) => c === "watch_activity")).toHaveLength(1);
    stopActivity();
    await settle();
    expect(calls.some(([c, args]) => c === "stop_watch" && args.watch === 7)).toBe(true);
  });
});

describe("filters and search", () => {
  it("sends the card, type and dates chosen, and a search once typing pauses", async () => {
    await open();
    const select = (id: string, value: string) => {
      const el = document.getElementById(id) as HTMLSelectElement | HTMLInputElement;
      el.value = value;
      el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? "change" : "input", { bubbles: true }));
    };
    select("tx-card", "card_b");
    await settle();
    select("tx-type", "fee");
    await settle();
    select("tx-from", "2026-01-01");
    await settle();
    select("tx-to", "2026-01-31");
    await settle();
    expect(queries().at(-1)).toMatchObject({ cardId: "card_b", types: ["fee"], from: "2026-01-01", to: "2026-01-31" });

    const before = queries().length;
    typeInto("tx-search", "c");
    typeInto("tx-search", "co");
    typeInto("tx-search", "cof ");
    await vi.advanceTimersByTimeAsync(100);
    await settle();
    expect(queries()).toHaveLength(before);
    await vi.advanceTimersByTimeAsync(300);
    await settle();
    expect(queries()).toHaveLength(before + 1);
    expect(queries().at(-1)?.search).toBe("cof");
  });

  it("says a “from” after the “to” at once and does not ask", async () => {
    await open();
    const before = queries().length;
    activityFilters.from = "2026-02-01";
    activityFilters.to = "2026-01-01";
    await settle();
    expect(document.getElementById("tx-dates-problem")?.textContent).toContain("after the");
    expect(document.getElementById("tx-from")?.getAttribute("aria-invalid")).toBe("true");
    expect(queries()).toHaveLength(before);
    expect(button("Export CSV").disabled).toBe(true);
  });
});

describe("Export CSV", () => {
  it("hands the core the same query, and says where the file went", async () => {
    await open(() => VIEW, { export_activity: () => ({ fileName: "machines-activity-2026-01-16.csv", rows: 4 }) });
    activityFilters.type = "spend";
    await settle();
    button("Export CSV").click();
    await settle();
    const exported = calls.find(([c]) => c === "export_activity")?.[1].query;
    expect(exported).toMatchObject({ types: ["spend"], cardId: null });
    expect(toasts.map((t) => t.text)).toContain("Saved 4 transactions as machines-activity-2026-01-16.csv");
  });

  it("says nothing when the person cancels the save dialog, and shows a refusal", async () => {
    let answer: () => unknown = () => null;
    await open(() => VIEW, { export_activity: () => answer() });
    button("Export CSV").click();
    await settle();
    expect(toasts).toHaveLength(0);
    expect(document.querySelector(".banner, [role=alert]")).toBeNull();

    answer = () => {
      throw { code: "internal", title: "Could not export", message: "The file could not be written.", action: "retry", fields: [], retryAfterSeconds: null };
    };
    button("Export CSV").click();
    await settle();
    expect(document.body.textContent).toContain("The file could not be written.");
  });
});

describe("a card's activity", () => {
  it("opens from the card on the Activity tab, shows only that card, and goes back to every card", async () => {
    wallet.tab = "cards";
    mockCore({
      cards: () => CARDS,
      activity_list: (args) => ((args.query as { cardId: string | null }).cardId === "card_b" ? EMPTY : VIEW),
      watch_activity: () => 7,
    });
    component = mount(WalletScreen, { target: document.getElementById("app")! });
    await settle();
    activityFilters.search = "left over";
    button("Activity", document.getElementById("card-card_b")!).click();
    await settle();

    expect(wallet.tab).toBe("activity");
    expect(document.activeElement?.id).toBe("transactions-title");
    expect(document.getElementById("transactions-title")?.textContent).toBe("Activity of Travel");
    expect(document.querySelector(".scope")?.textContent).toContain("Only Travel");
    // The card's own view: its id is asked for, and an older search does not hide its transactions.
    expect(queries().at(-1)).toMatchObject({ cardId: "card_b", search: null });

    button("Show every card").click();
    await settle();
    expect(queries().at(-1)).toMatchObject({ cardId: null });
    expect(document.getElementById("transactions-title")?.textContent).toBe("Activity");
  });
});
