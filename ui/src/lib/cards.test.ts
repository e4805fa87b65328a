import { describe, expect, it } from "vitest";
import { copyToastText, createCardArgs, FREQUENCIES, matchesSearch, placeCard } from "./cards";

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

describe("card search", () => {
  const card = (label: string | null, last4: string | null) => ({ label, last4 });

  it("finds a card by the start of the words of its label, in any case and without accents", () => {
    expect(matchesSearch(card("Online shopping", "4242"), "shop")).toBe(true);
    expect(matchesSearch(card("Online shopping", "4242"), "ONLINE SHO")).toBe(true);
    expect(matchesSearch(card("Café", "4242"), "cafe")).toBe(true);
    expect(matchesSearch(card("Card 21", "4242"), "card 1")).toBe(false);
    expect(matchesSearch(card("Card 12", "4242"), "card 1")).toBe(true);
    expect(matchesSearch(card(null, "4242"), "shop")).toBe(false);
  });

  it("finds a card by its last four, typed as digits or as the masked number", () => {
    expect(matchesSearch(card("Travel", "4242"), "4242")).toBe(true);
    expect(matchesSearch(card("Travel", "4242"), "\u2022\u2022\u2022\u2022 4242")).toBe(true);
    expect(matchesSearch(card("Travel", "4242"), "42")).toBe(true);
    expect(matchesSearch(card("Travel", "4242"), "4243")).toBe(false);
    expect(matchesSearch(card("Travel", null), "4242")).toBe(false);
  });

  it("shows every card for an empty search", () => {
    expect(matchesSearch(card(null, null), "   ")).toBe(true);
  });
});

describe("placing a card in the list", () => {
  const c = (cardId: string, listOrder: string) => ({ cardId, listOrder });

  it("inserts a new card where the core's order puts it and replaces a changed one in place", () => {
    const list = [c("pinned", "0-5"), c("newer", "1-2"), c("older", "1-7")];
    expect(placeCard(list, c("new", "1-1")).map((x) => x.cardId)).toEqual(["pinned", "new", "newer", "older"]);
    expect(placeCard(list, c("oldest", "1-9")).map((x) => x.cardId)).toEqual(["pinned", "newer", "older", "oldest"]);
    const locked = { ...c("newer", "1-2"), status: "locked" };
    expect(placeCard(list, locked)).toEqual([list[0], locked, list[2]]);
  });
});
