import { describe, expect, it } from "vitest";
import { counted } from "./counts";

describe("counted", () => {
  it("says one thing in the singular and groups big counts by the locale", () => {
    expect(counted(1, "card", "cards")).toBe("1 card");
    expect(counted(0, "card", "cards")).toBe("0 cards");
    expect(counted(1000, "card", "cards")).toBe(`${(1000).toLocaleString()} cards`);
    expect(counted(10000, "transaction", "transactions")).toMatch(/^10.?000 transactions$/);
  });
});
