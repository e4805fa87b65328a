// The set-up screen as a person meets it: words they understand, counters instead of cut text, and an
// error summary that takes focus after a failed Continue.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { UiError } from "../../api";
import { app } from "../../lib/app.svelte";
import { setupDraft } from "../../lib/setupDraft.svelte";
import SetupScreen from "./SetupScreen.svelte";

let component: ReturnType<typeof mount> | null = null;
const calls: string[] = [];

async function settle() {
  for (let i = 0; i < 5; i++) {
    await vi.advanceTimersByTimeAsync(0);
    flushSync();
  }
}

function type(id: string, text: string) {
  const input = document.getElementById(id) as HTMLInputElement;
  input.value = text;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}

beforeEach(async () => {
  vi.useFakeTimers();
  calls.length = 0;
  Object.assign(setupDraft, { userId: "", walletAddress: "", walletLabel: "" });
  app.core = { environment: "demo", demo: true, apiHost: "", locked: false, hasPartnerKey: true, needsPassphrase: false, userId: null, walletAddress: null, notes: [] } as unknown as typeof app.core;
  document.body.innerHTML = '<div id="app"></div>';
  mockIPC((cmd) => {
    calls.push(cmd);
    if (cmd === "get_settings") {
      return { environment: { kind: "demo" }, userId: null, walletAddress: null, walletLabel: null, revealSeconds: 30, clipboardClearSeconds: 20, idleLockMinutes: 10, sessionTtlSeconds: 900, reauthMinutes: 5 };
    }
    throw { code: "internal", title: "x", message: cmd, action: "dismiss", fields: [], retryAfterSeconds: null } satisfies UiError;
  });
  const target = document.getElementById("app");
  if (!target) throw new Error("no #app");
  component = mount(SetupScreen, { target, props: { onstage: () => {} } });
  await settle();
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  clearMocks();
  vi.useRealTimers();
});

describe("set-up", () => {
  it("asks for an account name in plain words", () => {
    const label = document.querySelector('label[for="setup-userId"]')?.textContent ?? "";
    expect(label).toContain("Account name");
    expect(document.body.textContent).not.toMatch(/user id|your own system/i);
    expect(document.getElementById("setup-userId-hint")?.textContent).toContain("such as your email address");
  });

  it("counts the wallet name near its limit instead of cutting it", () => {
    const input = document.getElementById("setup-walletLabel") as HTMLInputElement;
    expect(input.hasAttribute("maxlength")).toBe(false);
    type("setup-walletLabel", "\u{1F1EB}\u{1F1F7}".repeat(100));
    expect(document.getElementById("setup-walletLabel-length")?.textContent).toBe("100 of 120 characters");
    type("setup-walletLabel", "w".repeat(125));
    expect(document.getElementById("setup-walletLabel-length")?.textContent).toBe("125 of 120 characters: remove 5");
  });

  it("puts a focused summary at the top after a failed Continue, with a link to each field", async () => {
    type("setup-walletAddress", "0x123");
    (document.querySelector('button[type="submit"]') as HTMLButtonElement).click();
    await settle();
    const summary = document.getElementById("setup-error-summary");
    expect(document.activeElement).toBe(summary);
    expect(summary?.querySelector("h2")?.textContent).toBe("There are 2 problems");
    const links = [...(summary?.querySelectorAll("a") ?? [])];
    expect(links.map((a) => a.getAttribute("href"))).toEqual(["#setup-userId", "#setup-walletAddress"]);
    expect(links[0]?.textContent).toContain("Account name:");
    links[1]?.click();
    expect(document.activeElement?.id).toBe("setup-walletAddress");
    expect(calls).not.toContain("start");
  });
});
