// The Activity tab's filters, kept while the person moves between tabs and screens (in memory only), and
// the query they make. The core filters, signs the amounts and words the times (`wallet-core`
// `activity_view`); the page only says what the person chose.

import type { ActivityQuery, TransactionType } from "../api";

/** The transaction types the API documents, in the words a person reads. */
export const TYPES: readonly { value: TransactionType; label: string }[] = [
  { value: "spend", label: "Purchases" },
  { value: "fee", label: "Fees" },
  { value: "collateral", label: "Deposits and withdrawals" },
  { value: "payment", label: "Payments" },
];

export interface ActivityFilters {
  /** One card's transactions, or every card's (`""`). */
  cardId: string;
  /** One type, or every type (`""`). */
  type: TransactionType | "";
  /** Local dates as a date input gives them (`YYYY-MM-DD`), or `""` for no bound. */
  from: string;
  to: string;
  /** Merchant search as typed. */
  search: string;
}

export const activityFilters = $state<ActivityFilters>({ cardId: "", type: "", from: "", to: "", search: "" });

/** Back to every transaction (the card filter too). */
export function clearFilters(filters: ActivityFilters = activityFilters): void {
  Object.assign(filters, { cardId: "", type: "", from: "", to: "", search: "" });
}

/** Whether anything narrows the list. */
export function isFiltered(filters: ActivityFilters): boolean {
  return filters.cardId !== "" || filters.type !== "" || filters.from !== "" || filters.to !== "" || filters.search.trim() !== "";
}

/** A date input's value, or null when empty or not a date the input could have given. */
function dateOrNull(text: string): string | null {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : null;
}

/** The minutes this computer's clock is ahead of UTC now (the core words times and days in it). */
export function localOffsetMinutes(now: Date = new Date()): number {
  return -now.getTimezoneOffset();
}

/** What the core is asked for: blanks are no filter; dates are local days, both ends included. */
export function queryOf(filters: ActivityFilters, now: Date = new Date()): ActivityQuery {
  const search = filters.search.trim();
  return {
    cardId: filters.cardId === "" ? null : filters.cardId,
    types: filters.type === "" ? [] : [filters.type],
    from: dateOrNull(filters.from),
    to: dateOrNull(filters.to),
    search: search === "" ? null : search,
    utcOffsetMinutes: localOffsetMinutes(now),
  };
}

/** "From 3 Nov" later than "to 1 Nov": said before asking, since the answer would only be empty. */
export function datesProblem(filters: Pick<ActivityFilters, "from" | "to">): string | null {
  const from = dateOrNull(filters.from);
  const to = dateOrNull(filters.to);
  return from !== null && to !== null && from > to ? "The “from” date is after the “to” date." : null;
}
