// The rows the two virtual lists are made of (`components/VirtualList.svelte` renders only those near the
// viewport). Cards keep their grid: each row holds as many cards as the width fits. Activity keeps its
// groups: one list of section headings and transaction lines, each line knowing its place in its group
// (for aria-posinset and aria-setsize, since most of the group is not in the DOM).
import type { ActivityLine, ActivityView } from "../api";

/** The narrowest a card is (25rem) and the gap between cards, as the grid had them. */
export const CARD_MIN_PX = 400;
export const CARD_GAP_PX = 16;

/** How many cards fit side by side in `width` px: one in a narrow window, three in a 1600 px one. */
export function columnsFor(width: number): number {
  return Math.max(1, Math.floor((width + CARD_GAP_PX) / (CARD_MIN_PX + CARD_GAP_PX)));
}

/** `items` in rows of `columns`, in order. */
export function rowsOf<T>(items: readonly T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(columns));
  const rows: T[][] = [];
  for (let start = 0; start < items.length; start += size) rows.push(items.slice(start, start + size));
  return rows;
}

export type SectionKey = "pending" | "settled" | "declined";

export const SECTIONS: readonly { key: SectionKey; title: string; hint: string }[] = [
  { key: "pending", title: "Pending", hint: "Authorised and not settled yet: the amount may still change." },
  { key: "settled", title: "Settled", hint: "Posted to your balance." },
  { key: "declined", title: "Declined", hint: "Refused: no money moved." },
];

/** A group's heading, or a transaction with its place in its group (1-based) and the group's size. */
export type ActivityRow =
  | { kind: "head"; key: string; section: SectionKey; title: string; hint: string; count: number }
  | { kind: "line"; key: string; section: SectionKey; line: ActivityLine; position: number; size: number };

/** Pending, settled and declined, each under its heading; a group with no line has none. */
export function activityRows(view: ActivityView): ActivityRow[] {
  const rows: ActivityRow[] = [];
  for (const { key, title, hint } of SECTIONS) {
    const lines = view[key];
    if (lines.length === 0) continue;
    rows.push({ kind: "head", key: `head-${key}`, section: key, title, hint, count: lines.length });
    lines.forEach((line, i) => rows.push({ kind: "line", key: `${key}-${line.id}`, section: key, line, position: i + 1, size: lines.length }));
  }
  return rows;
}

/** The index of the line `step` lines from `from` (skipping headings), kept within the list; `from` -1 is before the first. */
export function lineAfter(rows: readonly ActivityRow[], from: number, step: 1 | -1): number {
  for (let i = from + step; i >= 0 && i < rows.length; i += step) if (rows[i]!.kind === "line") return i;
  return from;
}
