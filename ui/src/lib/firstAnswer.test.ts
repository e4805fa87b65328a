import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { askBeforeMount, showWhenPlaced } from "./firstAnswer";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("askBeforeMount", () => {
  it("mounts as soon as the core answers, handing over the same answer", async () => {
    const answer = Promise.resolve({ locked: false });
    const ask = vi.fn(() => answer);
    const ready = vi.fn();
    askBeforeMount(ask, ready, 150);
    expect(ask).toHaveBeenCalledTimes(1);
    expect(ready).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(0);
    expect(ready).toHaveBeenCalledTimes(1);
    expect(ready.mock.calls[0][0]).toBe(answer);
    await vi.advanceTimersByTimeAsync(1000);
    expect(ready).toHaveBeenCalledTimes(1);
  });

  it("mounts after the wait when the core is slow, and the answer still arrives later", async () => {
    let answer!: (value: string) => void;
    const ready = vi.fn();
    askBeforeMount(() => new Promise<string>((resolve) => (answer = resolve)), ready, 150);
    await vi.advanceTimersByTimeAsync(149);
    expect(ready).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(ready).toHaveBeenCalledTimes(1);
    answer("late");
    await expect(ready.mock.calls[0][0]).resolves.toBe("late");
    await vi.advanceTimersByTimeAsync(0);
    expect(ready).toHaveBeenCalledTimes(1);
  });

  it("mounts at once on a refusal and leaves the refusal to the caller", async () => {
    const ready = vi.fn();
    askBeforeMount(() => Promise.reject(new Error("no core")), ready, 150);
    await vi.advanceTimersByTimeAsync(0);
    expect(ready).toHaveBeenCalledTimes(1);
    await expect(ready.mock.calls[0][0]).rejects.toThrow("no core");
  });

  it("turns a question that throws into a refused answer instead of a page that never mounts", async () => {
    const ready = vi.fn();
    askBeforeMount(
      () => {
        throw new Error("no bridge");
      },
      ready,
      150,
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(ready).toHaveBeenCalledTimes(1);
    await expect(ready.mock.calls[0][0]).rejects.toThrow("no bridge");
  });
});

describe("showWhenPlaced", () => {
  it("shows the window once the first screen is in place, and only once", async () => {
    let placed!: () => void;
    const show = vi.fn(() => Promise.resolve());
    const shown = showWhenPlaced(new Promise<void>((resolve) => (placed = resolve)), show, 150);
    await vi.advanceTimersByTimeAsync(10);
    expect(show).not.toHaveBeenCalled();
    placed();
    await shown;
    expect(show).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(show).toHaveBeenCalledTimes(1);
  });

  it("shows the window after the wait when the core is slow to say which screen", async () => {
    const show = vi.fn(() => Promise.resolve());
    const shown = showWhenPlaced(new Promise<void>(() => {}), show, 150);
    await vi.advanceTimersByTimeAsync(149);
    expect(show).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await shown;
    expect(show).toHaveBeenCalledTimes(1);
  });

  it("shows the window when the first screen failed, so its error can be seen", async () => {
    const show = vi.fn(() => Promise.resolve());
    await showWhenPlaced(Promise.reject(new Error("no core")), show, 150);
    expect(show).toHaveBeenCalledTimes(1);
  });
});
