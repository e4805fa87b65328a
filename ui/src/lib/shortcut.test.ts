import { describe, expect, it } from "vitest";
import { captureShortcut, keyName, type KeyPress } from "./shortcut";

function press(key: string, code: string, held: Partial<Pick<KeyPress, "ctrlKey" | "altKey" | "shiftKey" | "metaKey">> = {}): KeyPress {
  return { key, code, ctrlKey: false, altKey: false, shiftKey: false, metaKey: false, ...held };
}

describe("the shortcut as the keys pressed write it", () => {
  it("writes modifiers in a fixed order, then the key", () => {
    expect(captureShortcut(press("f", "KeyF", { ctrlKey: true, altKey: true }))).toEqual({ kind: "shortcut", text: "Ctrl+Alt+F" });
    expect(captureShortcut(press("F", "KeyF", { shiftKey: true, metaKey: true, ctrlKey: true }))).toEqual({
      kind: "shortcut",
      text: "Ctrl+Shift+Super+F",
    });
    expect(captureShortcut(press("F5", "F5", { altKey: true }))).toEqual({ kind: "shortcut", text: "Alt+F5" });
    expect(captureShortcut(press(" ", "Space", { ctrlKey: true }))).toEqual({ kind: "shortcut", text: "Ctrl+Space" });
  });

  it("names a key by what it prints, as the grab finds it: AZERTY's A is A, its comma a comma", () => {
    const ctrlAlt = { ctrlKey: true, altKey: true };
    expect(captureShortcut(press("a", "KeyQ", ctrlAlt))).toEqual({ kind: "shortcut", text: "Ctrl+Alt+A" });
    expect(captureShortcut(press("m", "Semicolon", ctrlAlt))).toEqual({ kind: "shortcut", text: "Ctrl+Alt+M" });
    expect(captureShortcut(press(",", "KeyM", ctrlAlt))).toEqual({ kind: "shortcut", text: "Ctrl+Alt+Comma" });
    expect(captureShortcut(press("F", "KeyF", { ...ctrlAlt, shiftKey: true }))).toEqual({ kind: "shortcut", text: "Ctrl+Alt+Shift+F" });
  });

  it("names by place a key whose character has no name, and the keypad's digits", () => {
    // AZERTY's 1 key prints & (its 1 is shifted), Russian's A key prints ф: the grab finds 1 and a there.
    expect(captureShortcut(press("&", "Digit1", { ctrlKey: true }))).toEqual({ kind: "shortcut", text: "Ctrl+1" });
    expect(captureShortcut(press("\u0444", "KeyA", { ctrlKey: true }))).toEqual({ kind: "shortcut", text: "Ctrl+A" });
    expect(captureShortcut(press("!", "Digit1", { ctrlKey: true, shiftKey: true }))).toEqual({ kind: "shortcut", text: "Ctrl+Shift+1" });
    expect(captureShortcut(press("7", "Numpad7", { ctrlKey: true }))).toEqual({ kind: "shortcut", text: "Ctrl+Numpad7" });
  });

  it("shows the modifiers held while the person goes on", () => {
    expect(captureShortcut(press("Control", "ControlLeft", { ctrlKey: true }))).toEqual({ kind: "partial", text: "Ctrl+\u2026" });
    expect(captureShortcut(press("Alt", "AltLeft", { ctrlKey: true, altKey: true }))).toEqual({ kind: "partial", text: "Ctrl+Alt+\u2026" });
  });

  it("refuses a bare key, Shift alone, and keys the grab cannot take", () => {
    for (const [key, code] of [["'", "Quote"], ["Enter", "NumpadEnter"], ["=", "NumpadEqual"]]) {
      expect(captureShortcut(press(key, code, { ctrlKey: true })).kind, code).toBe("refused");
    }
    expect(captureShortcut(press("f", "KeyF")).kind).toBe("refused");
    const shifted = captureShortcut(press("F", "KeyF", { shiftKey: true }));
    expect(shifted).toEqual({ kind: "refused", message: "Hold Ctrl, Alt or Super with F, so typing F elsewhere still works." });
    expect(captureShortcut(press("Escape", "Escape", { ctrlKey: true })).kind).toBe("refused");
    expect(captureShortcut(press("Tab", "Tab", { altKey: true })).kind).toBe("refused");
    expect(captureShortcut(press("CapsLock", "CapsLock", { ctrlKey: true })).kind).toBe("refused");
  });

  it("names keys in the global-hotkey parser's spelling", () => {
    expect(keyName("KeyZ")).toBe("Z");
    expect(keyName("Digit0")).toBe("0");
    expect(keyName("Numpad7")).toBe("Numpad7");
    expect(keyName("F24")).toBe("F24");
    expect(keyName("F25")).toBeNull();
    expect(keyName("ArrowUp")).toBe("ArrowUp");
    expect(keyName("IntlBackslash")).toBeNull();
  });
});
