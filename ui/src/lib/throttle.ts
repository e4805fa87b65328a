// Telling the core that the person is active (for the idle lock), without a command per keystroke.

/**
 * Wraps `fn` so it runs at most once per `intervalMs`: at once on the first call, and once more at the
 * end of the window if it was called again during it (so the last activity is never lost, and the idle
 * timer is at most one interval behind). `cancel()` drops a pending trailing call.
 */
export function throttle(fn: () => void, intervalMs: number): { (): void; cancel(): void } {
  let windowOpen = false;
  let pending = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const openWindow = () => {
    windowOpen = true;
    timer = setTimeout(() => {
      timer = undefined;
      windowOpen = false;
      if (pending) {
        pending = false;
        fn();
        openWindow();
      }
    }, intervalMs);
  };

  const throttled = () => {
    if (windowOpen) {
      pending = true;
      return;
    }
    fn();
    openWindow();
  };
  throttled.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    windowOpen = false;
    pending = false;
  };
  return throttled;
}

/** The user-input events that count as activity. */
export const ACTIVITY_EVENTS = ["keydown", "pointerdown", "pointermove", "wheel", "touchstart"] as const;

/** Activity is reported to the core at most this often. */
export const ACTIVITY_INTERVAL_MS = 15_000;

/**
 * Listens for user input on `target` and calls `report` (throttled). Returns a function that stops
 * listening and drops any pending report.
 */
export function watchActivity(
  target: Pick<EventTarget, "addEventListener" | "removeEventListener">,
  report: () => void,
  intervalMs = ACTIVITY_INTERVAL_MS,
): () => void {
  const throttled = throttle(report, intervalMs);
  const listener = () => throttled();
  for (const type of ACTIVITY_EVENTS) target.addEventListener(type, listener, { passive: true, capture: true });
  return () => {
    for (const type of ACTIVITY_EVENTS) target.removeEventListener(type, listener, { capture: true });
    throttled.cancel();
  };
}
