import { describe, expect, it } from "vitest";
import { lengthNote, visibleLength } from "./textLength";

describe("visibleLength", () => {
  it("counts characters as they appear, not UTF-16 units", () => {
    expect(visibleLength("")).toBe(0);
    expect(visibleLength("Zoë")).toBe(3);
    expect(visibleLength("Rene\u0301e")).toBe(5);
    expect(visibleLength("\u{1F44D}\u{1F3FD}")).toBe(1);
    expect(visibleLength("\u{1F1EB}\u{1F1F7}")).toBe(1);
    expect(visibleLength("\u{1F468}\u200D\u{1F469}\u200D\u{1F467}")).toBe(1);
  });
});

describe("lengthNote", () => {
  it("stays quiet far from the limit, counts near it and says how many to remove past it", () => {
    expect(lengthNote("a".repeat(39), 50)).toBeNull();
    expect(lengthNote("a".repeat(40), 50)).toEqual({ text: "40 of 50 characters", over: false });
    expect(lengthNote("a".repeat(50), 50)).toEqual({ text: "50 of 50 characters", over: false });
    expect(lengthNote("a".repeat(53), 50)).toEqual({ text: "53 of 50 characters: remove 3", over: true });
    // Ten flags are ten characters, not forty UTF-16 units.
    expect(lengthNote("\u{1F1EB}\u{1F1F7}".repeat(10), 50)).toBeNull();
    expect(lengthNote("12", 3, "digits")).toEqual({ text: "2 of 3 digits", over: false });
    expect(lengthNote("anything", null)).toBeNull();
  });
});
