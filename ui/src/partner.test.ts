// Partner sign-in through the whole UI against a mocked core: the first screen (after the passphrase),
// the set-up that asks for the wallet only, the "Your sign-in has ended" dialog over a screen that keeps
// what was typed, sign-out with its question, and the connection kind in Settings.
import { clearMocks } from "@tauri-apps/api/mocks";
import { mount, unmount } from "svelte";
import { get } from "svelte/store";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import App from "./App.svelte";
import type { AppStateView, CardView, FormDefinition, Settings, SignedIn, SignInView, UiError } from "./api";
import { app } from "./lib/app.svelte";
import { preloadAll } from "./lib/lazyParts.svelte";
import { clearKycValues, kycValues } from "./lib/kycValues";
import { closeSignInEnded } from "./lib/signIn.svelte";
import { clearToasts } from "./lib/toast.svelte";
import { funding, wallet } from "./lib/wallet.svelte";
import { button, calls, card, mockCore, send, settle, typeInto, type Handlers } from "./testing/mockCore";

const WALLET = "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E";

const SIGN_IN: SignInView = {
  partnerName: "Acme Pay",
  providerHost: "login.acme.example",
  gatewayHost: "wallet-gateway.acme.example",
  signedIn: false,
  selected: true,
};

/** Partner sign-in chosen; `signedIn` and the linked user as the test says. */
function partnerState(signedIn: boolean, linked: boolean, over: Partial<AppStateView> = {}): AppStateView {
  return {
    environment: "partner",
    demo: false,
    apiHost: "127.0.0.1",
    locked: false,
    hasPartnerKey: false,
    needsPassphrase: false,
    userId: linked ? "gw_7f3a" : null,
    walletAddress: linked ? WALLET : null,
    notes: [],
    signIn: { ...SIGN_IN, signedIn },
    ...over,
  };
}

const SETTINGS: Settings = {
  environment: { kind: "partner" },
  userId: null,
  walletAddress: null,
  walletLabel: null,
  revealSeconds: 30,
  clipboardClearSeconds: 20,
  idleLockMinutes: 10,
  sessionTtlSeconds: 900,
  reauthMinutes: 5,
  notifyTransactions: true,
  fill: { mode: "sequence", expiryFormat: "mmYy", advance: "tab", startDelayMs: 2000, keyDelayMs: 25, shortcut: "Ctrl+Alt+F" },
};

const FORM: FormDefinition = {
  fields: [
    { name: "firstName", label: "First name", kind: "text", required: true, minLength: 1, maxLength: 50, pattern: null, options: [], description: null, children: [], secret: false },
    { name: "nationalId", label: "National ID number", kind: "text", required: true, minLength: null, maxLength: 20, pattern: null, options: [], description: null, children: [], secret: true },
  ],
};

const ENDED: UiError = {
  code: "sign_in_again",
  title: "Sign in again",
  message: "The sign-in has ended. Sign in again to continue.",
  action: "retry",
  fields: [],
  retryAfterSeconds: null,
};

const GROCERIES: CardView = card("card_1", "Groceries", "4242", 1);

let component: ReturnType<typeof mount> | null = null;
const text = () => document.body.textContent ?? "";

function start(handlers: Handlers) {
  mockCore({ get_settings: () => SETTINGS, ...handlers });
  component = mount(App, { target: document.getElementById("app")! });
}

// The screens loaded apart are here, as they are in the app once its first screen is drawn.
beforeAll(() => preloadAll());

beforeEach(() => {
  vi.useFakeTimers();
  document.body.innerHTML = '<div id="app"></div>';
  app.core = null;
  app.screen = "loading";
  app.kycView = null;
  app.blocked = null;
  app.notes = [];
  clearKycValues();
  clearToasts();
  closeSignInEnded();
  wallet.tab = "cards";
  funding.deposit = null;
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  clearMocks();
  vi.useRealTimers();
});

