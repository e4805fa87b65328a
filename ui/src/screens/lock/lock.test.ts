// A person behind every unlock and reveal, as the page shows it: the set-passphrase screen (the core's
// strength feedback, the confirmation), the lock screen outside Demo (the passphrase, a wrong one's wait,
// the reset that forgets the partner key) and in Demo (no passphrase, said so), and the re-auth dialog a
// reveal opens when the core asks for the passphrase again.
import { clearMocks } from "@tauri-apps/api/mocks";
import { mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppStateView, UiError } from "../../api";
import { clearToasts } from "../../lib/toast.svelte";
import { button, calls, card, mockCore, settle, typeInto } from "../../testing/mockCore";
import CardsPanel from "../wallet/CardsPanel.svelte";
import LockScreen from "./LockScreen.svelte";
import ReauthDialog from "./ReauthDialog.svelte";

const SANDBOX: AppStateView = {
  environment: "sandbox",
  demo: false,
  apiHost: "sandbox.machines.cash",
  locked: true,
  hasPartnerKey: true,
  needsPassphrase: false,
  userId: "alice",
  walletAddress: null,
  notes: [],
  signIn: null,
};

/** Partner sign-in chosen, signed in, locked. */
const PARTNER: AppStateView = {
  ...SANDBOX,
  environment: "partner",
  signIn: { partnerName: "Acme Pay", providerHost: "login.acme.example", gatewayHost: "wallet-gateway.acme.example", signedIn: true, selected: true },
};

function refusal(code: string, message: string, retryAfterSeconds: number | null = null): UiError {
  return { code, title: "Refused", message, action: "retry", fields: [], retryAfterSeconds } as UiError;
}

let components: ReturnType<typeof mount>[] = [];
const text = () => document.body.textContent ?? "";

function show(core: AppStateView, onunlocked = vi.fn(), onreset = vi.fn()) {
  components.push(mount(LockScreen, { target: document.getElementById("app")!, props: { core, onunlocked, onreset } }));
  return { onunlocked, onreset };
}

beforeEach(() => {
  vi.useFakeTimers();
  document.body.innerHTML = '<div id="app"></div><div id="dialogs"></div>';
  clearToasts();
});

afterEach(() => {
  for (const c of components) unmount(c);
  components = [];
  clearMocks();
  vi.useRealTimers();
});

describe("setting the passphrase on first use", () => {
  it("with Partner sign-in, says a forgotten passphrase means signing in again, not a partner key", async () => {
    mockCore({ check_passphrase: () => ({ acceptable: true, strength: 4, message: "Strong." }) });
    show({ ...PARTNER, locked: false, needsPassphrase: true, signIn: { ...PARTNER.signIn!, signedIn: false } });
    await settle();
    expect(text()).toContain("which also signs you out of Acme Pay on this computer: you then sign in again");
    expect(text()).not.toContain("partner key");
  });

  it("shows the core's strength as it is typed and refuses a weak one or a mismatch before asking the core", async () => {
    mockCore({
      check_passphrase: ({ candidate }) =>
        candidate === "123456"
          ? { acceptable: false, strength: 0, message: "A simple run is too easy to guess." }
          : { acceptable: true, strength: 4, message: "Strong." },
      set_passphrase: () => null,
    });
    const { onunlocked } = show({ ...SANDBOX, locked: false, needsPassphrase: true });
    await settle();
    expect(text()).toContain("Set an unlock passphrase");
    expect(text()).toContain("forgets your partner key");

    typeInto("new-passphrase", "123456");
    await settle();
    expect(text()).toContain("Too weak. A simple run is too easy to guess.");
    button("Set passphrase").click();
    await settle();
    expect(calls.some(([c]) => c === "set_passphrase")).toBe(false);

    typeInto("new-passphrase", "four unrelated words here");
    typeInto("confirm-passphrase", "four unrelated words");
    await settle();
    expect(text()).toContain("Strong.");
    expect(text()).toContain("The two entries differ.");
    expect(document.querySelectorAll(".bar.on")).toHaveLength(4);
    button("Set passphrase").click();
    await settle();
    expect(calls.some(([c]) => c === "set_passphrase")).toBe(false);

    typeInto("confirm-passphrase", "four unrelated words here");
    await settle();
    button("Set passphrase").click();
    await settle();
    const sent = calls.find(([c]) => c === "set_passphrase")?.[1];
    expect(sent).toEqual({ passphrase: "four unrelated words here", confirmation: "four unrelated words here" });
    expect(onunlocked).toHaveBeenCalledOnce();
  });
});

