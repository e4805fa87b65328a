// A timed background check (a status poll) that the server turns away with a rate limit has been asked to
// wait, not failed: the screen waits as long as the server says and checks again, without a word. Only a
// check the person asked for ("check now", "Try again", opening the screen) shows the error. Short limits
// never get here: the Rust client waits out a `Retry-After` of up to 30 s inside the call.
import type { UiError } from "../api";

/** The longest wait honoured, so a hostile `Retry-After` cannot park a screen for days. */
const LONGEST_MS = 60 * 60 * 1000;
/** The wait when a rate limit names none (the client has already retried with backoff). */
const WITHOUT_HINT_MS = 30_000;

/** How long a timed check should wait quietly before the next one, or `null` if `error` must be shown. */
export function quietWaitMs(error: UiError, pollMs: number): number | null {
  if (error.code !== "rate_limited") return null;
  const hinted = error.retryAfterSeconds === null ? WITHOUT_HINT_MS : error.retryAfterSeconds * 1000;
  return Math.min(Math.max(hinted, pollMs), LONGEST_MS);
}
