// Card-related wording: limit frequencies and copy confirmations.

import type { CopyReceipt } from "../api";

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
