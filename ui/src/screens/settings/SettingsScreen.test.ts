// Settings' "Start Demo over": offered in Demo only, asks first, and on confirming forgets the demo and
// hands over as an environment switch does (the app then leads to set-up).
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppStateView, Settings, UiError } from "../../api";
import { app } from "../../lib/app.svelte";
import { clearToasts } from "../../lib/toast.svelte";
import SettingsScreen from "./SettingsScreen.svelte";

const DEMO_SETTINGS: Settings = {
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
  fill: { mode: "sequence", expiryFormat: "mmYy", advance: "tab", startDelayMs: 2000, keyDelayMs: 25, shortcut: "Ctrl+Alt+F" },
};

const DEMO_CORE: AppStateView = {
  environment: "demo",
  demo: true,
  apiHost: "127.0.0.1",
  locked: false,
  hasPartnerKey: true,
  needsPassphrase: false,
  userId: "ada@example.com",
  walletAddress: DEMO_SETTINGS.walletAddress,
  notes: [],
  signIn: null,
};

let calls: string[] = [];
let component: ReturnType<typeof mount> | null = null;

function core(settings: Settings, over: Record<string, () => unknown> = {}) {
  const handlers: Record<string, () => unknown> = { get_settings: () => settings, ...over };
  mockIPC((cmd) => {
    calls.push(cmd);
    const handler = handlers[cmd];
    if (!handler) throw { code: "internal", title: "Not in this test", message: cmd, action: "dismiss", fields: [], retryAfterSeconds: null } satisfies UiError;
    return handler();
  });
}

async function settle() {
  for (let i = 0; i < 10; i++) {
    await vi.advanceTimersByTimeAsync(0);
    flushSync();
  }
}

function buttons(label: string): HTMLButtonElement[] {
  return [...document.querySelectorAll("button")].filter((b) => b.textContent?.trim() === label);
}

function show(onsaved: (signedOut: boolean) => void) {
  component = mount(SettingsScreen, {
    target: document.getElementById("app")!,
    props: { onsaved, onkeychanged: () => {}, onback: () => {} },
  });
}

beforeEach(() => {
  vi.useFakeTimers();
  calls = [];
  document.body.innerHTML = '<div id="app"></div>';
  app.core = { ...DEMO_CORE };
  app.notes = [];
  clearToasts();
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  clearMocks();
  vi.useRealTimers();
});

describe("Start Demo over", () => {
  it("asks first, then forgets the demo and hands over as a sign-out", async () => {
    const cleared: Settings = { ...DEMO_SETTINGS, userId: null, walletAddress: null, walletLabel: null };
    core(DEMO_SETTINGS, { start_demo_over: () => cleared });
    const onsaved = vi.fn();
    show(onsaved);
    await settle();
    expect(document.body.textContent).toContain("Demo keeps your demo cards, deposits and approval when you quit.");

    buttons("Start Demo over")[0]!.click();
    await settle();
    expect(calls).not.toContain("start_demo_over");
    expect(document.body.textContent).toContain("Start Demo over?");

    buttons("Cancel").at(-1)!.click();
    await settle();
    expect(calls).not.toContain("start_demo_over");

    buttons("Start Demo over")[0]!.click();
    await settle();
    buttons("Start over")[0]!.click();
    await settle();
    expect(calls).toContain("start_demo_over");
    expect(onsaved).toHaveBeenCalledWith(true);
  });

  it("says what went wrong and stays when the demo could not be cleared", async () => {
    core(DEMO_SETTINGS, {
      start_demo_over: () => {
        throw { code: "internal", title: "Demo not cleared", message: "Demo's saved data could not be removed.", action: "retry", fields: [], retryAfterSeconds: null } satisfies UiError;
      },
    });
    const onsaved = vi.fn();
    show(onsaved);
    await settle();
    buttons("Start Demo over")[0]!.click();
    await settle();
    buttons("Start over")[0]!.click();
    await settle();
    expect(document.body.textContent).toContain("Demo not cleared");
    expect(onsaved).not.toHaveBeenCalled();
  });

  it("is not offered outside Demo", async () => {
    app.core = { ...DEMO_CORE, environment: "sandbox", demo: false };
    core({ ...DEMO_SETTINGS, environment: { kind: "sandbox" } });
    show(() => {});
    await settle();
    expect(buttons("Start Demo over")).toEqual([]);
  });
});

describe("Notifications", () => {
  it("shows the setting as saved, says what a notification holds, and saves it unticked", async () => {
    let saved: Settings | null = null;
    core(DEMO_SETTINGS, {});
    mockIPC((cmd, args) => {
      calls.push(cmd);
      if (cmd === "get_settings") return DEMO_SETTINGS;
      if (cmd === "save_settings") return (saved = (args as { settings: Settings }).settings);
      throw { code: "internal", title: "Not in this test", message: cmd, action: "dismiss", fields: [], retryAfterSeconds: null } satisfies UiError;
    });
    const onsaved = vi.fn();
    show(onsaved);
    await settle();
    const box = document.getElementById("settings-notify") as HTMLInputElement;
    expect(box.checked).toBe(true);
    expect(document.getElementById("settings-notify-hint")?.textContent).toContain("the merchant, the amount and the card's last four");

    box.click();
    await settle();
    buttons("Save settings")[0]!.click();
    await settle();
    expect(saved).toMatchObject({ notifyTransactions: false, revealSeconds: 30, environment: { kind: "demo" } });
    expect(onsaved).toHaveBeenCalledWith(false);
  });
});
