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

  it("waits out a long rate limit on its own checks quietly, and shows it on a check the person asked for", async () => {
    const view: KycView = {
      status: "pending",
      title: "Checking your details",
      message: "This usually takes a few minutes.",
      next: "wait",
      reason: null,
      verificationUrl: null,
      poll: true,
      terminal: false,
    };
    const busy = {
      code: "rate_limited",
      title: "Busy — please wait",
      message: "Machines Cash asked us to wait 600 s.",
      action: "retry",
      fields: [],
      retryAfterSeconds: 600,
    } satisfies UiError;
    const answers = ["view", "busy", "view", "busy"];
    let calls = 0;
    show(() => {
      const answer = answers[Math.min(calls, answers.length - 1)];
      calls += 1;
      if (answer === "busy") throw busy;
      return view;
    });
    await settle();
    expect(calls).toBe(1);
    // The timed check 3 s later is turned away for 10 minutes: nothing is shown, and no check is made early.
    await vi.advanceTimersByTimeAsync(3000);
    await settle();
    expect(calls).toBe(2);
    expect(document.querySelector('[role="alert"]')).toBeNull();
    expect(document.body.textContent).not.toContain("Busy");
    expect(document.body.textContent).toContain("Machines Cash asked us to slow down, so the next check is at");
    await vi.advanceTimersByTimeAsync(599_000);
    await settle();
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(calls).toBe(3);
    expect(document.body.textContent).toContain("Checking again every few seconds.");
    // The person presses "check now" and meets the limit: they are told.
    const button = [...document.querySelectorAll("button")].find((b) => b.textContent?.includes("check now"));
    button?.click();
    await settle();
    expect(calls).toBe(4);
    expect(document.querySelector('[role="alert"]')?.textContent).toContain("Busy — please wait");
  });

  it("says in words why verification stopped before the status arrives", async () => {
    app.blocked = { status: "denied", reason: "identity could not be verified" };
    show(() => {
      throw { code: "network", title: "Can't reach Machines Cash", message: "Check your connection.", action: "retry", fields: [], retryAfterSeconds: null } satisfies UiError;
    });
    await settle();
    const text = document.body.textContent ?? "";
    expect(text).toContain("Your application was declined");
    expect(text).not.toMatch(/\bdenied\b/);
    expect(stoppedSentence("LOCKED")).toContain("locked");
    expect(stoppedSentence("on_hold")).toBe("Verification has stopped for this account, so a card cannot be issued to it.");
  });
});
