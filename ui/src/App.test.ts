// A smoke test of the whole UI against a mocked core: the screens render from the commands' answers and
// hand over to each other as the journey moves on. Run in jsdom with `@tauri-apps/api/mocks`.
import { mockIPC } from "@tauri-apps/api/mocks";
import { flushSync, mount } from "svelte";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import App from "./App.svelte";
import { commands, type CardView, type DepositView, type FormDefinition, type KycView, type UiError } from "./api";
import { app } from "./lib/app.svelte";
import { preloadAll } from "./lib/lazyParts.svelte";
import { get } from "svelte/store";
import { clearKycValues, kycValues, setKycValue } from "./lib/kycValues";
import { clearToasts } from "./lib/toast.svelte";
import { funding, wallet } from "./lib/wallet.svelte";
import { endTest, send, typeInto } from "./testing/mockCore";

const FORM: FormDefinition = {
  fields: [
    { name: "firstName", label: "First name", kind: "text", required: true, minLength: 1, maxLength: 50, pattern: null, options: [], description: null, children: [], secret: false },
    { name: "nationalId", label: "National ID number", kind: "text", required: true, minLength: null, maxLength: 20, pattern: null, options: [], description: null, children: [], secret: true },
    {
      name: "address", label: "Address", kind: "group", required: true, minLength: null, maxLength: null, pattern: null, options: [], description: null, secret: false,
      children: [
        { name: "postalCode", label: "Postal code", kind: "text", required: true, minLength: 1, maxLength: 20, pattern: null, options: [], description: null, children: [], secret: false },
      ],
    },
    { name: "annualSalary", label: "Annual salary", kind: "select", required: true, minLength: null, maxLength: null, pattern: null, options: [{ value: "$50,000\u2013$99,999", label: "$50,000\u2013$99,999" }], description: null, children: [], secret: false },
  ],
};

const PENDING: KycView = { status: "pending", title: "Checking your details", message: "Wait.", next: "wait", reason: null, verificationUrl: null, poll: true, terminal: false };
const APPROVED: KycView = { ...PENDING, status: "approved", title: "Identity verified", next: "goToAgreements", poll: false, terminal: true };

const CARD: CardView = {
  cardId: "card_1", label: "Groceries", name: "Groceries", brand: "VISA", last4: "4242", masked: "\u2022\u2022\u2022\u2022 4242",
  expiry: "12/29", status: "active", statusText: "Active", canLock: true, canUnlock: false, canDelete: true, canReveal: true,
  limitText: "$25.00 per transaction", limitCents: 2500, pinned: false, listOrder: "10000000000000000card_1",
  color: null, emoji: null, memo: null, sortOrder: null, limitFrequency: "perAuthorization",
};

const DEPOSIT: DepositView = {
  id: "dep_1", status: "awaiting_deposit", statusText: "Waiting for your deposit", inProgress: true, succeeded: false, failed: false,
  awaitingAddress: false, address: "0x969A9c0fDe4a00000000000000000000000000aB", addressGroups: ["0x969A", "9c0f", "De4a"],
  networkLabel: "Base", chainId: 8453, currency: "USDC", minimumText: "1 USDC", memo: null,
  warning: "Send only USDC on Base to this address.", paymentUri: "ethereum:0x1@8453/transfer?address=0x2",
  qrSvg: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
};

let calls: Array<[string, Record<string, unknown> | undefined]> = [];
let handlers: Record<string, (args: Record<string, unknown>) => unknown> = {};

function core(over: Record<string, (args: Record<string, unknown>) => unknown>) {
  handlers = {
    app_state: () => ({ environment: "demo", demo: true, apiHost: "127.0.0.1", locked: false, hasPartnerKey: true, needsPassphrase: false, userId: null, walletAddress: null, notes: [] }),
    get_settings: () => ({ environment: { kind: "demo" }, userId: null, walletAddress: null, walletLabel: null, revealSeconds: 30, clipboardClearSeconds: 20, idleLockMinutes: 10, sessionTtlSeconds: 900, reauthMinutes: 5 }),
    activity: () => null,
    hide_card: () => null,
    ...over,
  };
  mockIPC((cmd, args) => {
    calls.push([cmd, args as Record<string, unknown> | undefined]);
    const handler = handlers[cmd];
    if (!handler) throw { code: "internal", title: "Not in this test", message: `No mock for ${cmd}.`, action: "dismiss", fields: [], retryAfterSeconds: null } satisfies UiError;
    return handler((args ?? {}) as Record<string, unknown>);
  });
}

