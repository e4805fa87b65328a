// The partner sign-in as the page runs it: one `sign_in` at a time, the "waiting for your browser" state
// the screens show, Cancel, and "open the page again" (which cancels the waiting sign-in and starts
// another). Also whether the "Your sign-in has ended" dialog is open: any command (through `api.ts`) or
// watch that meets `sign_in_again` opens it over the current screen, which stays mounted.

import { asUiError, call, commands, type SignedIn, type UiError } from "../api";

export const signInFlow = $state({
  /** A `sign_in` is waiting for the person to finish in the browser. */
  waiting: false,
  /** The "Your sign-in has ended" dialog is open. */
  ended: false,
  /** Counts completed sign-ins, so an error shown before one can tell it is out of date. */
  completed: 0,
});

/** How one sign-in attempt ended, as the screen that started it needs to know. */
export type SignInOutcome =
  | { kind: "signedIn"; result: SignedIn }
  /** The person's Cancel, or "deny" on the provider's page. */
  | { kind: "cancelled" }
  | { kind: "failed"; error: UiError }
  /** Another attempt replaced this one ("open the page again"): its result belongs to that one. */
  | { kind: "replaced" };

/** The attempt whose result counts; an older one that comes back is `replaced`. */
let current = 0;

/** Opens the provider's page in the system browser and waits for the person (the core's `sign_in`). */
export async function startSignIn(): Promise<SignInOutcome> {
  const mine = ++current;
  signInFlow.waiting = true;
  try {
    const result = await call(commands.signIn());
    if (mine !== current) return { kind: "replaced" };
    signInFlow.completed += 1;
    return { kind: "signedIn", result };
  } catch (e) {
    if (mine !== current) return { kind: "replaced" };
    const error = asUiError(e);
    return error.code === "cancelled" ? { kind: "cancelled" } : { kind: "failed", error };
  } finally {
    if (mine === current) signInFlow.waiting = false;
  }
}

/** Ends the waiting sign-in; its `startSignIn` comes back `cancelled`. */
export async function cancelSignIn(): Promise<void> {
  await Promise.resolve(commands.cancelSignIn()).catch(() => {});
}

/**
 * The browser did not come up, or its tab was closed: the waiting sign-in is cancelled (so its loopback
 * port closes) and a new one opens the page again. The first attempt comes back `replaced`.
 */
export async function restartSignIn(): Promise<SignInOutcome> {
  current += 1;
  await cancelSignIn();
  return startSignIn();
}

/** A command or a watch said the sign-in has ended: the dialog opens (once, however many said it). */
export function signInEnded(): void {
  signInFlow.ended = true;
}

export function closeSignInEnded(): void {
  signInFlow.ended = false;
}
