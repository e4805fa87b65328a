import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commands } from "../api";
import { ACTIVITY_INTERVAL_MS, throttle, watchActivity } from "./throttle";

describe("throttle", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs at once, then at most once per interval, keeping the last call", () => {
    const fn = vi.fn();
    const t = throttle(fn, 1000);
    t();
    expect(fn).toHaveBeenCalledTimes(1);
    t();
    t();
    t();
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    // One trailing call for the three during the window.
    expect(fn).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(5000);
    expect(fn).toHaveBeenCalledTimes(2);
    t();
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it("cancel() drops the pending trailing call", () => {
    const fn = vi.fn();
    const t = throttle(fn, 1000);
    t();
    t();
    t.cancel();
    vi.advanceTimersByTime(5000);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe("watchActivity", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    clearMocks();
  });

  it("reports user input to the core's `activity` command at most once per 15 s", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      return null;
    });
    const stop = watchActivity(window, () => void commands.activity());
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "a" }));
    window.dispatchEvent(new Event("pointerdown"));
    window.dispatchEvent(new Event("wheel"));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(["activity"]);

    await vi.advanceTimersByTimeAsync(ACTIVITY_INTERVAL_MS - 1);
    expect(calls).toEqual(["activity"]);
    await vi.advanceTimersByTimeAsync(1);
    // The trailing report for the input during the window.
    expect(calls).toEqual(["activity", "activity"]);

    stop();
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "b" }));
    await vi.advanceTimersByTimeAsync(ACTIVITY_INTERVAL_MS * 3);
    expect(calls).toEqual(["activity", "activity"]);
  });
});
