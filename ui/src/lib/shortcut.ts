// The global shortcut as Settings captures it: the person presses the keys, and the page writes the
// accelerator text the core registers (`Ctrl+Alt+F`), in the spelling of the `global-hotkey` crate's
// parser (modifiers, then one key). The key is read from `KeyboardEvent.code`, the physical key,
// because that is what the crate grabs: on an AZERTY keyboard the key right of Tab is
// `Q` to the grab, whatever letter it prints. The core checks the text again and has the last word.

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

/** Keys named by their code in the parser's words, beyond letters, digits and F-keys. */
const NAMED = new Set([
  "Backquote", "Backslash", "BracketLeft", "BracketRight", "Comma", "Equal", "Minus", "Period", "Quote",
  "Semicolon", "Slash", "Space", "Enter", "Backspace", "Delete", "Insert", "Home", "End", "PageUp", "PageDown",
  "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Pause", "PrintScreen", "ScrollLock",
  "NumpadAdd", "NumpadSubtract", "NumpadMultiply", "NumpadDivide", "NumpadDecimal", "NumpadEnter", "NumpadEqual",
]);

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

/**
 * What one key press makes. A shortcut needs Ctrl, Alt or Super with one other key: Shift alone with a
 * letter would take that capital letter from every app, and a bare key would take the key itself.
 */
export function captureShortcut(press: KeyPress): Captured {
  const held = modifiers(press);
  if (MODIFIER_KEYS.has(press.key)) {
    return { kind: "partial", text: held.length > 0 ? `${held.join("+")}+\u2026` : "" };
  }
  const key = keyName(press.code);
  if (key === null) return { kind: "refused", message: "That key cannot be a shortcut. Try a letter, a digit or F1 to F12." };
  if (!press.ctrlKey && !press.altKey && !press.metaKey) {
    return { kind: "refused", message: `Hold Ctrl, Alt or Super with ${key}, so typing ${key} elsewhere still works.` };
  }
  return { kind: "shortcut", text: [...held, key].join("+") };
}
