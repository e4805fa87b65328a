// The deposit's status poll: a long rate limit on a timed check is waited out without a word.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DepositView, UiError } from "../../api";
import { funding } from "../../lib/wallet.svelte";
import FundPanel from "./FundPanel.svelte";

let component: ReturnType<typeof mount> | null = null;

async function settle() {
  for (let i = 0; i < 5; i++) {
    await vi.advanceTimersByTimeAsync(0);
    flushSync();
  }
}

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

beforeEach(() => {
  vi.useFakeTimers();
  document.body.innerHTML = '<div id="app"></div>';
  funding.deposit = processing;
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  funding.deposit = null;
  clearMocks();
  vi.useRealTimers();
});

describe("the deposit poll", () => {
  it("waits out a long rate limit on a timed check quietly and checks again when told", async () => {
    const answers = ["view", "busy", "view"];
    let checks = 0;
    mockIPC((cmd) => {
      if (cmd === "deposit_routes") return [];
      if (cmd === "deposit_status") {
        const answer = answers[Math.min(checks, answers.length - 1)];
        checks += 1;
        if (answer === "busy") throw busy;
        return processing;
      }
      throw { code: "internal", title: "x", message: cmd, action: "dismiss", fields: [], retryAfterSeconds: null } satisfies UiError;
    });
    const target = document.getElementById("app");
    if (!target) throw new Error("no #app");
    component = mount(FundPanel, { target, props: { demo: false, ondeposited: () => {} } });
    await settle();
    expect(checks).toBe(1);
    await vi.advanceTimersByTimeAsync(2000);
    await settle();
    expect(checks).toBe(2);
    expect(document.querySelector('[role="alert"]')).toBeNull();
    expect(document.body.textContent).toContain("Machines Cash asked us to slow down, so the next check is at");
    await vi.advanceTimersByTimeAsync(598_000);
    await settle();
    expect(checks).toBe(2);
    await vi.advanceTimersByTimeAsync(2000);
    await settle();
    expect(checks).toBe(3);
    expect(document.querySelector('[role="alert"]')).toBeNull();
    expect(document.body.textContent).toContain("Checking every 2 seconds.");
  });

  it("shows the limit when the person's own check meets it (coming back to the tab)", async () => {
    mockIPC((cmd) => {
      if (cmd === "deposit_routes") return [];
      if (cmd === "deposit_status") throw busy;
      throw { code: "internal", title: "x", message: cmd, action: "dismiss", fields: [], retryAfterSeconds: null } satisfies UiError;
    });
    const target = document.getElementById("app");
    if (!target) throw new Error("no #app");
    component = mount(FundPanel, { target, props: { demo: false, ondeposited: () => {} } });
    await settle();
    expect(document.querySelector('[role="alert"]')?.textContent).toContain("Busy — please wait");
  });
});
