import { describe, expect, it } from "vitest";
import type { Settings } from "../api";
import { settingsProblems, wholeNumber, type SettingsForm } from "./settingsForm";

const LOADED: Settings = {
  environment: { kind: "demo" },
  userId: "alice@example.com",
  walletAddress: "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E",
  walletLabel: null,
  revealSeconds: 30,
  clipboardClearSeconds: 20,
  idleLockMinutes: 10,
  sessionTtlSeconds: 900,
  reauthMinutes: 5,
  notifyTransactions: true,
  fill: { mode: "sequence", expiryFormat: "mmYy", advance: "tab", startDelayMs: 2000, keyDelayMs: 25, shortcut: "Ctrl+Alt+F" },
};

const FORM: SettingsForm = {
  kind: "demo",
  url: "",
  revealSeconds: 30,
  clipboardNever: false,
  clipboardSeconds: "20",
  idleLockMinutes: 10,
  reauthMinutes: 5,
  notifyTransactions: true,
  fillMode: "sequence",
  fillExpiryFormat: "mmYy",
  fillAdvance: "tab",
  fillStartDelayMs: "2000",
  fillKeyDelayMs: 25,
  fillShortcut: "Ctrl+Alt+F",
  fillShortcutOff: false,
};

describe("settings form", () => {
  it("reads whole numbers only", () => {
    expect(wholeNumber(12)).toBe(12);
    expect(wholeNumber(" 45 ")).toBe(45);
    expect(wholeNumber("4.5")).toBeNull();
    expect(wholeNumber("")).toBeNull();
    expect(wholeNumber(null)).toBeNull();
    expect(wholeNumber("-3")).toBeNull();
  });

  it("keeps what the form does not show and builds the environment", () => {
    const out = settingsProblems({ ...FORM, kind: "custom", url: " https://api.example.com/partner/v1 ", clipboardNever: true }, LOADED);
    expect(out).toEqual({
      settings: {
        ...LOADED,
        environment: { kind: "custom", url: "https://api.example.com/partner/v1" },
        clipboardClearSeconds: null,
      },
    });
  });

  it("saves the notification setting as ticked", () => {
    const out = settingsProblems({ ...FORM, notifyTransactions: false }, LOADED);
    expect("settings" in out && out.settings.notifyTransactions).toBe(false);
  });

  it("names each field out of range, with the core's field names", () => {
    const out = settingsProblems(
      { ...FORM, kind: "custom", url: "", revealSeconds: 2, clipboardSeconds: "301", idleLockMinutes: "" },
      LOADED,
    );
    expect("problems" in out && Object.keys(out.problems).sort()).toEqual([
      "clipboardClearSeconds",
      "environment.url",
      "idleLockMinutes",
      "revealSeconds",
    ]);
  });
});
