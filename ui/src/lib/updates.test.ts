// A screen starts a watch and may have moved on before the core answers: the watch it no longer wants is
// stopped, and a refusal it no longer cares about is not shown. Every screen shows a watch's trouble alike.
import { describe, expect, it, vi } from "vitest";
import type { UiError } from "../api";
import { showTrouble, startWatch, type Watch } from "./updates";

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

describe("showTrouble", () => {
  function screen() {
    return { quiet: vi.fn<(until: Date | null) => void>(), failed: vi.fn<(error: UiError, ended: boolean) => void>() };
  }

  it("notes when the next check is due after a quiet rate limit, and leaves the error on show", () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const shown = screen();
    showTrouble({ kind: "slowedDown", nextCheckInMs: 600_000 }, shown);
    expect(shown.quiet).toHaveBeenCalledWith(new Date(1_600_000));
    expect(shown.failed).not.toHaveBeenCalled();
    vi.useRealTimers();
  });

  it("clears that note for a failed check, and says whether the watch has ended", () => {
    for (const [kind, ended] of [["retrying", false], ["stopped", true]] as const) {
      const shown = screen();
      showTrouble({ kind, error: refusal }, shown);
      expect(shown.quiet).toHaveBeenCalledWith(null);
      expect(shown.failed).toHaveBeenCalledWith(refusal, ended);
    }
  });
});
