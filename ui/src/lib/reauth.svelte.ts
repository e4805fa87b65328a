// A person behind every reveal: the core refuses a reveal (or a setting that weakens protection) with
// `reauth_needed` when the passphrase was last given too long ago. `withReauth` runs such an action; on
// that refusal it opens the one re-auth dialog (mounted by the app shell), waits for the passphrase to be
// accepted by the core, and runs the action once more. Cancelling rethrows nothing: the action just
// did not happen.

import { UiFailure } from "../api";

export const reauth = $state({
  /** Why the dialog is open (the core's sentence), or null when closed. */
  reason: null as string | null,
});

let settle: ((accepted: boolean) => void) | null = null;

/** Opens the dialog; resolves true once the core accepted the passphrase, false when cancelled. */
export function askPassphrase(reason: string): Promise<boolean> {
  settle?.(false);
  reauth.reason = reason;
  return new Promise((resolve) => {
    settle = resolve;
  });
}

/** The dialog's outcome. */
export function closeReauth(accepted: boolean): void {
  reauth.reason = null;
  const done = settle;
  settle = null;
  done?.(accepted);
}

/** Runs `action`; when the core asks for the passphrase first, asks the person and runs it once more.
 *  Resolves `null` when the person cancelled. */
export async function withReauth<T>(action: () => Promise<T>): Promise<T | null> {
  try {
    return await action();
  } catch (e) {
    if (!(e instanceof UiFailure) || e.ui.code !== "reauth_needed") throw e;
    if (!(await askPassphrase(e.ui.message))) return null;
    return await action();
  }
}