describe("the first screen with Partner sign-in", () => {
  it("asks for the unlock passphrase first, then offers the sign-in", async () => {
    let state = partnerState(false, false, { needsPassphrase: true });
    start({
      app_state: () => state,
      check_passphrase: () => ({ acceptable: true, strength: 4, message: "Strong." }),
      set_passphrase: () => {
        state = partnerState(false, false);
        return null;
      },
    });
    await settle();
    expect(text()).toContain("Set an unlock passphrase");
    expect(text()).not.toContain("Sign in with Acme Pay");

    typeInto("new-passphrase", "four unrelated words here");
    typeInto("confirm-passphrase", "four unrelated words here");
    await settle();
    button("Set passphrase").click();
    await settle();
    expect(document.querySelector("main h1")?.textContent).toBe("Sign in with Acme Pay");
    expect(document.activeElement).toBe(document.querySelector("main h1"));
    expect(calls.some(([c]) => c === "stage" || c === "start")).toBe(false);
  });

  it("signs in, asks only for the wallet, links it through the partner and enters the journey", async () => {
    let state = partnerState(false, false);
    start({
      app_state: () => state,
      sign_in: (): SignedIn => {
        state = partnerState(true, false);
        return { linked: false, stage: null };
      },
      link_wallet: () => ({ stage: "kycForm" }),
      kyc_form: () => FORM,
      kyc_check: () => [],
    });
    await settle();
    expect(text()).toContain("Sign in with Acme Pay");
    // Nobody is signed in yet: nothing to sign out of.
    expect(() => button("Sign out", document.querySelector("header")!)).toThrow();
    button("Sign in with Acme Pay").click();
    await settle();

    expect(document.querySelector("main h1")?.textContent).toBe("Set up your wallet");
    expect(text()).toContain("Signed in with Acme Pay");
    expect(document.getElementById("setup-userId")).toBeNull();
    expect(text()).not.toContain("Account name");
    expect(text()).not.toContain("partner key");
    // The header names the partner and offers Sign out.
    expect(document.querySelector("header")?.textContent).toContain("Acme Pay");
    expect(button("Sign out", document.querySelector("header")!)).toBeTruthy();

    button("Continue").click();
    await settle();
    expect(text()).toContain("Wallet address: Enter the address as 0x followed by 40 hexadecimal characters.");
    expect(calls.some(([c]) => c === "link_wallet")).toBe(false);

    typeInto("setup-walletAddress", WALLET);
    typeInto("setup-walletLabel", "Main wallet");
    await settle();
    button("Continue").click();
    await settle();
    expect(calls.find(([c]) => c === "link_wallet")?.[1]).toEqual({ walletAddress: WALLET, walletLabel: "Main wallet" });
    expect(calls.some(([c]) => c === "start")).toBe(false);
    expect(text()).toContain("Verify your identity");
  });

  it("takes a person whose wallet is already linked straight to where their journey stands", async () => {
    let state = partnerState(false, false);
    start({
      app_state: () => state,
      sign_in: (): SignedIn => {
        state = partnerState(true, true);
        return { linked: true, stage: { stage: "agreements" } };
      },
      agreements: () => ({ agreements: [{ id: "a1", text: "Terms one", links: [] }], accepted: false, acceptedAt: null }),
    });
    await settle();
    button("Sign in with Acme Pay").click();
    await settle();
    expect(text()).toContain("Terms one");
    expect(calls.some(([c]) => c === "link_wallet" || c === "start")).toBe(false);
    // The gateway's user id is not a name the person chose: the header does not show it.
    expect(document.querySelector("header")?.textContent).not.toContain("gw_7f3a");
  });

  it("goes to the sign-in screen when the stored sign-in is refused at start", async () => {
    let state = partnerState(true, true);
    start({
      app_state: () => state,
      stage: () => {
        state = partnerState(false, true);
        throw ENDED;
      },
    });
    await settle();
    expect(document.querySelector("main h1")?.textContent).toBe("Sign in with Acme Pay");
    expect(document.querySelector("dialog[open]")).toBeNull();
    expect(document.querySelector('[role="alert"]')).toBeNull();
  });

  it("goes to the wallet set-up when the partner has no wallet linked, never to the account-name set-up", async () => {
    start({
      app_state: () => partnerState(true, true),
      stage: () => {
        throw { code: "not_linked", title: "Account not linked", message: "Your account has no wallet linked yet.", action: "dismiss", fields: [], retryAfterSeconds: null } satisfies UiError;
      },
    });
    await settle();
    expect(document.querySelector("main h1")?.textContent).toBe("Set up your wallet");
    expect(document.getElementById("setup-userId")).toBeNull();
    expect(calls.some(([c]) => c === "start")).toBe(false);
  });
});

