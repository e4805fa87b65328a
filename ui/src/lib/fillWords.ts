// What the Fill dialog says at each step of a fill. The core sends the phase, the card's label and last
// four and the target window's title (already trimmed of control characters and cut to 80 characters);
// the sentences are written here, once, so the dialog, the card list and the tests read the same words.
// A stopped fill is the exception: the core words why it stopped (`FillStop::title`/`message`).
import { wholeSeconds } from "./countdown";
import type { FillCardLabel, FillField, FillScope, FillUpdate } from "./fillCommands";

/** The field a scope types, or null when it types them all. */
export function scopeField(scope: FillScope): FillField | null {
  return scope.kind === "one" ? scope.field : null;
}

/** "Groceries ••4242", or "••4242" for a card without a label. */
export function fillCardName(card: FillCardLabel): string {
  const last4 = `\u2022\u2022${card.last4}`;
  const label = card.label?.trim();
  return label ? `${label} ${last4}` : last4;
}

/** The field as a sentence names it: "the number", "the expiry", "the CVC". */
export function fieldName(field: FillField): string {
  return field === "number" ? "the number" : field === "expiry" ? "the expiry" : "the CVC";
}

/** The words of a per-field follow-up button: "Fill expiry", "Fill CVC". */
export function fillFieldButton(field: FillField): string {
  return field === "number" ? "Fill number" : field === "expiry" ? "Fill expiry" : "Fill CVC";
}

/** Where the person clicks: "card-number field", "expiry field", "CVC field". */
function fieldToClick(field: FillField | null): string {
  if (field === "expiry") return "expiry field";
  if (field === "cvc") return "CVC field";
  return "card-number field";
}

/** What a finished press typed: "the number, expiry and CVC" or "the expiry". */
function typedWhat(scope: FillScope): string {
  const field = scopeField(scope);
  return field === null ? "the number, expiry and CVC" : fieldName(field);
}

/** The target window as a sentence names it: its title in quotes, or words for a window without one. */
export function windowName(title: string): string {
  return title.trim() === "" ? "a window without a title" : `\u201c${title}\u201d`;
}

export interface FillStatus {
  title: string;
  message: string;
}

/**
 * The dialog's heading and sentence for `update`. `shortcut` is the registered global shortcut (null when
 * it is off), which the per-field "next" sentence offers; `secondsLeft` is the countdown as it stands (the
 * core's `startsInMs` when not given).
 */
export function fillStatus(update: FillUpdate, shortcut: string | null, secondsLeft?: number): FillStatus {
  switch (update.phase) {
    case "pick":
      return { title: "Fill a card", message: "Choose the card to type into the checkout page." };
    case "waiting":
      return {
        title: `Fill ${fillCardName(update.card)}`,
        message: `Click into the ${fieldToClick(scopeField(update.scope))} of the checkout page.`,
      };
    case "counting": {
      const seconds = secondsLeft ?? wholeSeconds(update.startsInMs);
      return {
        title: `Fill ${fillCardName(update.card)}`,
        message: `Typing into ${windowName(update.windowTitle)} in ${seconds} s \u2014 press Escape to cancel.`,
      };
    }
    case "typing":
      return {
        title: `Typing ${fillCardName(update.card)}`,
        message: `Typing into ${windowName(update.windowTitle)} \u2014 press Escape to stop.`,
      };
    case "typed": {
      const title = `Typed ${fillCardName(update.card)}`;
      if (update.next === null) {
        return { title, message: `Typed ${typedWhat(update.scope)} into ${windowName(update.windowTitle)}.` };
      }
      const next = fieldName(update.next);
      const click = fieldToClick(update.next);
      const button = fillFieldButton(update.next);
      const how = shortcut
        ? `click into the ${click} and press ${shortcut} (or ${button} here).`
        : `press ${button} here, then click into the ${click}.`;
      return { title, message: `Typed ${typedWhat(update.scope)}. Next: ${next} \u2014 ${how}` };
    }
    case "stopped":
      return { title: update.title, message: update.message };
  }
}

/** Whether the fill is still under way (Escape and Cancel stop it). */
export function isArmed(update: FillUpdate | null): boolean {
  return update !== null && (update.phase === "waiting" || update.phase === "counting" || update.phase === "typing");
}
