// Fill, for the whole app: the core pushes each step of a fill down one channel the page opens once
// (`listen_fill`), whatever screen is on show, because the global shortcut can start one from anywhere.
// The status dialog and the card picker (both mounted once by App) and the card list read this store;
// the buttons call `startFill` and `cancelFill`. The page holds no digits: the core types them.
import { asUiError, UiFailure } from "../api";
import {
  cancelFill as cancelInCore,
  fillAvailability,
  fillCard,
  listenFill,
  type FillAvailability,
  type FillCardLabel,
  type FillField,
  type FillUpdate,
} from "./fillCommands";
import { isArmed, scopeField } from "./fillWords";
import { withReauth } from "./reauth.svelte";

/** A Fill pressed where it cannot type: the card, and why, so the dialog can offer Copy instead. */
export interface Unavailable {
  cardId: string;
  name: string;
  reason: string;
}

export const fill = $state({
  /** What the status dialog shows: the fill under way or the one that just ended; null when closed. */
  shown: null as FillUpdate | null,
  /** The global shortcut asked for the card picker. */
  picking: false,
  /** What `fill_availability` said; null until it answered (Fill is then offered, and the core decides). */
  availability: null as FillAvailability | null,
  /** Per-field mode: the field the last fill of that card left to type next ("Fill expiry"). */
  next: null as { card: FillCardLabel; field: FillField } | null,
  unavailable: null as Unavailable | null,
});

/** The person cancelled in our window: the core's "Cancelled" that follows closes the dialog. */
let cancelAsked = false;
/** The last fill armed, for "Try again" after a stop. */
let lastArmed: { cardId: string; field: FillField | null } | null = null;

/** Takes one update from the core. Exported for the tests, which play the core's part. */
export function heard(update: FillUpdate): void {
  switch (update.phase) {
    case "pick":
      fill.picking = true;
      // A fill that has ended makes way; one still armed stays until a card is picked (which replaces it).
      if (!isArmed(fill.shown)) fill.shown = null;
      return;
    case "waiting":
    case "counting":
    case "typing":
      fill.unavailable = null;
      fill.shown = update;
      lastArmed = { cardId: update.card.id, field: scopeField(update.scope) };
      return;
    case "typed":
      fill.next = update.next === null ? null : { card: update.card, field: update.next };
      fill.shown = update;
      return;
    case "stopped": {
      const ours = cancelAsked && update.stop.reason === "cancelled";
      cancelAsked = false;
      // A lock says it all with the lock screen; a cancel pressed here needs no answer.
      fill.shown = ours || update.stop.reason === "locked" ? null : update;
      return;
    }
  }
}

/** Opens the channel (once, at start; a reload opens a new one, which the core keeps instead). */
export async function followFill(): Promise<void> {
  // Without the channel Fill still works from the buttons; only its steps would not show.
  await listenFill(heard).catch(() => {});
  await refreshFillAvailability();
}

/** Asks the core again whether this session can type, and which shortcut is registered. */
export async function refreshFillAvailability(): Promise<void> {
  try {
    fill.availability = await fillAvailability();
  } catch {
    // Unknown: Fill stays offered, and the core's own refusal explains (fill_unavailable).
  }
}

function unavailable(cardId: string, name: string, reason: string): void {
  fill.shown = null;
  fill.unavailable = { cardId, name, reason };
}

/**
 * Arms a fill of `cardId` (`name` is how the dialog names it): `field` null types what the mode says.
 * Where this session cannot type, the dialog explains and offers the Copy buttons instead. Any other
 * refusal is thrown, for the screen that pressed it to show.
 */
export async function startFill(cardId: string, name: string, field: FillField | null): Promise<void> {
  const known = fill.availability;
  if (known && !known.available) {
    unavailable(cardId, name, known.reason ?? "Typing into another window is not possible in this session.");
    return;
  }
  // The picker closes before the core is asked, so the re-auth dialog and the Fill dialog that follow are
  // the only windows on show; a refusal opens it again, for its banner to say why nothing happened.
  const fromPicker = fill.picking;
  fill.picking = false;
  // A fill under way is replaced: the core ends it without a word, and the new one's steps follow.
  lastArmed = { cardId, field };
  try {
    await withReauth(() => fillCard(cardId, field));
  } catch (e) {
    const ui = asUiError(e);
    if (ui.code === "fill_unavailable") {
      unavailable(cardId, name, ui.message);
      return;
    }
    if (fromPicker) fill.picking = true;
    throw e instanceof UiFailure ? e : new UiFailure(ui);
  }
}

/** "Try again" after a stop: the same card and field as the fill that stopped. */
export function retryFill(name: string): Promise<void> {
  if (!lastArmed) return Promise.resolve();
  return startFill(lastArmed.cardId, name, lastArmed.field);
}

/** Cancel, or Escape in our window: the dialog closes at once and the core stops before the next key. */
export function cancelFill(): void {
  if (!isArmed(fill.shown)) return;
  cancelAsked = true;
  fill.shown = null;
  void cancelInCore().catch(() => {});
}

/** Closes the dialog; a fill still under way is cancelled, not left running unseen. */
export function closeFill(): void {
  if (isArmed(fill.shown)) {
    cancelFill();
    return;
  }
  fill.shown = null;
  fill.unavailable = null;
}

export function closePicker(): void {
  fill.picking = false;
}

/** The app locked or the person signed out: nothing of a fill stays on show (the core cancelled it). */
export function forgetFill(): void {
  fill.shown = null;
  fill.picking = false;
  fill.next = null;
  fill.unavailable = null;
  lastArmed = null;
  cancelAsked = false;
}
