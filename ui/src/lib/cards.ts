// Cards in the UI: limit frequencies, copy confirmations, the label's limit, search, and placing a card in
// the list by the order the core gives.

import { TEXT_LIMITS, type CardView, type CopyReceipt } from "../api";

/** The six limit frequencies the API documents, with the words a person reads. */
export const FREQUENCIES = [
  { value: "perAuthorization", label: "per transaction" },
  { value: "per24HourPeriod", label: "per 24 hours" },
  { value: "per7DayPeriod", label: "per 7 days" },
  { value: "per30DayPeriod", label: "per 30 days" },
  { value: "perYearPeriod", label: "per year" },
  { value: "allTime", label: "all time" },
] as const;

export type Frequency = (typeof FREQUENCIES)[number]["value"];

/** "Card number copied — clears in 20 s", or without the clearing note when clearing is off. */
export function copyToastText(receipt: Pick<CopyReceipt, "label" | "clearsInSeconds">): string {
  const label = receipt.label.trim() || "Card detail";
  const secs = receipt.clearsInSeconds;
  if (typeof secs === "number" && secs > 0) return `${label} copied \u2014 clears in ${secs} s`;
  return `${label} copied \u2014 not cleared automatically`;
}

/** What a new card's create call sends: blanks become null; a frequency only goes with a limit. */
export function createCardArgs(
  label: string,
  limit: string,
  frequency: string,
): [label: string | null, limit: string | null, frequency: string | null] {
  const l = label.trim();
  const amount = limit.trim();
  return [l === "" ? null : l, amount === "" ? null : amount, amount === "" ? null : frequency || "perAuthorization"];
}

/** The longest card label, in characters as a person sees them (`lengthNote` counts the same way). The
 *  core refuses a longer one, counted the same way; the number is the core's (`TEXT_LIMITS`). */
export const LABEL_MAX_CHARS = TEXT_LIMITS.cardLabel;

/** The longest memo, counted the same way (`wallet-core` `card_edit::MEMO_MAX_CHARS`). */
export const MEMO_MAX_CHARS = 280;

/** The fields of a card search reads: its label and its last four digits. */
type Searchable = Pick<CardView, "label" | "last4">;

/** Lower case with accents dropped, so "cafe" finds "Café". */
function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{Mn}/gu, "").toLocaleLowerCase();
}

/** Whether `card` answers `query`: every word typed starts a word of the label ("card 1" finds "Card 1"
 *  and "Card 12", not "Card 21"), or the digits typed (the bullets and spaces of "•••• 4242" ignored) are
 *  in the last four. An empty query matches every card. */
export function matchesSearch(card: Searchable, query: string): boolean {
  const q = fold(query.trim());
  if (q === "") return true;
  const digits = q.replace(/[\s\u2022.*]/g, "");
  if (/^\d{1,4}$/.test(digits) && card.last4 !== null && card.last4.includes(digits)) return true;
  const words = fold(card.label ?? "").split(/[\s\p{P}]+/u);
  return q.split(/\s+/).every((typed) => words.some((word) => word.startsWith(typed)));
}

/** `cards` with `card` added or replaced, in the order the core's `listOrder` gives. */
export function placeCard<T extends Pick<CardView, "cardId" | "listOrder">>(cards: readonly T[], card: T): T[] {
  const others = cards.filter((c) => c.cardId !== card.cardId);
  const at = others.findIndex((c) => c.listOrder > card.listOrder);
  return at < 0 ? [...others, card] : [...others.slice(0, at), card, ...others.slice(at)];
}
