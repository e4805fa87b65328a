// Settings and the person behind them: the activity log lists what the core recorded (cards by their last
// four only), and a save that the core refuses until the passphrase is given again opens the re-auth
// dialog, then saves; cancelling saves nothing.
import { clearMocks } from "@tauri-apps/api/mocks";
import { mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Settings, UiError } from "../../api";
import { app } from "../../lib/app.svelte";
import { clearToasts } from "../../lib/toast.svelte";
import { button, calls, mockCore, settle } from "../../testing/mockCore";
import ReauthDialog from "../lock/ReauthDialog.svelte";
import SettingsScreen from "./SettingsScreen.svelte";

const SETTINGS: Settings = {
  environment: { kind: "sandbox" },
  userId: "ada@example.com",
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

const LOG = [
  { at: "2026-11-30T03:04:37Z", text: "Copied the expiry of ••4242" },
  { at: "2026-11-30T03:04:30Z", text: "Revealed card ••4242" },
];

let components: ReturnType<typeof mount>[] = [];
const text = () => (document.body.textContent ?? "").replace(/\s+/g, " ");

function show(onsaved = vi.fn()) {
  const target = document.getElementById("app")!;
  components.push(mount(SettingsScreen, { target, props: { onsaved, onkeychanged: () => {}, onback: () => {} } }));
  components.push(mount(ReauthDialog, { target: document.getElementById("dialogs")! }));
  return onsaved;
}

beforeEach(() => {
  vi.useFakeTimers();
  document.body.innerHTML = '<div id="app"></div><div id="dialogs"></div>';
  app.core = { environment: "sandbox", demo: false, apiHost: "", locked: false, hasPartnerKey: true, needsPassphrase: false, userId: "ada@example.com", walletAddress: null, notes: [], signIn: null };
  app.notes = [];
  clearToasts();
});

afterEach(() => {
  for (const c of components) unmount(c);
  components = [];
  clearMocks();
  vi.useRealTimers();
});

describe("the activity log in Settings", () => {
  it("lists each entry with its time, newest first", async () => {
    mockCore({ get_settings: () => SETTINGS, activity_log: () => LOG });
    show();
    await settle();
    const items = [...document.querySelectorAll(".activity li")].map((li) => li.querySelector("span")?.textContent);
    expect(items).toEqual(["Copied the expiry of ••4242", "Revealed card ••4242"]);
    expect(document.querySelector(".activity time")?.getAttribute("datetime")).toBe("2026-11-30T03:04:37Z");
    expect(text()).toContain("Cards are named by their last four digits only");
  });
});

describe("a weaker setting", () => {
  it("asks for the passphrase when the core wants it, then saves; cancelling saves nothing", async () => {
    let given = false;
    const refused: UiError = { code: "reauth_needed", title: "Enter your passphrase", message: "Enter your passphrase again to save this: a revealed card stays longer.", action: "dismiss", fields: [], retryAfterSeconds: null } as UiError;
    mockCore({
      get_settings: () => SETTINGS,
      activity_log: () => [],
      save_settings: ({ settings }) => {
        if (!given) throw refused;
        return settings;
      },
      reauthenticate: () => {
        given = true;
        return null;
      },
    });
    const onsaved = show();
    await settle();
    const reveal = document.getElementById("settings-reveal") as HTMLInputElement;
    reveal.value = "60";
    reveal.dispatchEvent(new Event("input", { bubbles: true }));
    await settle();

    button("Save settings").click();
    await settle();
    expect(text()).toContain("a revealed card stays longer");
    const dialog = document.getElementById("reauth-title")!.closest("dialog")!;
    button("Cancel", dialog).click();
    await settle();
    expect(onsaved).not.toHaveBeenCalled();

    button("Save settings").click();
    await settle();
    const field = document.getElementById("reauth-passphrase") as HTMLInputElement;
    field.value = "correct horse battery";
    field.dispatchEvent(new Event("input", { bubbles: true }));
    await settle();
    button("Continue").click();
    await settle();
    expect(calls.find(([c]) => c === "reauthenticate")?.[1]).toEqual({ passphrase: "correct horse battery" });
    expect(onsaved).toHaveBeenCalledOnce();
    const saves = calls.filter(([c]) => c === "save_settings");
    expect(saves).toHaveLength(3);
    expect((saves[2]?.[1]?.settings as Settings).revealSeconds).toBe(60);
  });
});
