// Big accounts: the card list with 1,000 cards and the Activity list with 10,000 transactions keep only
// the rows near the viewport in the DOM, still tell assistive tech where each item is (k of n), keep the
// keyboard's focus when it scrolls away, walk every line with the arrow keys, and report their paint to
// the core after a frame, with the list's name and size (`ui_painted`, for the scale benchmarks).
import { mount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ActivityLine, ActivityView } from "../api";
import { clearFilters } from "../lib/activity.svelte";
import { clearToasts } from "../lib/toast.svelte";
import { card, endTest, key, mockCore, settle } from "../testing/mockCore";
import { layout } from "../testing/layout";
import ActivityPanel from "./activity/ActivityPanel.svelte";
import CardsPanel from "./wallet/CardsPanel.svelte";

const THOUSAND = Array.from({ length: 1000 }, (_, i) => card(`card_${i}`, `Card ${i}`, String(1000 + i).slice(-4), 5000 - i));

function line(id: number, state: ActivityLine["state"]): ActivityLine {
  return {
    id: `t_${id}`, title: `Shop ${id}`, merchant: `Shop ${id}`, kind: "spend", kindText: "Card spend", state,
    statusText: state === "pending" ? "Pending" : state === "declined" ? "Declined" : "Posted",
    amountCents: -100 - id, amountText: `\u2212$${(1 + id / 100).toFixed(2)}`, debit: true, refund: false, cardId: "card_0",
    cardName: "Card 0", cardLast4: "1000", declineReason: null, date: "2026-01-16", timeText: "16 Jan 2026, 18:40",
    sortKey: `2026-01-16T17:40:00Z${id}`,
  };
}

/** 10,000 lines: 40 pending, 9,900 settled, 60 declined. */
const BIG: ActivityView = {
  pending: Array.from({ length: 40 }, (_, i) => line(i, "pending")),
  settled: Array.from({ length: 9900 }, (_, i) => line(100 + i, "settled")),
  declined: Array.from({ length: 60 }, (_, i) => line(20_000 + i, "declined")),
  total: 10_000,
};

type Report = { list: string; ms: number; items: number; rowsInDom: number };
let reports: Report[] = [];
let component: ReturnType<typeof mount> | null = null;

/** The core as the page calls it, noting each paint report with the rows the DOM held at that moment. */
function core(over = {}) {
  mockCore({
    cards: () => THOUSAND,
    activity_list: () => BIG,
    watch_activity: () => 7,
    ui_painted: (args) => {
      const report = args.report as Omit<Report, "rowsInDom">;
      reports.push({ ...report, rowsInDom: document.querySelectorAll(`[data-list="${report.list}"] [data-row]`).length });
      return null;
    },
    ...over,
  });
}

/** Lets the page render, measure (the stand-in ResizeObserver) and reach its next animation frames. */
async function frames(): Promise<void> {
  await settle();
  await vi.advanceTimersByTimeAsync(100);
  await settle();
}

beforeEach(() => {
  vi.useFakeTimers();
  document.body.innerHTML = '<div id="app"></div>';
  clearToasts();
  clearFilters();
  reports = [];
  layout.viewport = 800;
});

afterEach(() => {
  endTest(component);
  component = null;
});