describe("the lock screen", () => {
  it("outside Demo asks for the passphrase and shows a wrong one's wait, then unlocks with the right one", async () => {
    let tries = 0;
    mockCore({
      unlock_app: ({ passphrase }) => {
        tries++;
        if (passphrase !== "correct horse battery")
          throw refusal("wrong_passphrase", "That is not the passphrase. Try again in 1 second.", 1);
        return null;
      },
    });
    const { onunlocked } = show(SANDBOX);
    await settle();
    expect(text()).not.toContain("Demo mode has no passphrase");
    expect(button("Unlock").disabled).toBe(true);

    typeInto("unlock-passphrase", "correct horse batterz");
    await settle();
    button("Unlock").click();
    await settle();
    expect(text()).toContain("That is not the passphrase. Try again in 1 second.");
    expect((document.getElementById("unlock-passphrase") as HTMLInputElement).value).toBe("");
    expect(onunlocked).not.toHaveBeenCalled();

    typeInto("unlock-passphrase", "correct horse battery");
    await settle();
    button("Unlock").click();
    await settle();
    expect(tries).toBe(2);
    expect(onunlocked).toHaveBeenCalledOnce();
  });

  it("offers a reset that says it forgets the partner key, and asks first", async () => {
    mockCore({ reset_passphrase: () => null });
    const { onreset } = show(SANDBOX);
    await settle();
    expect(text()).toContain("This also forgets your partner key");
    button("Reset the passphrase").click();
    await settle();
    expect(text()).toContain("Your saved partner keys are forgotten with it");
    expect(calls.some(([c]) => c === "reset_passphrase")).toBe(false);
    button("Forget key and reset").click();
    await settle();
    expect(calls.some(([c]) => c === "reset_passphrase")).toBe(true);
    expect(onreset).toHaveBeenCalledOnce();
  });

  it("with Partner sign-in, says a reset signs out, and signs out before the passphrase is reset", async () => {
    mockCore({ sign_out: () => null, reset_passphrase: () => null });
    const { onreset } = show(PARTNER);
    await settle();
    expect(text()).toContain("This also signs you out of Acme Pay on this computer");
    expect(text()).not.toContain("partner key");
    button("Reset the passphrase").click();
    await settle();
    expect(text()).toContain("You are signed out of Acme Pay on this computer with it");
    expect(calls).toEqual([]);
    button("Sign out and reset").click();
    await settle();
    // Whoever resets it does not find the person still signed in.
    expect(calls.map(([c]) => c)).toEqual(["sign_out", "reset_passphrase"]);
    expect(onreset).toHaveBeenCalledOnce();
  });

  it("with Partner sign-in, keeps the passphrase when the sign-in cannot be ended", async () => {
    mockCore({
      sign_out: () => {
        throw refusal("keychain", "The system keychain did not answer.");
      },
      reset_passphrase: () => null,
    });
    const { onreset } = show(PARTNER);
    await settle();
    button("Reset the passphrase").click();
    await settle();
    button("Sign out and reset").click();
    await settle();
    expect(calls.map(([c]) => c)).toEqual(["sign_out"]);
    expect(text()).toContain("The system keychain did not answer.");
    expect(onreset).not.toHaveBeenCalled();
  });

  it("in Demo says there is no passphrase and unlocks with the button alone", async () => {
    mockCore({ unlock_app: () => null });
    const { onunlocked } = show({ ...SANDBOX, environment: "demo", demo: true });
    await settle();
    expect(text()).toContain("Demo mode has no passphrase");
    expect(document.getElementById("unlock-passphrase")).toBeNull();
    button("Unlock").click();
    await settle();
    expect(calls.find(([c]) => c === "unlock_app")?.[1]).toEqual({ passphrase: null });
    expect(onunlocked).toHaveBeenCalledOnce();
  });
});

describe("a reveal after the re-auth window", () => {
  it("asks for the passphrase, then reveals; cancelling shows nothing", async () => {
    let given = false;
    mockCore({
      cards: () => [card("card_1", "Travel", "4242", 1)],
      reveal_card: () => {
        if (!given) throw refusal("reauth_needed", "Enter your passphrase again to show the card's details.");
        return { cardId: "card_1", numberGroups: ["4111", "1111", "1111", "4242"], expiry: "12/29", cvc: "123", secondsLeft: 30 };
      },
      reauthenticate: ({ passphrase }) => {
        if (passphrase !== "correct horse battery") throw refusal("wrong_passphrase", "That is not the passphrase. Try again in 1 second.", 1);
        given = true;
        return null;
      },
    });
    components.push(mount(CardsPanel, { target: document.getElementById("app")! }));
    components.push(mount(ReauthDialog, { target: document.getElementById("dialogs")! }));
    await settle();

    button("Reveal").click();
    await settle();
    expect(text()).toContain("Enter your passphrase again to show the card's details.");
    const dialog = document.getElementById("reauth-title")!.closest("dialog")!;
    expect(dialog.open).toBe(true);
    button("Cancel", dialog).click();
    await settle();
    expect(dialog.open).toBe(false);
    expect(text()).not.toContain("4111");

    button("Reveal").click();
    await settle();
    typeInto("reauth-passphrase", "wrong one entirely");
    await settle();
    button("Continue").click();
    await settle();
    expect(text()).toContain("Try again in 1 second.");
    typeInto("reauth-passphrase", "correct horse battery");
    await settle();
    button("Continue").click();
    await settle();
    expect(text()).toContain("4111");
    expect(calls.filter(([c]) => c === "reveal_card")).toHaveLength(3);
  });
});
