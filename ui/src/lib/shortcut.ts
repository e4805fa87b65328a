// The global shortcut as Settings captures it: the person presses the keys, and the page writes the
// accelerator text the core registers (`Ctrl+Alt+F`), in the spelling of the `global-hotkey` crate's
// parser (modifiers, then one key). The crate turns that name into a character and grabs whichever key
// prints it in the layout of the moment (fill_x11 checks this on AZERTY). So a key that prints a letter,
// a digit or plain punctuation is named by what it prints (`KeyboardEvent.key`): on AZERTY the key right of
// Tab is A, though `KeyboardEvent.code` calls it `KeyQ`. Other keys (F-keys, arrows, the keypad, and a key
// whose character has no name here, like é or ф) are named by `code`. The core checks the text again and
// has the last word.

/** The parts of a key press the capture reads. */
export type KeyPress = Pick<KeyboardEvent, "key" | "code" | "ctrlKey" | "altKey" | "shiftKey" | "metaKey">;

export type Captured =
  /** A whole shortcut, ready to save. */
  | { kind: "shortcut"; text: string }
  /** Only modifiers held so far: what the field shows while the person goes on ("Ctrl+Alt+…"). */
  | { kind: "partial"; text: string }
  /** A press that cannot be a shortcut, in words. */
  | { kind: "refused"; message: string };

/** Keys the capture leaves alone: Tab moves the focus on, Escape belongs to cancelling a fill. */
export const PASS_THROUGH = new Set(["Tab", "Escape"]);

const MODIFIER_KEYS = new Set(["Control", "Alt", "Shift", "Meta", "OS", "Super", "Hyper", "AltGraph"]);

/**
 * Keys named by their code in the parser's words, beyond letters, digits and F-keys: those the crate can
 * grab on X11. Not `Quote` (the crate looks for a curly quote no layout has), `NumpadEnter` or `NumpadEqual`
 * (it has no key for them).
 */
const NAMED = new Set([
  "Backquote", "Backslash", "BracketLeft", "BracketRight", "Comma", "Equal", "Minus", "Period",
  "Semicolon", "Slash", "Space", "Enter", "Backspace", "Delete", "Insert", "Home", "End", "PageUp", "PageDown",
  "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Pause", "PrintScreen", "ScrollLock",
  "NumpadAdd", "NumpadSubtract", "NumpadMultiply", "NumpadDivide", "NumpadDecimal",
]);

/** Punctuation by the character it is, in the parser's words (the crate grabs the key that prints it). */
const PUNCTUATION: Record<string, string> = {
  "`": "Backquote", "\\": "Backslash", "[": "BracketLeft", "]": "BracketRight", ",": "Comma", "=": "Equal",
  "-": "Minus", ".": "Period", ";": "Semicolon", "/": "Slash",
};

/** The modifiers held, in the order the text writes them. */
function modifiers(press: KeyPress): string[] {
  const held: string[] = [];
  if (press.ctrlKey) held.push("Ctrl");
  if (press.altKey) held.push("Alt");
  if (press.shiftKey) held.push("Shift");
  if (press.metaKey) held.push("Super");
  return held;
}

/** The main key's name in the accelerator, or null for a key the global shortcut cannot grab. */
export function keyName(code: string): string | null {
  const letter = /^Key([A-Z])$/.exec(code);
  if (letter) return letter[1];
  const digit = /^(?:Digit|Numpad)(\d)$/.exec(code);
  if (digit) return code.startsWith("Numpad") ? `Numpad${digit[1]}` : digit[1];
  if (/^F([1-9]|1\d|2[0-4])$/.test(code)) return code;
  return NAMED.has(code) ? code : null;
}

/** The name of the character a key prints, or null when it has none here (see the top of this file). */
export function characterName(key: string): string | null {
  if (/^[a-z]$/i.test(key)) return key.toUpperCase();
  if (/^\d$/.test(key)) return key;
  return PUNCTUATION[key] ?? null;
}

/**
 * What one key press makes. A shortcut needs Ctrl, Alt or Super with one other key: Shift alone with a
 * letter would take that capital letter from every app, and a bare key would take the key itself.
 */
export function captureShortcut(press: KeyPress): Captured {
  const held = modifiers(press);
  if (MODIFIER_KEYS.has(press.key)) {
    return { kind: "partial", text: held.length > 0 ? `${held.join("+")}+\u2026` : "" };
  }
  // The keypad's digits print digits too, but the crate would grab the main row's for them.
  const key = (press.code.startsWith("Numpad") ? null : characterName(press.key)) ?? keyName(press.code);
  if (key === null) return { kind: "refused", message: "That key cannot be a shortcut. Try a letter, a digit or F1 to F12." };
  if (!press.ctrlKey && !press.altKey && !press.metaKey) {
    return { kind: "refused", message: `Hold Ctrl, Alt or Super with ${key}, so typing ${key} elsewhere still works.` };
  }
  return { kind: "shortcut", text: [...held, key].join("+") };
}
