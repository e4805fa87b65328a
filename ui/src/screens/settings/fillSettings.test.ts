// Settings' Fill section: the saved choices shown, the shortcut captured from the keys pressed (not typed
// as text), Off saving no shortcut, the delays checked against the core's bounds before saving, and the
// core's refusal of a shortcut shown on the shortcut field.
import { clearMocks } from "@tauri-apps/api/mocks";
import { mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppStateView, Settings, UiError } from "../../api";
import { app } from "../../lib/app.svelte";
import { clearToasts } from "../../lib/toast.svelte";
import { button, mockCommands, settle, type Call } from "../../testing/mockCore";
import SettingsScreen from "./SettingsScreen.svelte";

const SETTINGS: Settings = {
  environment: { kind: "demo" },
  userId: "ada@example.com",
  walletAddress: "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E",
  walletLabel: "Main",
  revealSeconds: 30,
  clipboardClearSeconds: 20,
  idleLockMinutes: 10,
  sessionTtlSeconds: 900,
  reauthMinutes: 5,
  notifyTransactions: true,
  fill: { mode: "perField", expiryFormat: "separateMmYyyy", advance: "pageMovesFocus", startDelayMs: 3000, keyDelayMs: 40, shortcut: "Ctrl+Alt+F" },
};

const CORE: AppStateView = {
  environment: "demo",
  demo: true,
  apiHost: "127.0.0.1",
  locked: false,
  hasPartnerKey: true,
  needsPassphrase: false,
  userId: "ada@example.com",
  walletAddress: SETTINGS.walletAddress,
  notes: [],
  signIn: null,
};

let log: Call[] = [];
let saved: Settings | null = null;
let component: ReturnType<typeof mount> | null = null;

async function show(saveSettings: (settings: Settings) => unknown = (s) => s) {
  log = [];
  saved = null;
  mockCommands(
    {
      get_settings: () => SETTINGS,
      save_settings: (args) => saveSettings((saved = args.settings as Settings)),
      fill_availability: () => ({ available: true, reason: null, shortcut: "Ctrl+Shift+K" }),
    },
    log,
  );
  component = mount(SettingsScreen, {
    target: document.getElementById("app")!,
    props: { onsaved: () => {}, onkeychanged: () => {}, onback: () => {} },
  });
  await settle();
}

function press(target: Element, key: string, code: string, held: KeyboardEventInit = {}): KeyboardEvent {
  const event = new KeyboardEvent("keydown", { key, code, bubbles: true, cancelable: true, ...held });
  target.dispatchEvent(event);
  return event;
}

const input = (id: string) => document.getElementById(id) as HTMLInputElement;

beforeEach(() => {
  vi.useFakeTimers();
  document.body.innerHTML = '<div id="app"></div>';
  app.core = { ...CORE };
  app.notes = [];
  clearToasts();
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  clearMocks();
  vi.useRealTimers();
});

describe("the Fill settings", () => {
  it("show what is saved", async () => {
    await show();
    expect((document.querySelector('input[name="fill-mode"][value="perField"]') as HTMLInputElement).checked).toBe(true);
    expect((document.getElementById("settings-fill-expiry") as HTMLSelectElement).value).toBe("separateMmYyyy");
    expect((document.querySelector('input[name="fill-advance"][value="pageMovesFocus"]') as HTMLInputElement).checked).toBe(true);
    expect(input("settings-fill-start").value).toBe("3000");
    expect(input("settings-fill-key").value).toBe("40");
    expect(input("settings-fill-shortcut").value).toBe("Ctrl+Alt+F");
    expect(document.getElementById("settings-fill-start-hint")?.textContent).toContain("500 to 10000");
  });

  it("capture the shortcut from the keys pressed and save it with the other choices", async () => {
    await show();
    const field = input("settings-fill-shortcut");
    expect(press(field, "Control", "ControlLeft", { ctrlKey: true }).defaultPrevented).toBe(true);
    press(field, "Shift", "ShiftLeft", { ctrlKey: true, shiftKey: true });
    await settle();
    expect(field.value).toBe("Ctrl+Shift+\u2026");
    press(field, "K", "KeyK", { ctrlKey: true, shiftKey: true });
    await settle();
    expect(field.value).toBe("Ctrl+Shift+K");
    // Tab still moves the focus on; it is never captured.
    expect(press(field, "Tab", "Tab").defaultPrevented).toBe(false);

    (document.querySelector('input[name="fill-mode"][value="sequence"]') as HTMLInputElement).click();
    button("Save settings").click();
    await settle();
    expect(saved?.fill).toEqual({ ...SETTINGS.fill, mode: "sequence", shortcut: "Ctrl+Shift+K" });
    // The dialog's words then name the shortcut the core registered.
    expect(log.map(([c]) => c)).toContain("fill_availability");
  });

  it("say why a bare key cannot be a shortcut, and keep the one before", async () => {
    await show();
    const field = input("settings-fill-shortcut");
    press(field, "f", "KeyF");
    await settle();
    expect(field.value).toBe("Ctrl+Alt+F");
    expect(document.getElementById("settings-fill-shortcut-note")?.textContent).toContain("Hold Ctrl, Alt or Super with F");
  });

  it("save no shortcut when Off is ticked", async () => {
    await show();
    const off = [...document.querySelectorAll("label.inline")].find((l) => l.textContent?.trim() === "Off")!.querySelector("input")!;
    off.click();
    await settle();
    expect(input("settings-fill-shortcut").disabled).toBe(true);
    button("Save settings").click();
    await settle();
    expect(saved?.fill.shortcut).toBeNull();
  });

  it("refuse delays outside the core's bounds before saving", async () => {
    await show();
    const start = input("settings-fill-start");
    start.value = "200";
    start.dispatchEvent(new Event("input", { bubbles: true }));
    button("Save settings").click();
    await settle();
    expect(saved).toBeNull();
    expect(document.getElementById("settings-fill-start-problem")?.textContent).toBe("Choose between 500 and 10000 milliseconds.");
    expect(document.activeElement).toBe(start);
  });

  it("show the core's refusal of a shortcut on the shortcut field", async () => {
    await show(() => {
      throw {
        code: "validation",
        title: "Check the settings",
        message: "The shortcut could not be registered.",
        action: "fixFields",
        fields: [{ field: "fill.shortcut", message: "Another app already uses Ctrl+Alt+F." }],
        retryAfterSeconds: null,
      } satisfies UiError;
    });
    button("Save settings").click();
    await settle();
    expect(document.getElementById("settings-fill-shortcut-problem")?.textContent).toBe("Another app already uses Ctrl+Alt+F.");
    expect(document.activeElement?.id).toBe("settings-fill-shortcut");
  });
});