describe("a sign-in that ends while the app is in use", () => {
  it("opens the dialog over the KYC form, which keeps what was typed, and the submit works after signing in", async () => {
    let submits = 0;
    start({
      app_state: () => partnerState(true, true),
      stage: () => ({ stage: "kycForm" }),
      kyc_form: () => FORM,
      kyc_check: () => [],
      kyc_submit: () => {
        if (++submits === 1) throw ENDED;
        return { status: "pending", title: "Checking your details", message: "Wait.", next: "wait", reason: null, verificationUrl: null, poll: true, terminal: false };
      },
      sign_in: (): SignedIn => ({ linked: true, stage: { stage: "kycForm" } }),
    });
    await settle();
    typeInto("kyc-firstName", "Ada");
    typeInto("kyc-nationalId", "123456789");
    await settle();
    const firstName = document.getElementById("kyc-firstName");
    button("Submit for verification").click();
    await settle();

    const dialog = document.querySelector("dialog[open]");
    expect(dialog?.textContent).toContain("Your sign-in has ended");
    // The form is still there behind it, with what was typed.
    expect(document.getElementById("kyc-firstName")).toBe(firstName);
    expect((document.getElementById("kyc-nationalId") as HTMLInputElement).value).toBe("123456789");

    button("Sign in with Acme Pay", dialog!).click();
    await settle();
    expect(document.querySelector("dialog[open]")).toBeNull();
    expect(document.getElementById("kyc-firstName")).toBe(firstName);
    expect((document.getElementById("kyc-firstName") as HTMLInputElement).value).toBe("Ada");
    expect(get(kycValues)).toMatchObject({ firstName: "Ada", nationalId: "123456789" });
    // The screen's own "Sign in again" message went once the person had signed in.
    expect(text()).not.toContain("The sign-in has ended");
    expect(text()).toContain("Signed in again. Carry on where you left off.");

    button("Submit for verification").click();
    await settle();
    expect(calls.filter(([c]) => c === "kyc_submit").map(([, args]) => args)).toEqual([
      { values: { firstName: "Ada", nationalId: "123456789" } },
      { values: { firstName: "Ada", nationalId: "123456789" } },
    ]);
    expect(text()).toContain("Checking your details");
  });

  it("keeps the form of a person who linked their wallet in this session when they sign in again", async () => {
    let state = partnerState(true, false);
    start({
      app_state: () => state,
      link_wallet: () => {
        state = partnerState(true, true);
        return { stage: "kycForm" };
      },
      kyc_form: () => FORM,
      kyc_check: () => [],
      kyc_submit: () => {
        throw ENDED;
      },
      sign_in: (): SignedIn => ({ linked: true, stage: { stage: "kycForm" } }),
    });
    await settle();
    typeInto("setup-walletAddress", WALLET);
    await settle();
    button("Continue").click();
    await settle();
    typeInto("kyc-firstName", "Ada");
    await settle();
    const firstName = document.getElementById("kyc-firstName");
    button("Submit for verification").click();
    await settle();
    button("Sign in with Acme Pay", document.querySelector("dialog[open]")!).click();
    await settle();
    expect(document.getElementById("kyc-firstName")).toBe(firstName);
    expect((firstName as HTMLInputElement).value).toBe("Ada");
    expect(text()).toContain("Signed in again. Carry on where you left off.");
  });

  it("opens the dialog when a watch meets it too (the KYC status)", async () => {
    let updates: unknown = null;
    start({
      app_state: () => partnerState(true, true),
      stage: () => ({ stage: "waiting" }),
      watch_kyc: (args) => {
        updates = args.onUpdate;
        return 1;
      },
    });
    await settle();
    expect(document.querySelector("dialog[open]")).toBeNull();
    send(updates, { kind: "stopped", error: ENDED });
    await settle();
    expect(document.querySelector("dialog[open]")?.textContent).toContain("Your sign-in has ended");
  });

  it("starts over for someone else who signs in from the dialog", async () => {
    let state = partnerState(true, true);
    start({
      app_state: () => state,
      stage: () => ({ stage: "kycForm" }),
      kyc_form: () => FORM,
      kyc_check: () => [],
      kyc_submit: () => {
        throw ENDED;
      },
      sign_in: (): SignedIn => {
        state = partnerState(true, true, { userId: "gw_other" });
        return { linked: true, stage: { stage: "agreements" } };
      },
      agreements: () => ({ agreements: [{ id: "a1", text: "Terms one", links: [] }], accepted: false, acceptedAt: null }),
    });
    await settle();
    typeInto("kyc-nationalId", "123456789");
    await settle();
    button("Submit for verification").click();
    await settle();
    button("Sign in with Acme Pay", document.querySelector("dialog[open]")!).click();
    await settle();
    expect(text()).toContain("Terms one");
    expect(get(kycValues)).toEqual({});
  });
});

