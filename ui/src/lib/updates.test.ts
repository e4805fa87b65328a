// A screen starts a watch and may have moved on before the core answers: the watch it no longer wants is
// stopped, and a refusal it no longer cares about is not shown.
import { describe, expect, it, vi } from "vitest";
import type { UiError } from "../api";
import { startWatch, type Watch } from "./updates";

const refusal = {
  code: "network",
  title: "Can't reach Machines Cash",
  message: "Check your connection.",
  action: "retry",
  fields: [],
  retryAfterSeconds: null,
} satisfies UiError;

function aWatch() {
  return { checkNow: async () => true, stop: vi.fn<() => void>() } satisfies Watch;
}

describe("startWatch", () => {
  it("hands the watch to a screen that still wants it", async () => {
    const watch = aWatch();
    const refused = vi.fn();
    expect(await startWatch(async () => watch, () => true, refused)).toBe(watch);
    expect(watch.stop).not.toHaveBeenCalled();
    expect(refused).not.toHaveBeenCalled();
  });

  it("stops a watch the screen no longer wants", async () => {
    const watch = aWatch();
    expect(await startWatch(async () => watch, () => false, vi.fn())).toBeNull();
    expect(watch.stop).toHaveBeenCalledOnce();
  });

  it("reports the core's refusal only while the screen still wants the watch", async () => {
    const refused = vi.fn();
    const failing = () => Promise.reject(refusal);
    expect(await startWatch(failing, () => true, refused)).toBeNull();
    expect(refused).toHaveBeenCalledWith(refusal);

    const late = vi.fn();
    expect(await startWatch(failing, () => false, late)).toBeNull();
    expect(late).not.toHaveBeenCalled();
  });
});
