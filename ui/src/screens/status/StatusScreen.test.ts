// The status screen speaks in sentences: the wire value of a KYC status never reaches the screen. It
// hears the status from the core's watch and runs no timer of its own.
import { clearMocks } from "@tauri-apps/api/mocks";
import { mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { KycView, UiError } from "../../api";
import { app } from "../../lib/app.svelte";
import { stoppedSentence } from "../../lib/kycStatus";
import { mockCommands, send, settle, type Call, type Handlers } from "../../testing/mockCore";
import StatusScreen from "./StatusScreen.svelte";

let component: ReturnType<typeof mount> | null = null;
let calls: Call[] = [];
/** The channel the screen passed to `watch_kyc`. */
let updates: unknown = null;

function show(over: Handlers) {
  const handlers: Handlers = {
    watch_kyc: (args) => {
      updates = args.onUpdate;
      return 1;
    },
    stop_watch: () => null,
    ...over,
  };
  mockCommands(handlers, calls);
  const target = document.getElementById("app");
  if (!target) throw new Error("no #app");
  component = mount(StatusScreen, { target });
}

const PENDING: KycView = {
  status: "pending",
  title: "Checking your details",
  message: "This usually takes a few minutes.",
  next: "wait",
  reason: null,
  verificationUrl: null,
  poll: true,
  terminal: false,
};

beforeEach(() => {
  vi.useFakeTimers();
  document.body.innerHTML = '<div id="app"></div>';
  app.kycView = null;
  app.blocked = null;
  calls = [];
  updates = null;
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
    show({});
    await settle();
    send(updates, { kind: "status", view });
    await settle();
    const text = document.body.textContent ?? "";
    expect(text).toContain("Finish verification");
    expect(text).toContain("upload your ID");
    expect(text).not.toContain("needs_verification");
  });

  it("waits out a long rate limit on the core's own checks quietly, and shows it on a check the person asked for", async () => {
    const busy = {
      code: "rate_limited",
      title: "Busy — please wait",
      message: "Machines Cash asked us to wait 600 s.",
      action: "retry",
      fields: [],
      retryAfterSeconds: 600,
    } satisfies UiError;
    show({
      // The person's check meets the limit: the core says so.
      check_now: () => {
        queueMicrotask(() => send(updates, { kind: "retrying", error: busy }));
        return true;
      },
    });
    await settle();
    expect(calls.filter(([c]) => c === "watch_kyc")).toHaveLength(1);
    send(updates, { kind: "status", view: PENDING });
    await settle();
    expect(vi.getTimerCount()).toBe(0);
    // The core's next check is turned away for 10 minutes: nothing is shown but the note, and the page
    // asks nothing in the meantime.
    send(updates, { kind: "slowedDown", nextCheckInMs: 600_000 });
    await settle();
    expect(document.querySelector('[role="alert"]')).toBeNull();
    expect(document.body.textContent).not.toContain("Busy");
    expect(document.body.textContent).toContain("Machines Cash asked us to slow down, so the next check is at");
    await vi.advanceTimersByTimeAsync(600_000);
    await settle();
    expect(calls.map(([c]) => c)).toEqual(["watch_kyc"]);
    send(updates, { kind: "status", view: PENDING });
    await settle();
    expect(document.body.textContent).toContain("Checking again every few seconds.");
    // The person presses "check now" and meets the limit: they are told.
    const button = [...document.querySelectorAll("button")].find((b) => b.textContent?.includes("check now"));
    button?.click();
    await settle();
    expect(calls.filter(([c]) => c === "check_now")).toEqual([["check_now", { watch: 1 }]]);
    expect(document.querySelector('[role="alert"]')?.textContent).toContain("Busy — please wait");
    expect(calls.some(([c]) => c === "kyc_status")).toBe(false);
  });

  it("starts the watch again on Try again once it has ended, and stops it when the screen goes", async () => {
    show({ check_now: () => false });
    await settle();
    send(updates, { kind: "status", view: PENDING });
    send(updates, {
      kind: "stopped",
      error: { code: "network", title: "Can't reach Machines Cash", message: "Check your connection.", action: "retry", fields: [], retryAfterSeconds: null },
    });
    await settle();
    expect(document.querySelector('[role="alert"]')?.textContent).toContain("Can't reach Machines Cash");
    const retry = [...document.querySelectorAll("button")].find((b) => b.textContent?.trim() === "Try again");
    retry?.click();
    await settle();
    expect(calls.filter(([c]) => c === "watch_kyc")).toHaveLength(2);
    send(updates, { kind: "status", view: PENDING });
    await settle();
    expect(document.querySelector('[role="alert"]')).toBeNull();
    if (component) unmount(component);
    component = null;
    await settle();
    expect(calls.filter(([c]) => c === "stop_watch")).toEqual([["stop_watch", { watch: 1 }]]);
  });

  it("says in words why verification stopped before the status arrives", async () => {
    app.blocked = { status: "denied", reason: "identity could not be verified" };
    show({
      watch_kyc: () => {
        throw { code: "network", title: "Can't reach Machines Cash", message: "Check your connection.", action: "retry", fields: [], retryAfterSeconds: null } satisfies UiError;
      },
    });
    await settle();
    const text = document.body.textContent ?? "";
    expect(text).toContain("Your application was declined");
    expect(text).not.toMatch(/\bdenied\b/);
    expect(stoppedSentence("LOCKED")).toContain("locked");
    expect(stoppedSentence("on_hold")).toBe("Verification has stopped for this account, so a card cannot be issued to it.");
  });
});