async function settle() {
  for (let i = 0; i < 10; i++) {
    await vi.advanceTimersByTimeAsync(0);
    flushSync();
  }
}

function text() {
  return document.body.textContent ?? "";
}

function input(id: string, value: string) {
  const el = document.getElementById(id) as HTMLInputElement;
  expect(el, id).toBeTruthy();
  el.value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
}

function button(label: string): HTMLButtonElement {
  const found = [...document.querySelectorAll("button")].find((b) => b.textContent?.trim().startsWith(label));
  expect(found, `button ${label}`).toBeTruthy();
  return found as HTMLButtonElement;
}

let component: ReturnType<typeof mount> | null = null;

// The screens loaded apart are here, as they are in the app once its first screen is drawn.
beforeAll(() => preloadAll());

beforeEach(() => {
  vi.useFakeTimers();
  calls = [];
  document.body.innerHTML = '<div id="app"></div>';
  app.core = null;
  app.screen = "loading";
  app.kycView = null;
  app.blocked = null;
  app.notes = [];
  clearKycValues();
  clearToasts();
  wallet.tab = "cards";
  funding.deposit = null;
  funding.route = "";
});

afterEach(() => {
  endTest(component);
  component = null;
});

describe("the journey against a mocked core", () => {
  it("sets up, fills in the KYC form, and lands errors on dotted paths", async () => {
    core({
      start: () => ({ stage: "kycForm" }),
      kyc_form: () => FORM,
      kyc_check: () => [],
      kyc_submit: () => {
        throw { code: "validation", title: "Check the highlighted fields", message: "Some answers need correcting.", action: "fixFields", fields: [{ field: "address.postalCode", message: "Postal code is not valid." }, { field: "", message: "The application was not accepted." }], retryAfterSeconds: null } satisfies UiError;
      },
    });
    component = mount(App, { target: document.getElementById("app")! });
    await settle();
    expect(text()).toContain("Set up your wallet");
    expect(text()).toContain("DEMO");
    expect(text()).toContain("demo money only");

    input("setup-userId", "alice@example.com");
    input("setup-walletAddress", "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E");
    button("Continue").click();
    await settle();
    expect(calls.find(([c]) => c === "start")?.[1]).toEqual({ userId: "alice@example.com", walletAddress: "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E", walletLabel: null });
    expect(text()).toContain("Verify your identity");

    const national = document.getElementById("kyc-nationalId") as HTMLInputElement;
    expect(national.type).toBe("password");
    button("Show").click();
    flushSync();
    expect(national.type).toBe("text");
    // A limit is counted, never enforced by cutting what was typed.
    expect((document.getElementById("kyc-firstName") as HTMLInputElement).hasAttribute("maxlength")).toBe(false);

    input("kyc-firstName", "Ada");
    input("kyc-nationalId", "123456789");
    input("kyc-address__postalCode", "x");
    const select = document.getElementById("kyc-annualSalary") as HTMLSelectElement;
    select.selectedIndex = 1;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    button("Submit for verification").click();
    await settle();

    const submitted = calls.find(([c]) => c === "kyc_submit")?.[1];
    expect(submitted).toEqual({ values: { firstName: "Ada", nationalId: "123456789", "address.postalCode": "x", annualSalary: "$50,000\u2013$99,999" } });
    const postal = document.getElementById("kyc-address__postalCode") as HTMLInputElement;
    expect(postal.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById("kyc-address__postalCode-problem")?.textContent).toContain("Postal code is not valid.");
    expect(text()).toContain("The application was not accepted.");
    expect(text()).not.toContain("{");
  });

  it("follows the status the core sends, then accepts the agreements and opens the wallet", async () => {
    let updates: unknown = null;
    core({
      app_state: () => ({ environment: "demo", demo: true, apiHost: "", locked: false, hasPartnerKey: true, needsPassphrase: false, userId: "alice", walletAddress: "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E", notes: [] }),
      stage: () => ({ stage: "waiting" }),
      watch_kyc: (args) => {
        updates = args.onUpdate;
        return 1;
      },
      stop_watch: () => null,
      agreements: () => ({ agreements: [{ id: "a1", text: "Terms one", links: [{ label: "Read", url: "https://example.com/t" }] }, { id: "a2", text: "Terms two", links: [] }], accepted: false, acceptedAt: null }),
      accept_agreements: () => ({ agreements: [], accepted: true, acceptedAt: "2025-01-02T03:04:05Z" }),
      balances: () => ({ spendingPower: "$100.00", creditLimit: "$100.00", pendingCharges: "$0.00", postedCharges: "$0.00", balanceDue: "$0.00" }),
      cards: () => [CARD],
    });
    component = mount(App, { target: document.getElementById("app")! });
    await settle();
    expect(calls.filter(([c]) => c === "watch_kyc")).toHaveLength(1);
    send(updates, { kind: "status", view: PENDING });
    await settle();
    expect(text()).toContain("Checking your details");
    send(updates, { kind: "status", view: PENDING });
    await settle();
    send(updates, { kind: "status", view: APPROVED });
    await settle();
    expect(text()).toContain("Identity verified");
    // The page asked the core for nothing more on a timer: the core's watch does the waiting.
    await vi.advanceTimersByTimeAsync(9000);
    expect(calls.filter(([c]) => c === "kyc_status" || c === "watch_kyc")).toHaveLength(1);

    button("Continue to the agreements").click();
    await settle();
    const accept = button("Accept");
    expect(accept.disabled).toBe(true);
    const boxes = [...document.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')];
    expect(boxes).toHaveLength(2);
    boxes[0]!.click();
    flushSync();
    expect(accept.disabled).toBe(true);
    boxes[1]!.click();
    flushSync();
    expect(accept.disabled).toBe(false);
    accept.click();
    await settle();
    expect(text()).toContain("You accepted these agreements on");
    button("Continue to the wallet").click();
    await settle();
    expect(text()).toContain("$100.00");
    expect(text()).toContain("Groceries");
    expect(text()).toContain("$25.00 per transaction");
  });

  it("reveals with a countdown, hides at zero and on blur, and copies without revealing", async () => {
    core({
      app_state: () => ({ environment: "demo", demo: true, apiHost: "", locked: false, hasPartnerKey: true, needsPassphrase: false, userId: "alice", walletAddress: "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E", notes: [] }),
      stage: () => ({ stage: "wallet" }),
      balances: () => ({ spendingPower: "$100.00", creditLimit: "$100.00", pendingCharges: "$0.00", postedCharges: "$0.00", balanceDue: "$0.00" }),
      cards: () => [CARD],
      reveal_card: () => ({ cardId: "card_1", numberGroups: ["4242", "4242", "4242", "4242"], expiry: "12/29", cvc: "123", secondsLeft: 3 }),
      copy_card: () => ({ label: "Card number", clearsInSeconds: 20 }),
      delete_card: () => null,
    });
    component = mount(App, { target: document.getElementById("app")! });
    await settle();

    button("Copy number").click();
    await settle();
    expect(calls.some(([c]) => c === "reveal_card")).toBe(false);
    expect(calls.find(([c]) => c === "copy_card")?.[1]).toEqual({ id: "card_1", what: "number" });
    expect(text()).toContain("Card number copied \u2014 clears in 20 s");

    button("Reveal").click();
    await settle();
    const digits = document.querySelector('[aria-label="Card number"]');
    expect([...(digits?.querySelectorAll("span") ?? [])].map((s) => s.textContent)).toEqual(["4242", "4242", "4242", "4242"]);
    expect(text()).toContain("123");
    expect(text()).toContain("0:03");
    await vi.advanceTimersByTimeAsync(3000);
    await settle();
    expect(text()).not.toContain("123");
    expect(calls.filter(([c]) => c === "hide_card").length).toBeGreaterThanOrEqual(1);

    button("Reveal").click();
    await settle();
    expect(text()).toContain("123");
    window.dispatchEvent(new Event("blur"));
    await settle();
    expect(text()).not.toContain("123");

    button("Delete").click();
    await settle();
    expect(text()).toContain("Delete \u201cGroceries\u201d?");
    button("Delete card").click();
    await settle();
    expect(calls.find(([c]) => c === "delete_card")?.[1]).toEqual({ id: "card_1" });
  });

  it("creates a deposit, shows its address and QR code, and follows it to completion with the new balances", async () => {
    let updates: unknown = null;
    core({
      app_state: () => ({ environment: "demo", demo: true, apiHost: "", locked: false, hasPartnerKey: true, needsPassphrase: false, userId: "alice", walletAddress: "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E", notes: [] }),
      stage: () => ({ stage: "wallet" }),
      balances: () => ({ spendingPower: "$0.00", creditLimit: "$0.00", pendingCharges: "$0.00", postedCharges: "$0.00", balanceDue: "$0.00" }),
      cards: () => [],
      deposit_routes: () => [{ currency: "rusd", network: "base", label: "rUSD on Base" }],
      create_deposit: () => DEPOSIT,
      watch_deposit: (args) => {
        updates = args.onUpdate;
        return 3;
      },
      stop_watch: () => null,
      copy_deposit_address: () => null,
    });
    component = mount(App, { target: document.getElementById("app")! });
    await settle();
    button("Fund").click();
    await settle();
    button("Create deposit").click();
    await settle();
    expect(calls.find(([c]) => c === "create_deposit")?.[1]).toEqual({ currency: "rusd", network: "base" });
    expect(calls.find(([c]) => c === "watch_deposit")?.[1]?.id).toBe("dep_1");
    expect(text()).toContain("0x969A");
    expect(document.querySelector(".qr svg")).toBeTruthy();
    expect(text()).toContain("Simulate deposit");
    button("Copy address").click();
    await settle();
    expect(calls.find(([c]) => c === "copy_deposit_address")?.[1]).toEqual({ id: "dep_1" });

    // The core follows the deposit and says when it completed, then sends the new balances.
    const balancesBefore = calls.filter(([c]) => c === "balances").length;
    send(updates, { kind: "status", view: DEPOSIT });
    send(updates, { kind: "status", view: { ...DEPOSIT, status: "completed", statusText: "Completed", inProgress: false, succeeded: true, qrSvg: null, paymentUri: null } });
    send(updates, { kind: "balances", view: { spendingPower: "$50.00", creditLimit: "$50.00", pendingCharges: "$0.00", postedCharges: "$0.00", balanceDue: "$0.00" } });
    await settle();
    expect(text()).toContain("Completed");
    expect(text()).toContain("Deposit completed. Your balances are updated.");
    expect(document.querySelector(".balances .amount")?.textContent).toBe("$50.00");
    expect(calls.filter(([c]) => c === "balances").length).toBe(balancesBefore);
    // Nothing is asked on a timer afterwards.
    const asked = calls.length;
    await vi.advanceTimersByTimeAsync(60_000);
    await settle();
    // (`ui_ready` and `ui_painted` are the page's reports to the benchmarks, after a frame, not questions.)
    expect(calls.slice(asked).map(([c]) => c).filter((c) => c !== "ui_ready" && c !== "ui_painted")).toEqual([]);
  });

  it("shows the lock screen when the core says it locked itself, and asks nothing on a timer", async () => {
    let lock: unknown = null;
    core({
      app_state: () => ({ environment: "sandbox", demo: false, apiHost: "dev-api.machines.cash", locked: false, hasPartnerKey: true, needsPassphrase: false, userId: "alice", walletAddress: "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E", notes: [] }),
      stage: () => ({ stage: "wallet" }),
      balances: () => ({ spendingPower: "$1.00", creditLimit: "$1.00", pendingCharges: "$0.00", postedCharges: "$0.00", balanceDue: "$0.00" }),
      cards: () => [CARD],
      watch_lock: (args) => {
        lock = args.onChange;
        return 2;
      },
    });
    component = mount(App, { target: document.getElementById("app")! });
    await settle();
    expect(text()).toContain("Groceries");
    setKycValue("nationalId", "123456789");
    await vi.advanceTimersByTimeAsync(60_000);
    await settle();
    expect(calls.filter(([c]) => c === "app_state")).toHaveLength(1);
    // The idle timer (or the OS screen lock) fired in the core.
    send(lock, { locked: true });
    await settle();
    expect(text()).toContain("Machines Wallet is locked");
    expect(text()).not.toContain("Groceries");
    expect(get(kycValues)).toEqual({});
  });

  it("follows the transactions from the wallet on, whatever screen shows (for notifications), until a lock", async () => {
    let lock: unknown = null;
    let news: unknown = null;
    core({
      app_state: () => ({ environment: "demo", demo: true, apiHost: "127.0.0.1", locked: false, hasPartnerKey: true, needsPassphrase: false, userId: "alice", walletAddress: "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E", notes: [] }),
      stage: () => ({ stage: "wallet" }),
      balances: () => ({ spendingPower: "$1.00", creditLimit: "$1.00", pendingCharges: "$0.00", postedCharges: "$0.00", balanceDue: "$0.00" }),
      cards: () => [CARD],
      get_settings: () => ({ environment: { kind: "demo" }, userId: "alice", walletAddress: null, walletLabel: null, revealSeconds: 30, clipboardClearSeconds: 20, idleLockMinutes: 10, sessionTtlSeconds: 900, reauthMinutes: 5, notifyTransactions: true, fill: { mode: "sequence", expiryFormat: "mmYy", advance: "tab", startDelayMs: 2000, keyDelayMs: 25, shortcut: "Ctrl+Alt+F" } }),
      activity_log: () => [],
      watch_lock: (args) => {
        lock = args.onChange;
        return 2;
      },
      watch_activity: (args) => {
        news = args.onUpdate;
        return 5;
      },
      stop_watch: () => null,
    });
    component = mount(App, { target: document.getElementById("app")! });
    await settle();
    // On the Cards tab, not Activity: the core is followed anyway, in the person's time zone.
    expect(text()).toContain("Groceries");
    const started = calls.filter(([c]) => c === "watch_activity");
    expect(started).toHaveLength(1);
    expect(started[0]?.[1]?.utcOffsetMinutes).toBe(-new Date().getTimezoneOffset());

    // News of a transaction reads the balances again.
    const before = calls.filter(([c]) => c === "balances").length;
    send(news, { kind: "changed", new: [], updated: [] });
    await settle();
    expect(calls.filter(([c]) => c === "balances")).toHaveLength(before + 1);

    // Settings and back: still the same watch, not a second one.
    button("Settings").click();
    await settle();
    button("Back").click();
    await settle();
    expect(calls.filter(([c]) => c === "watch_activity")).toHaveLength(1);
    expect(calls.some(([c]) => c === "stop_watch")).toBe(false);

    send(lock, { locked: true });
    await settle();
    expect(calls.some(([c, args]) => c === "stop_watch" && args?.watch === 5)).toBe(true);
  });

  it("shows a note the core learns later (a card finished after a crash) without asking for it", async () => {
    let notes: unknown = null;
    core({
      app_state: () => ({ environment: "sandbox", demo: false, apiHost: "dev-api.machines.cash", locked: false, hasPartnerKey: true, needsPassphrase: false, userId: "alice", walletAddress: "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E", notes: [] }),
      stage: () => ({ stage: "wallet" }),
      balances: () => ({ spendingPower: "$1.00", creditLimit: "$1.00", pendingCharges: "$0.00", postedCharges: "$0.00", balanceDue: "$0.00" }),
      cards: () => [CARD],
      watch_notes: (args) => {
        notes = args.onNotes;
        return null;
      },
    });
    component = mount(App, { target: document.getElementById("app")! });
    await settle();
    expect(text()).toContain("Groceries");
    send(notes, { notes: ["A card you were creating when the app closed has been finished: ••4242"] });
    await settle();
    expect(text()).toContain("A card you were creating when the app closed has been finished: ••4242");
    expect(calls.filter(([c]) => c === "app_state")).toHaveLength(1);
  });

  it("locks: the screen is replaced and the form's values are forgotten", async () => {
    let locked = false;
    core({
      app_state: () => ({ environment: "sandbox", demo: false, apiHost: "dev-api.machines.cash", locked, hasPartnerKey: true, needsPassphrase: false, userId: "alice", walletAddress: "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E", notes: [] }),
      stage: () => ({ stage: "wallet" }),
      balances: () => ({ spendingPower: "$1.00", creditLimit: "$1.00", pendingCharges: "$0.00", postedCharges: "$0.00", balanceDue: "$0.00" }),
      cards: () => [CARD],
      lock_app: () => {
        locked = true;
        return null;
      },
      unlock_app: () => {
        locked = false;
        return null;
      },
    });
    component = mount(App, { target: document.getElementById("app")! });
    await settle();
    expect(text()).toContain("Sandbox");
    expect(text()).not.toContain("DEMO");
    setKycValue("nationalId", "123456789");
    button("Lock").click();
    await settle();
    expect(text()).toContain("Machines Wallet is locked");
    expect(text()).not.toContain("Groceries");
    expect(get(kycValues)).toEqual({});
    expect(calls.some(([c]) => c === "lock_app")).toBe(true);
    // Outside Demo the lock screen asks for the passphrase, and the core judges it.
    expect(text()).not.toContain("Demo mode has no passphrase");
    typeInto("unlock-passphrase", "correct horse battery");
    await settle();
    button("Unlock").click();
    await settle();
    expect(calls.find(([c]) => c === "unlock_app")?.[1]).toEqual({ passphrase: "correct horse battery" });
    expect(text()).toContain("Groceries");
  });
});

describe("start-up", () => {
  /** Runs pending promise callbacks without letting any timer fire: what the page holds before its first frame. */
  async function microtasks() {
    for (let i = 0; i < 30; i++) await Promise.resolve();
    flushSync();
  }

  it("mounted with the core's first answer, draws the set-up screen at once and asks only once", async () => {
    core({
      app_state: () => ({ environment: "demo", demo: true, apiHost: "", locked: false, hasPartnerKey: true, needsPassphrase: false, userId: null, walletAddress: null, notes: ["Your saved settings could not be read, so the defaults are in use."] }),
    });
    const first = commands.appState();
    await first;
    component = mount(App, { target: document.getElementById("app")!, props: { first } });
    await microtasks();
    expect(text()).toContain("Set up your wallet");
    expect(text()).not.toContain("Starting");
    expect(text()).toContain("Your saved settings could not be read");
    expect(calls.filter(([c]) => c === "app_state")).toHaveLength(1);
  });

  it("mounted while the core is still answering, says it is starting, then shows the screen", async () => {
    let answer!: () => void;
    core({ get_settings: handlers.get_settings });
    const state = handlers.app_state;
    handlers.app_state = () => new Promise((resolve) => (answer = () => resolve(state({}))));
    const first = commands.appState();
    component = mount(App, { target: document.getElementById("app")!, props: { first } });
    await microtasks();
    expect(text()).toContain("Starting\u2026");
    answer();
    await settle();
    expect(text()).toContain("Set up your wallet");
    expect(calls.filter(([c]) => c === "app_state")).toHaveLength(1);
  });

  it("a refused first answer shows what went wrong, and Try again asks the core anew", async () => {
    let asked = 0;
    core({});
    const state = handlers.app_state;
    handlers.app_state = () => {
      if (++asked === 1) {
        throw { code: "keychain", title: "The keychain is locked", message: "Unlock your keychain, then try again.", action: "retry", fields: [], retryAfterSeconds: null } satisfies UiError;
      }
      return state({});
    };
    const first = commands.appState();
    await first;
    component = mount(App, { target: document.getElementById("app")!, props: { first } });
    await settle();
    expect(text()).toContain("The keychain is locked");
    button("Try again").click();
    await settle();
    expect(asked).toBe(2);
    expect(text()).toContain("Set up your wallet");
    expect(text()).not.toContain("The keychain is locked");
  });
});
