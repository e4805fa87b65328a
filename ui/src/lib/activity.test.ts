// The Activity filters as the core receives them: blanks are no filter, one type is a list of one, the
// search is trimmed, and the page's time zone goes along; a "from" after the "to" is said before asking.
import { describe, expect, it } from "vitest";
import { datesProblem, isFiltered, localOffsetMinutes, queryOf, type ActivityFilters } from "./activity.svelte";

const NONE: ActivityFilters = { cardId: "", type: "", from: "", to: "", search: "" };

describe("queryOf", () => {
  it("sends blanks as no filter, with the time zone", () => {
    const now = new Date("2026-01-16T12:00:00Z");
    expect(queryOf(NONE, now)).toEqual({
      cardId: null, types: [], from: null, to: null, search: null, utcOffsetMinutes: -now.getTimezoneOffset(),
    });
    expect(isFiltered(NONE)).toBe(false);
  });

  it("sends what was chosen, the search trimmed, and a half-typed date as none", () => {
    const filters: ActivityFilters = { cardId: "card_a", type: "fee", from: "2026-01-01", to: "2026-1-3", search: "  Book Barn " };
    expect(queryOf(filters)).toMatchObject({ cardId: "card_a", types: ["fee"], from: "2026-01-01", to: null, search: "Book Barn" });
    expect(isFiltered(filters)).toBe(true);
    expect(isFiltered({ ...NONE, search: "   " })).toBe(false);
  });

  it("gives minutes east of UTC, as the core reads them", () => {
    const date = new Date();
    expect(localOffsetMinutes(date)).toBe(-date.getTimezoneOffset());
  });
});

describe("datesProblem", () => {
  it("refuses a from after the to, and nothing else", () => {
    expect(datesProblem({ from: "2026-02-01", to: "2026-01-31" })).toContain("after");
    expect(datesProblem({ from: "2026-01-31", to: "2026-01-31" })).toBeNull();
    expect(datesProblem({ from: "2026-02-01", to: "" })).toBeNull();
  });
});
