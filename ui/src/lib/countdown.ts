// The reveal countdown. It is driven by a deadline, not by counting ticks, so a busy or throttled
// window (timers slow down in a background webview) can only hide the digits on time or early, never late.

/** Whole seconds, rounded up so a countdown never says 0 before it ends, never below 0. */
export function wholeSeconds(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}

/** Whole seconds left until `deadlineMs`. */
export function secondsLeft(deadlineMs: number, nowMs: number): number {
  return wholeSeconds(deadlineMs - nowMs);
}

export interface CountdownOptions {
  /** The clock; `Date.now` unless a test says otherwise. */
  now?: () => number;
  /** How often the deadline is looked at, in ms. */
  intervalMs?: number;
}

/**
 * Counts `seconds` down. `onTick(left)` runs at once and then whenever the whole-second value changes;
 * `onDone()` runs exactly once, when 0 is reached. Returns `stop()`, which ends it without `onDone`.
 * A start of 0 or less ends at once.
 */
export function startCountdown(
  seconds: number,
  onTick: (left: number) => void,
  onDone: () => void,
  options: CountdownOptions = {},
): () => void {
  const now = options.now ?? Date.now;
  const deadline = now() + Math.max(0, seconds) * 1000;
  let last = secondsLeft(deadline, now());
  let stopped = false;
  let timer: ReturnType<typeof setInterval> | undefined;

  const stop = () => {
    stopped = true;
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };

  onTick(last);
  if (last === 0) {
    stop();
    onDone();
    return stop;
  }
  timer = setInterval(() => {
    if (stopped) return;
    const left = secondsLeft(deadline, now());
    if (left !== last) {
      last = left;
      onTick(left);
    }
    if (left === 0) {
      stop();
      onDone();
    }
  }, options.intervalMs ?? 250);
  return stop;
}

/** "0:27" for 27 seconds, "1:05" for 65. */
export function formatSeconds(total: number): string {
  const s = Math.max(0, Math.floor(total));
  const minutes = Math.floor(s / 60);
  const rest = s % 60;
  return `${minutes}:${rest.toString().padStart(2, "0")}`;
}