describe("signing out", () => {
  it("asks first, saying what it does, then forgets the journey and shows the sign-in screen", async () => {
    let state = partnerState(true, true);
    start({
      app_state: () => state,
      stage: () => ({ stage: "wallet" }),
      cards: () => [GROCERIES],
      sign_out: () => {
        state = partnerState(false, false);
        return null;
      },
    });
    await settle();
    expect(text()).toContain("Groceries");
    const header = document.querySelector("header")!;
    button("Sign out", header).click();
    await settle();
    const dialog = document.querySelector("dialog[open]")!;
    expect(dialog.textContent).toContain("Sign out?");
    expect(dialog.textContent).toContain("forgets your Acme Pay sign-in on this computer");
    expect(dialog.textContent).toContain("hides any card details on show");
    expect(dialog.textContent).toContain("clears a card detail you copied");
    // The safe choice has the focus.
    expect(document.activeElement).toBe(button("Cancel", dialog));
    button("Cancel", dialog).click();
    await settle();
    expect(calls.some(([c]) => c === "sign_out")).toBe(false);
    expect(text()).toContain("Groceries");

    button("Sign out", header).click();
    await settle();
    button("Sign out", document.querySelector("dialog[open]")!).click();
    await settle();
    expect(calls.filter(([c]) => c === "sign_out")).toHaveLength(1);
    expect(document.querySelector("main h1")?.textContent).toBe("Sign in with Acme Pay");
    expect(text()).not.toContain("Groceries");
    expect(() => button("Sign out", header)).toThrow();
  });

  it("forgets the wallet typed on set-up, for whoever signs in next", async () => {
    let state = partnerState(true, false);
    start({
      app_state: () => state,
      sign_out: () => {
        state = partnerState(false, false);
        return null;
      },
      sign_in: (): SignedIn => {
        state = partnerState(true, false);
        return { linked: false, stage: null };
      },
    });
    await settle();
    typeInto("setup-walletAddress", WALLET);
    await settle();
    button("Sign out", document.querySelector("header")!).click();
    await settle();
    button("Sign out", document.querySelector("dialog[open]")!).click();
    await settle();
    button("Sign in with Acme Pay").click();
    await settle();
    expect(document.querySelector("main h1")?.textContent).toBe("Set up your wallet");
    expect((document.getElementById("setup-walletAddress") as HTMLInputElement).value).toBe("");
  });
});

describe("Settings", () => {
  it("offers Partner sign-in with the partner's name only when the app has its settings file", async () => {
    start({
      app_state: () => ({ ...partnerState(false, false), environment: "demo", demo: true, signIn: null }),
      get_settings: () => ({ ...SETTINGS, environment: { kind: "demo" } }),
    });
    await settle();
    button("Settings").click();
    await settle();
    expect(text()).toContain("Demo");
    expect(text()).not.toContain("Partner sign-in");
  });

  it("saves Partner sign-in as the connection, and the sign-in screen follows", async () => {
    let state: AppStateView = { ...partnerState(false, false), environment: "demo", demo: true, signIn: { ...SIGN_IN, selected: false } };
    start({
      app_state: () => state,
      get_settings: () => ({ ...SETTINGS, environment: { kind: "demo" } }),
      save_settings: (args) => {
        state = partnerState(false, false);
        return (args as { settings: Settings }).settings;
      },
    });
    await settle();
    button("Settings").click();
    await settle();
    const choice = [...document.querySelectorAll<HTMLLabelElement>("label.choice")].find((l) =>
      l.textContent?.includes("Partner sign-in (Acme Pay)"),
    );
    expect(choice?.textContent).toContain("No partner key is kept on this computer");
    (choice?.querySelector("input") as HTMLInputElement).click();
    await settle();
    button("Save settings").click();
    await settle();
    expect((calls.find(([c]) => c === "save_settings")?.[1] as { settings: Settings }).settings.environment).toEqual({ kind: "partner" });
    expect(document.querySelector("main h1")?.textContent).toBe("Sign in with Acme Pay");
  });
});