describe("1,000 cards", () => {
  it("renders a few rows of cards, each card saying which of the 1,000 it is", async () => {
    core();
    component = mount(CardsPanel, { target: document.getElementById("app")! });
    await frames();
    const box = document.querySelector<HTMLElement>('[data-list="cards"]')!;
    expect(box.getAttribute("role")).toBe("list");
    const rendered = [...box.querySelectorAll<HTMLElement>('[role="listitem"]')];
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.length).toBeLessThan(30);
    expect(box.querySelectorAll("[data-row]").length).toBeLessThan(30);
    expect(rendered[0]!.getAttribute("aria-posinset")).toBe("1");
    expect(rendered.every((c) => c.getAttribute("aria-setsize") === "1000")).toBe(true);
    expect(document.getElementById("card-search-result")?.textContent).toContain(`${(1000).toLocaleString()} cards`);
    // A search still looks through all 1,000, not only those rendered.
    const search = document.getElementById("card-search") as HTMLInputElement;
    search.value = "Card 999";
    search.dispatchEvent(new Event("input"));
    await frames();
    expect([...box.querySelectorAll(".card .name")].map((n) => n.textContent?.trim())).toEqual(["Card 999"]);
  });

  it("reports its paint once, after a frame with its rows in the DOM, with the number of cards", async () => {
    core();
    component = mount(CardsPanel, { target: document.getElementById("app")! });
    await frames();
    expect(reports).toHaveLength(1);
    const [report] = reports;
    expect(report).toMatchObject({ list: "cards", items: 1000 });
    expect(report!.ms).toBeGreaterThanOrEqual(0);
    expect(report!.rowsInDom).toBeGreaterThan(0);
  });

  it("keeps the focused card in the DOM when the list scrolls far from it", async () => {
    core();
    component = mount(CardsPanel, { target: document.getElementById("app")! });
    await frames();
    const reveal = [...document.querySelectorAll<HTMLButtonElement>("#card-card_0 button")].find((b) => b.textContent?.trim() === "Reveal")!;
    reveal.focus();
    const box = document.querySelector<HTMLElement>('[data-list="cards"]')!;
    box.scrollTop = 50_000;
    box.dispatchEvent(new Event("scroll"));
    await frames();
    // The list did scroll: cards far down are rendered now.
    const far = [...box.querySelectorAll<HTMLElement>('[role="listitem"]')].map((c) => Number(c.getAttribute("aria-posinset")));
    expect(Math.max(...far)).toBeGreaterThan(100);
    expect(document.activeElement).toBe(reveal);
    expect(reveal.isConnected).toBe(true);
    expect(box.querySelectorAll("[data-row]").length).toBeLessThan(40);
  });
});

describe("10,000 transactions", () => {
  async function openActivity() {
    core();
    component = mount(ActivityPanel, { target: document.getElementById("app")! });
    await frames();
    return document.querySelector<HTMLElement>('[data-list="activity"]')!;
  }

  it("renders a few dozen lines under their group's heading, each saying its place in the group", async () => {
    const box = await openActivity();
    expect(box.getAttribute("role")).toBe("list");
    const lines = [...box.querySelectorAll<HTMLElement>(".tx")];
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(40);
    expect(box.querySelector("h3")?.textContent).toContain("Pending (40)");
    expect(lines[0]!.getAttribute("aria-posinset")).toBe("1");
    expect(lines[0]!.getAttribute("aria-setsize")).toBe("40");
    expect(document.querySelector(".result")?.textContent).toContain(`${(10000).toLocaleString()} transactions.`);
    // One Tab stop for the whole list: the first line.
    expect(box.querySelectorAll('[tabindex="0"]')).toHaveLength(1);
    expect(lines[0]!.tabIndex).toBe(0);
  });

  it("walks every line with the arrow keys, across the groups, to the last one with End", async () => {
    const box = await openActivity();
    const first = box.querySelector<HTMLElement>(".tx")!;
    first.focus();
    key(first, "ArrowDown");
    await frames();
    expect(document.activeElement?.textContent).toContain("Shop 1");
    expect(document.activeElement?.getAttribute("aria-posinset")).toBe("2");

    key(document.activeElement!, "End");
    await frames();
    const last = document.activeElement as HTMLElement;
    expect(last.textContent).toContain("Shop 20059");
    expect(last.getAttribute("aria-posinset")).toBe("60");
    expect(last.getAttribute("aria-setsize")).toBe("60");
    expect(last.tabIndex).toBe(0);
    expect(box.querySelectorAll("[data-row]").length).toBeLessThan(60);

    key(last, "ArrowDown");
    await frames();
    expect(document.activeElement).toBe(last);
    key(last, "ArrowUp");
    await frames();
    expect(document.activeElement?.textContent).toContain("Shop 20058");
    key(document.activeElement!, "Home");
    await frames();
    expect(document.activeElement?.textContent).toContain("Shop 0");
  });

  it("reports its paint with the number of transactions", async () => {
    await openActivity();
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ list: "activity", items: 10_000 });
    expect(reports[0]!.rowsInDom).toBeGreaterThan(0);
  });
});
