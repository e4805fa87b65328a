import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { askBeforeMount } from "./firstAnswer";

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
