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

  it("reads the physical key, so an AZERTY 'a' is the grab's Q and a shifted digit is still its digit", () => {
    expect(captureShortcut(press("a", "KeyQ", { ctrlKey: true, altKey: true }))).toEqual({ kind: "shortcut", text: "Ctrl+Alt+Q" });
    expect(captureShortcut(press("&", "Digit1", { ctrlKey: true }))).toEqual({ kind: "shortcut", text: "Ctrl+1" });
  });

  it("shows the modifiers held while the person goes on", () => {
    expect(captureShortcut(press("Control", "ControlLeft", { ctrlKey: true }))).toEqual({ kind: "partial", text: "Ctrl+\u2026" });
    expect(captureShortcut(press("Alt", "AltLeft", { ctrlKey: true, altKey: true }))).toEqual({ kind: "partial", text: "Ctrl+Alt+\u2026" });
  });

  it("refuses a bare key, Shift alone, and keys the grab cannot take", () => {
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
