// The deposit on show is followed by the core: its updates arrive down the channel the panel passed,
// a long rate limit on the core's own check is waited out without a word, and the panel runs no timer.
import { clearMocks } from "@tauri-apps/api/mocks";
import { mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DepositView, UiError } from "../../api";
import { mockCommands, send, settle, type Call, type Handlers } from "../../testing/mockCore";
import { balances, funding } from "../../lib/wallet.svelte";
import FundPanel from "./FundPanel.svelte";

let component: ReturnType<typeof mount> | null = null;
let calls: Call[] = [];
/** The channel the panel passed to `watch_deposit`. */
let updates: unknown = null;

const processing: DepositView = {
  id: "dep-00000001",
  status: "processing",
  statusText: "Funds seen; confirming",
  inProgress: true,
  succeeded: false,
  failed: false,
  awaitingAddress: false,
  address: "0x462b1ed1b62f4c282c0ea342bcefcf8f9919226e",
  addressGroups: ["0x462b", "1ed1", "b62f"],
  networkLabel: "Base",
  chainId: 8453,
  currency: "USDC",
  minimumText: null,
  memo: null,
  warning: "Send only USDC on Base.",
  paymentUri: null,
  qrSvg: null,
};

const busy = {
  code: "rate_limited",
  title: "Busy — please wait",
  message: "Machines Cash asked us to wait 600 s.",
  action: "retry",
  fields: [],
  retryAfterSeconds: 600,
} satisfies UiError;

function open(over: Handlers = {}) {
  const handlers: Handlers = {
    deposit_routes: () => [],
    watch_deposit: (args) => {
      updates = args.onUpdate;
      return 4;
    },
    stop_watch: () => null,
    ...over,
  };
  mockCommands(handlers, calls);
  const target = document.getElementById("app");
  if (!target) throw new Error("no #app");
  component = mount(FundPanel, { target, props: { demo: false } });
}

beforeEach(() => {
  vi.useFakeTimers();
  document.body.innerHTML = '<div id="app"></div>';
  funding.deposit = processing;
  balances.view = null;
  calls = [];
  updates = null;
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  funding.deposit = null;
  clearMocks();
  vi.useRealTimers();
});

describe("the deposit watch", () => {
  it("waits out a long rate limit on the core's own check quietly and goes on when told", async () => {
    open();
    await settle();
    // Coming back to the tab: the core follows the deposit on show.
    expect(calls.filter(([c]) => c === "watch_deposit")[0]?.[1].id).toBe("dep-00000001");
    send(updates, { kind: "status", view: processing });
    await settle();
    expect(vi.getTimerCount()).toBe(0);
    send(updates, { kind: "slowedDown", nextCheckInMs: 600_000 });
    await settle();
    expect(document.querySelector('[role="alert"]')).toBeNull();
    expect(document.body.textContent).toContain("Machines Cash asked us to slow down, so the next check is at");
    await vi.advanceTimersByTimeAsync(600_000);
    await settle();
    expect(calls.map(([c]) => c).sort()).toEqual(["deposit_routes", "watch_deposit"]);
    send(updates, { kind: "status", view: processing });
    await settle();
    expect(document.querySelector('[role="alert"]')).toBeNull();
    expect(document.body.textContent).toContain("Checking again every few seconds.");
  });

  it("shows the limit when the check made on coming back to the tab meets it", async () => {
    // The core's first check is the one the panel opened for: a limit there is told, not waited out.
    open({
      watch_deposit: (args) => {
        updates = args.onUpdate;
        queueMicrotask(() => send(updates, { kind: "retrying", error: busy }));
        return 4;
      },
    });
    await settle();
    expect(document.querySelector('[role="alert"]')?.textContent).toContain("Busy — please wait");
  });

  it("shows a failed check, and Try again asks the core to check at once", async () => {
    open({ check_now: () => true });
    await settle();
    send(updates, { kind: "retrying", error: busy });
    await settle();
    expect(document.querySelector('[role="alert"]')?.textContent).toContain("Busy — please wait");
    const retry = [...document.querySelectorAll("button")].find((b) => b.textContent?.trim() === "Try again");
    retry?.click();
    await settle();
    expect(calls.filter(([c]) => c === "check_now")).toEqual([["check_now", { watch: 4 }]]);
  });

  it("says the deposit completed, hands the balances the core sent to the wallet, and stops with the panel", async () => {
    open();
    await settle();
    send(updates, { kind: "status", view: { ...processing, status: "completed", statusText: "Completed", inProgress: false, succeeded: true } });
    send(updates, { kind: "balances", view: { spendingPower: "$50.00", creditLimit: "$50.00", pendingCharges: "$0.00", postedCharges: "$0.00", balanceDue: "$0.00" } });
    await settle();
    expect(document.body.textContent).toContain("Completed");
    expect(balances.view?.spendingPower).toBe("$50.00");
    if (component) unmount(component);
    component = null;
    await settle();
    expect(calls.filter(([c]) => c === "stop_watch")).toEqual([["stop_watch", { watch: 4 }]]);
  });
});
