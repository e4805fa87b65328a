import { describe, expect, it } from "vitest";
import { dayAndTime, dayAndTimeOf, timeOfDay } from "./timeFormat";

const AT = new Date("2026-11-30T09:36:52.345Z");

describe("one time format", () => {
  it("follows the locale's clock: 12 hours in the US, 24 in Britain", () => {
    expect(timeOfDay(AT, { locale: "en-US", timeZone: "UTC" })).toMatch(/^9:36\s?AM$/);
    expect(timeOfDay(AT, { locale: "en-GB", timeZone: "UTC" })).toBe("09:36");
  });

  it("writes a transaction's time exactly as the balances' time, with its day before it", () => {
    for (const locale of ["en-US", "en-GB", "de-DE"]) {
      const context = { locale, timeZone: "Asia/Kolkata" };
      const time = timeOfDay(AT, context);
      const both = dayAndTime(AT, context);
      expect(both.endsWith(time), `${locale}: ${both} ends with ${time}`).toBe(true);
      expect(both.length).toBeGreaterThan(time.length);
    }
  });

  it("leaves seconds out", () => {
    expect(timeOfDay(AT, { locale: "en-GB", timeZone: "UTC" })).not.toContain("52");
  });

  it("shows the time in the given zone, not UTC (India is +05:30)", () => {
    expect(timeOfDay(AT, { locale: "en-GB", timeZone: "Asia/Kolkata" })).toBe("15:06");
    expect(dayAndTime(AT, { locale: "en-GB", timeZone: "Asia/Kolkata" })).toBe("30 Nov 2026, 15:06");
  });

  it("answers null for a missing or unreadable API time, so the caller keeps its own words", () => {
    expect(dayAndTimeOf("", { locale: "en-GB" })).toBeNull();
    expect(dayAndTimeOf(null)).toBeNull();
    expect(dayAndTimeOf("not a time")).toBeNull();
    expect(dayAndTimeOf("2026-11-30T09:36:52Z", { locale: "en-GB", timeZone: "UTC" })).toBe("30 Nov 2026, 09:36");
  });
});
