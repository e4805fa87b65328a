import { describe, expect, it } from "vitest";
import { copyToastText, createCardArgs, FREQUENCIES } from "./cards";

describe("copy confirmation", () => {
  it("says what was copied and when it clears", () => {
    expect(copyToastText({ label: "Card number", clearsInSeconds: 20 })).toBe("Card number copied \u2014 clears in 20 s");
    expect(copyToastText({ label: "Security code", clearsInSeconds: 45 })).toBe(
      "Security code copied \u2014 clears in 45 s",
    );
    expect(copyToastText({ label: "Expiry date", clearsInSeconds: null })).toBe(
      "Expiry date copied \u2014 not cleared automatically",
    );
  });
});

describe("new card arguments", () => {
  it("sends blanks as null, the limit as typed, and a frequency only with a limit", () => {
    expect(createCardArgs("", "", "per7DayPeriod")).toEqual([null, null, null]);
    expect(createCardArgs("  Groceries ", " 1,000.50 ", "per30DayPeriod")).toEqual([
      "Groceries",
      "1,000.50",
      "per30DayPeriod",
    ]);
    expect(createCardArgs("", "25", "")).toEqual([null, "25", "perAuthorization"]);
  });

  it("offers the six documented frequencies with their words", () => {
    expect(FREQUENCIES.map((f) => f.value)).toEqual([
      "perAuthorization",
      "per24HourPeriod",
      "per7DayPeriod",
      "per30DayPeriod",
      "perYearPeriod",
      "allTime",
    ]);
    expect(FREQUENCIES.map((f) => f.label)).toEqual([
      "per transaction",
      "per 24 hours",
      "per 7 days",
      "per 30 days",
      "per year",
      "all time",
    ]);
  });
});
