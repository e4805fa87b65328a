// Where the keyboard focus goes when the journey moves on, so a keyboard or screen-reader user is never
// left on the page body: approval replaces the button pressed, Accept gives way to the next step, a
// deposit replaces its Create button, and every screen change lands on the new screen's heading.
import { clearMocks } from "@tauri-apps/api/mocks";
import { mount, unmount } from "svelte";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import App from "./App.svelte";
import type { DepositView, KycView } from "./api";
import { app } from "./lib/app.svelte";
import { preloadAll } from "./lib/lazyParts.svelte";
import { clearToasts } from "./lib/toast.svelte";
import { funding, wallet } from "./lib/wallet.svelte";
import { button, mockCore, settle } from "./testing/mockCore";

const PENDING: KycView = { status: "pending", title: "Checking your details", message: "Wait.", next: "wait", reason: null, verificationUrl: null, poll: true, terminal: false };
const APPROVED: KycView = { ...PENDING, status: "approved", title: "Identity verified", next: "goToAgreements", poll: false, terminal: true };

const DEPOSIT: DepositView = {
  id: "dep_1", status: "awaiting_deposit", statusText: "Waiting for your deposit", inProgress: false, succeeded: false, failed: false,
  awaitingAddress: false, address: "0x969A9c0fDe4a00000000000000000000000000aB", addressGroups: ["0x969A", "9c0f", "De4a"],
  networkLabel: "Base", chainId: 8453, currency: "USDC", minimumText: "1 USDC", memo: null,
  warning: "Send only USDC on Base to this address.", paymentUri: "ethereum:0x1@8453/transfer?address=0x2",
  qrSvg: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
};

let component: ReturnType<typeof mount> | null = null;

function focused(): string {
  const el = document.activeElement;
  if (!el || el === document.body) return "the page body";
  return `${el.tagName.toLowerCase()} "${el.textContent?.trim()}"`;
}

/** Clicks as a person does: the button takes the focus, then acts. */
async function press(label: string) {
  const b = button(label);
  b.focus();
  b.click();
  await settle();
}

// The screens loaded apart are here, as they are in the app once its first screen is drawn.
beforeAll(() => preloadAll());

beforeEach(() => {
  vi.useFakeTimers();
  document.body.innerHTML = '<div id="app"></div>';
  Object.assign(app, { core: null, screen: "loading", kycView: null, blocked: null, notes: [] });
  clearToasts();
  wallet.tab = "cards";
  funding.deposit = null;
  funding.route = "";
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  clearMocks();
  vi.useRealTimers();
});

describe("focus as the journey moves on", () => {
  it("goes to the heading on approval, to the next step after Accept, and to each new screen's heading", async () => {
    let approved = false;
    mockCore({
      stage: () => ({ stage: "waiting" }),
      kyc_status: () => (approved ? APPROVED : PENDING),
      agreements: () => ({ agreements: [{ id: "a1", text: "Terms", links: [] }], accepted: false, acceptedAt: null }),
      accept_agreements: () => ({ agreements: [], accepted: true, acceptedAt: "2025-01-02T03:04:05Z" }),
      cards: () => [],
    });
    component = mount(App, { target: document.getElementById("app")! });
    await settle();
    expect(focused()).toBe('h1 "Checking your details"');

    // The person asks again; the answer is "approved", and the button they pressed goes away.
    approved = true;
    await press("I've finished");
    expect(document.body.textContent).toContain("Identity verified");
    expect(focused()).toBe('h1 "Identity verified"');

    await press("Continue to the agreements");
    expect(focused()).toBe('h1 "Card agreements"');

    (document.querySelector('input[type="checkbox"]') as HTMLInputElement).click();
    await settle();
    await press("Accept");
    expect(focused()).toBe('button "Continue to the wallet"');

    await press("Continue to the wallet");
    expect(focused()).toBe('h1 "Wallet"');
  });

  it("goes to a new deposit's heading when its address appears", async () => {
    wallet.tab = "fund";
    mockCore({
      stage: () => ({ stage: "wallet" }),
      deposit_routes: () => [{ currency: "USDC", network: "base", label: "USDC on Base", minimumText: "1 USDC" }],
      create_deposit: () => DEPOSIT,
    });
    component = mount(App, { target: document.getElementById("app")! });
    await settle();
    await press("Create deposit");
    expect(focused()).toBe('h2 "Deposit USDC on Base"');
  });
});
