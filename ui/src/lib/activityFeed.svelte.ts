// The core's watch of the account's transactions, for the whole app rather than one tab: the core turns
// each new transaction into a desktop notification (when the setting is on) only while a page follows
// it, so it runs from the moment the wallet is open until the app locks or the person signs out, whatever
// tab or screen is on show. Screens read `activityFeed.changes` to ask again for what they show.
import { asUiError, reportRefusal, type UiError } from "../api";
import { localOffsetMinutes } from "./activity.svelte";
import { watchTransactions, type ActivityUpdate } from "./transactions";
import type { Watch } from "./updates";

export const activityFeed = $state({
  /** Goes up by one for each message of new or changed transactions. */
  changes: 0,
  /** Why the watch is not following (it stopped, or could not start), or a failed check; `null` when fine. */
  error: null as UiError | null,
});

let watch: Watch | null = null;
let starting = false;
/** Bumped by `stopActivity`: a watch that was still starting then is stopped as soon as it answers. */
let generation = 0;

function heard(update: ActivityUpdate): void {
  if (update.kind === "changed") {
    activityFeed.changes++;
    return;
  }
  if (update.kind === "slowedDown") return;
  reportRefusal(update.error);
  activityFeed.error = update.error;
  // A stopped watch follows nothing: the next `followActivity` starts a new one.
  if (update.kind === "stopped") watch = null;
}

/** Starts following, unless a watch already runs (calling it again is harmless). */
export async function followActivity(): Promise<void> {
  if (watch || starting) return;
  starting = true;
  const mine = generation;
  try {
    const started = await watchTransactions(localOffsetMinutes(), heard);
    if (mine !== generation) started.stop();
    else {
      watch = started;
      activityFeed.error = null;
    }
  } catch (e) {
    if (mine === generation) activityFeed.error = asUiError(e);
  } finally {
    starting = false;
  }
}

/** Stops following (lock, sign-out, another environment): the core stops the watch too. */
export function stopActivity(): void {
  generation++;
  watch?.stop();
  watch = null;
  activityFeed.error = null;
}
