// Fill's doors to the core: arm a fill of one card, cancel it, ask whether this session can type at all,
// and hear every step of a fill (and the global shortcut's "pick a card") down one channel. The digits
// never come this way: the core fetches them at the end of the countdown and types them itself.
import { Channel } from "@tauri-apps/api/core";
import { call, commands } from "../api";
// The messages by name, from the bindings: tauri-specta types a channel with the shape Rust would read
// (`_Deserialize`, optional fields may be missing), but the core writes them, so every field is there, as
// in the `_Serialize` shape (see `updates.ts`).
import type {
  FillAvailability_Serialize,
  FillCardLabel_Serialize,
  FillField as Field,
  FillScope as Scope,
  FillStop as Stop,
  FillUpdate_Serialize,
} from "../bindings";

export type FillField = Field;
/** What one press types: every field in a row, or one. */
export type FillScope = Scope;
/** The card a fill is about, as a person names it: never its digits beyond the last four. */
export type FillCardLabel = FillCardLabel_Serialize;
/** Why a fill ended without typing everything. */
export type FillStop = Stop;
/** One step of a fill, as the core pushes it. */
export type FillUpdate = FillUpdate_Serialize;
/** Whether this session can type into another window; `reason` is why not, or a caveat when it can. */
export type FillAvailability = FillAvailability_Serialize;

/** Arms a fill of card `id`: `field` null types what the settings' mode says (all, or the number). A fill
 *  under way is replaced. Throws the `UiFailure` the core refused with. */
export async function fillCard(id: string, field: FillField | null): Promise<void> {
  await call(commands.fillCard(id, field));
}

/** Ends the fill under way, if any (typing stops before the next key); the core then sends `stopped`. */
export async function cancelFill(): Promise<void> {
  await call(commands.cancelFill());
}

/** Whether this session can type, and the shortcut registered now (null when off or refused). */
export function fillAvailability(): Promise<FillAvailability> {
  return call(commands.fillAvailability());
}

/** Hears every fill update from now on; a later call (a reloaded page) replaces this listener. */
export async function listenFill(onUpdate: (update: FillUpdate) => void): Promise<void> {
  const channel: Parameters<typeof commands.listenFill>[0] = new Channel((update) => onUpdate(update as FillUpdate));
  await call(commands.listenFill(channel));
}
