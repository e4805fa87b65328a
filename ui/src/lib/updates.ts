// What the core tells the page without being asked. A screen starts a watch (the KYC status, a deposit)
// and hears every update down a Tauri channel; the core decides when to ask the server (its
// `pollAfterMs`, else a growing wait) and pauses while the app is locked or the window hidden. The page
// runs no timer of its own. The app itself hears the lock the same way.
import { Channel } from "@tauri-apps/api/core";
import { asUiError, call, commands, reportRefusal, type UiError } from "../api";
// The messages' types by name, from the bindings: tauri-specta types a channel parameter with the shape
// Rust would read (`_Deserialize`, where an optional field may be missing), but the core writes them, so
// every field is there, as in the `_Serialize` shape the commands' answers have.
import type {
  DepositUpdate_Serialize,
  KycUpdate_Serialize,
  LockUpdate as LockMessage,
  NotesUpdate,
} from "../bindings";

export type KycUpdate = KycUpdate_Serialize;
export type DepositUpdate = DepositUpdate_Serialize;
export type LockUpdate = LockMessage;

/** What any watch says about its own checks, whatever it follows. */
export type CheckTrouble = Extract<KycUpdate | DepositUpdate, { kind: "slowedDown" | "retrying" | "stopped" }>;

/** How a screen shows its watch's trouble. */
export interface TroubleShown {
  /** When the next check is due while a rate limit is waited out; `null` once there is no such wait. */
  quiet(until: Date | null): void;
  /** A check failed: the watch goes on ("Try again" checks at once), or it has `ended` ("Try again"
   * starts it again). */
  failed(error: UiError, ended: boolean): void;
}

/**
 * One rule for every screen: a rate limit on the core's own check is waited out without a word but a
 * note of when the next check is due (an error on show stays); a failed check clears that note and shows
 * its error, and the app hears it too (an ended sign-in opens the sign-in dialog).
 */
export function showTrouble(trouble: CheckTrouble, screen: TroubleShown): void {
  if (trouble.kind === "slowedDown") {
    screen.quiet(new Date(Date.now() + trouble.nextCheckInMs));
    return;
  }
  screen.quiet(null);
  // A lock or an ended sign-in is the whole app's to answer, as for a command's refusal.
  reportRefusal(trouble.error);
  screen.failed(trouble.error, trouble.kind === "stopped");
}

/** A running watch, as the screen that started it holds it. */
export interface Watch {
  /** "Check now": `false` when the watch has already ended (settled, or stopped on an error). */
  checkNow(): Promise<boolean>;
  /** The screen goes away. Safe to call more than once, and before the watch has started. */
  stop(): void;
}

/** Starts a watch whose command answers with its id; stops it at once if `stop` came first. */
export async function startedWatch(start: Promise<unknown>): Promise<Watch> {
  let id: number | null = null;
  let stopped = false;
  const watch: Watch = {
    async checkNow() {
      if (id === null || stopped) return false;
      return Boolean(await commands.checkNow(id));
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (id !== null) void Promise.resolve(commands.stopWatch(id)).catch(() => {});
    },
  };
  id = Number(await call(start));
  if (stopped) void Promise.resolve(commands.stopWatch(id)).catch(() => {});
  return watch;
}

/**
 * Starts a watch for a screen that may have moved on by the time the core answers (closed, or following
 * something else): the watch while `wanted()` still holds, else it is stopped at once and `null` comes
 * back. A refusal reaches `refused` only while the screen still wants the watch.
 */
export async function startWatch(
  start: () => Promise<Watch>,
  wanted: () => boolean,
  refused: (error: UiError) => void,
): Promise<Watch | null> {
  try {
    const watch = await start();
    if (wanted()) return watch;
    watch.stop();
  } catch (e) {
    if (wanted()) refused(asUiError(e));
  }
  return null;
}

/** Follows the signed-in user's KYC status, checking at once. Throws the `UiFailure` the core refused with. */
export function watchKyc(onUpdate: (update: KycUpdate) => void): Promise<Watch> {
  const channel: Parameters<typeof commands.watchKyc>[0] = new Channel((update) => onUpdate(update as KycUpdate));
  return startedWatch(commands.watchKyc(channel));
}

/** Follows deposit `id`, checking at once, until it completes (then the balances come) or fails. */
export function watchDeposit(id: string, onUpdate: (update: DepositUpdate) => void): Promise<Watch> {
  const channel: Parameters<typeof commands.watchDeposit>[1] = new Channel((update) =>
    onUpdate(update as DepositUpdate),
  );
  return startedWatch(commands.watchDeposit(id, channel));
}

/** Hears each time the app locks itself (idle, the OS screen lock) or is locked or unlocked. */
export function watchLock(onChange: (update: LockUpdate) => void): void {
  const channel = new Channel<LockUpdate>(onChange);
  void Promise.resolve(commands.watchLock(channel)).catch(() => {});
}

/** Hears the things to tell the person once as the core learns them (what waited is sent at once). */
export function watchNotes(onNotes: (notes: string[]) => void): void {
  const channel = new Channel<NotesUpdate>((update) => onNotes(update.notes));
  void Promise.resolve(commands.watchNotes(channel)).catch(() => {});
}

/** Tells the core whether anyone can see the window, so its watches pause while nobody can. */
export function reportVisibility(doc: Document): () => void {
  const report = () => void Promise.resolve(commands.windowVisible(!doc.hidden)).catch(() => {});
  doc.addEventListener("visibilitychange", report);
  if (doc.hidden) report();
  return () => doc.removeEventListener("visibilitychange", report);
}
