// The status screen speaks in sentences: the wire value of a KYC status never reaches the screen.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { KycView, UiError } from "../../api";
import { app } from "../../lib/app.svelte";
import { stoppedSentence } from "../../lib/kycStatus";
import StatusScreen from "./StatusScreen.svelte";

let component: ReturnType<typeof mount> | null = null;

async function settle() {
  for (let i = 0; i < 5; i++) {
    await vi.advanceTimersByTimeAsync(0);
    flushSync();
  }
}

function show(answer: () => unknown) {
  mockIPC((cmd) => {
    if (cmd === "kyc_status") return answer();
    throw { code: "internal", title: "x", message: cmd, action: "dismiss", fields: [], retryAfterSeconds: null } satisfies UiError;
  });
  const target = document.getElementById("app");
  if (!target) throw new Error("no #app");
  component = mount(StatusScreen, { target });
}

beforeEach(() => {
  vi.useFakeTimers();
  document.body.innerHTML = '<div id="app"></div>';
  app.kycView = null;
  app.blocked = null;
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  clearMocks();
  vi.useRealTimers();
});

describe("the status screen", () => {
  it("shows the core's sentence and never the wire status", async () => {
    const view: KycView = {
      status: "needs_verification",
      title: "Finish verification",
      message: "Open the verification page to upload your ID and take a selfie, then come back here.",
      next: "openVerification",
      reason: null,
      verificationUrl: "https://kyc.example/verify",
      poll: true,
      terminal: false,
    };
    show(() => view);
    await settle();
    const text = document.body.textContent ?? "";
    expect(text).toContain("Finish verification");
    expect(text).toContain("upload your ID");
    expect(text).not.toContain("needs_verification");
  });

  it("says in words why verification stopped before the status arrives", async () => {
    app.blocked = { status: "denied", reason: "identity could not be verified" };
    show(() => {
      throw { code: "offline", title: "Can't reach Machines Cash", message: "Check your connection.", action: "retry", fields: [], retryAfterSeconds: null } satisfies UiError;
    });
    await settle();
    const text = document.body.textContent ?? "";
    expect(text).toContain("Your application was declined");
    expect(text).not.toMatch(/\bdenied\b/);
    expect(stoppedSentence("LOCKED")).toContain("locked");
    expect(stoppedSentence("on_hold")).toBe("Verification has stopped for this account, so a card cannot be issued to it.");
  });
});
