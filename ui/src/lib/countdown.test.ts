import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { formatSeconds, secondsLeft, startCountdown } from "./countdown";

describe("secondsLeft", () => {
  it("rounds up and never goes below zero", () => {
    expect(secondsLeft(10_000, 0)).toBe(10);
    expect(secondsLeft(10_000, 1)).toBe(10);
    expect(secondsLeft(10_000, 9_001)).toBe(1);
    expect(secondsLeft(10_000, 10_000)).toBe(0);
    expect(secondsLeft(10_000, 99_999)).toBe(0);
  });
});

describe("startCountdown", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("ticks each whole second and finishes exactly once at zero", () => {
    const ticks: number[] = [];
    const done = vi.fn();
    startCountdown(3, (s) => ticks.push(s), done);
    expect(ticks).toEqual([3]);
    vi.advanceTimersByTime(1000);
    expect(ticks).toEqual([3, 2]);
    vi.advanceTimersByTime(2000);
    expect(ticks).toEqual([3, 2, 1, 0]);
    expect(done).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(done).toHaveBeenCalledTimes(1);
    expect(ticks.at(-1)).toBe(0);
  });

  it("follows the clock, not the number of timer callbacks (a throttled window hides on time)", () => {
    let now = 0;
    const ticks: number[] = [];
    const done = vi.fn();
    startCountdown(30, (s) => ticks.push(s), done, { now: () => now, intervalMs: 250 });
    // The window was in the background: the clock moved 31 s but only one timer callback ran.
    now = 31_000;
    vi.advanceTimersByTime(250);
    expect(ticks).toEqual([30, 0]);
    expect(done).toHaveBeenCalledTimes(1);
  });

  it("stop() ends it without calling onDone", () => {
    const done = vi.fn();
    const ticks: number[] = [];
    const stop = startCountdown(5, (s) => ticks.push(s), done);
    vi.advanceTimersByTime(1000);
    stop();
    vi.advanceTimersByTime(10_000);
    expect(ticks).toEqual([5, 4]);
    expect(done).not.toHaveBeenCalled();
  });

  it("a start of zero (or less) finishes at once", () => {
    const done = vi.fn();
    const ticks: number[] = [];
    startCountdown(0, (s) => ticks.push(s), done);
    expect(ticks).toEqual([0]);
    expect(done).toHaveBeenCalledTimes(1);
    startCountdown(-3, () => {}, done);
    expect(done).toHaveBeenCalledTimes(2);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("formatSeconds", () => {
  it("shows minutes and two-digit seconds", () => {
    expect(formatSeconds(0)).toBe("0:00");
    expect(formatSeconds(7)).toBe("0:07");
    expect(formatSeconds(30)).toBe("0:30");
    expect(formatSeconds(65)).toBe("1:05");
    expect(formatSeconds(-4)).toBe("0:00");
  });
});
