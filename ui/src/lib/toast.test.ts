import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clearToasts, MAX_TOASTS, toast, toasts } from "./toast.svelte";

describe("toasts", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    clearToasts();
    vi.useRealTimers();
  });

  it("shows a toast for its time, then drops it", () => {
    toast("Settings saved", 5000);
    expect(toasts.map((t) => t.text)).toEqual(["Settings saved"]);
    vi.advanceTimersByTime(4999);
    expect(toasts).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(toasts).toHaveLength(0);
  });

  it("replaces a toast with the same words, restarting its time", () => {
    toast("Partner key saved", 5000);
    vi.advanceTimersByTime(4000);
    toast("Partner key saved", 5000);
    expect(toasts.map((t) => t.text)).toEqual(["Partner key saved"]);
    vi.advanceTimersByTime(4000);
    expect(toasts).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    expect(toasts).toHaveLength(0);
  });

  it(`keeps at most ${MAX_TOASTS}, the newest`, () => {
    for (const text of ["one", "two", "three", "four", "five"]) toast(text);
    expect(toasts.map((t) => t.text)).toEqual(["three", "four", "five"]);
  });
});
