// Fill's doors to the core: arm a fill of one card, cancel it, ask whether this session can type at all,
// and hear every step of a fill (and the global shortcut's "pick a card") down one channel. The digits
// never come this way: the core fetches them at the end of the countdown and types them itself.
import { Channel, invoke } from "@tauri-apps/api/core";

export type FillField = "number" | "expiry" | "cvc";
/** What one press types: every field in a row, or one. */
export type FillScope = { kind: "all" } | { kind: "one"; field: FillField };
/** The card a fill is about, as a person names it: never its digits beyond the last four. */
export type FillCardLabel = { id: string; label: string | null; last4: string };
/** Why a fill ended without typing everything. */
export type FillStop =
  | { reason: "cancelled" }
  | { reason: "locked" }
  | { reason: "windowChanged" }
  | { reason: "timedOut" }
  | { reason: "input"; detail: string }
  | { reason: "cardDetails"; message: string };
/** One step of a fill, as the core pushes it. */
export type FillUpdate =
  | { phase: "pick" }
  | { phase: "waiting"; card: FillCardLabel; scope: FillScope }
  | { phase: "counting"; card: FillCardLabel; scope: FillScope; windowTitle: string; startsInMs: number }
  | { phase: "typing"; card: FillCardLabel; scope: FillScope; windowTitle: string }
  | { phase: "typed"; card: FillCardLabel; scope: FillScope; windowTitle: string; next: FillField | null }
  | { phase: "stopped"; card: FillCardLabel | null; stop: FillStop; title: string; message: string };
/** Whether this session can type into another window; `reason` is why not, or a caveat when it can. */
export type FillAvailability = { available: boolean; reason: string | null; shortcut: string | null };

/** Arms a fill of card `id`: `field` null types what the settings' mode says (all, or the number). */
export function fillCard(id: string, field: FillField | null): Promise<unknown> {
  return invoke("fill_card", { id, field });
}

/** Ends the fill under way, if any (typing stops before the next key). */
export function cancelFill(): Promise<unknown> {
  return invoke("cancel_fill");
}

export function fillAvailability(): Promise<FillAvailability> {
  return invoke<FillAvailability>("fill_availability");
}

/** Hears every fill update from now on; a later call (a reloaded page) replaces this listener. */
export function listenFill(onUpdate: (update: FillUpdate) => void): Promise<unknown> {
  return invoke("listen_fill", { onUpdate: new Channel<FillUpdate>(onUpdate) });
}
