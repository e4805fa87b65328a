// The sign-in screen as a person meets it: whose account and where the browser goes, the wait with Cancel
// and "open the page again", and each refusal in words with what to do (a busy partner's wait counted
// down on the button). Also the "Your sign-in has ended" dialog on its own.
import { clearMocks } from "@tauri-apps/api/mocks";
import { mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SignedIn, SignInView, UiError } from "../../api";
import { closeSignInEnded, signInEnded, signInFlow } from "../../lib/signIn.svelte";
import { button, calls, mockCore, settle } from "../../testing/mockCore";
import SignInAgainDialog from "./SignInAgainDialog.svelte";
import SignInScreen from "./SignInScreen.svelte";

const VIEW: SignInView = {
  partnerName: "Acme Pay",
  providerHost: "login.acme.example",
  gatewayHost: "wallet-gateway.acme.example",
  signedIn: false,
  selected: true,
};

const LINKED: SignedIn = { linked: true, stage: { stage: "kycForm" } };

function refusal(over: Partial<UiError>): UiError {
  return { code: "network", title: "x", message: "x", action: "retry", fields: [], retryAfterSeconds: null, ...over } as UiError;
}

const CANCELLED = refusal({ code: "cancelled", title: "Sign-in cancelled", message: "Sign-in was cancelled.", action: "dismiss" });

/** `sign_in` calls the test settles by hand, as the person finishing (or not) in the browser would. */
let pending: Array<{ resolve: (v: SignedIn) => void; reject: (e: UiError) => void }> = [];

function coreWithSignIn(over: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  mockCore({
    sign_in: () => new Promise((resolve, reject) => pending.push({ resolve, reject })),
    // The core ends the waiting sign-in, whose call then comes back `cancelled`.
    cancel_sign_in: () => {
      pending.shift()?.reject(CANCELLED);
      return null;
    },
    ...over,
  });
}

let components: ReturnType<typeof mount>[] = [];
const text = () => document.body.textContent ?? "";
const target = () => document.getElementById("app")!;

function showScreen() {
  const onsignedin = vi.fn<(result: SignedIn) => void>();
  components.push(mount(SignInScreen, { target: target(), props: { view: VIEW, onsignedin } }));
  return onsignedin;
}

beforeEach(() => {
  vi.useFakeTimers();
  pending = [];
  document.body.innerHTML = '<div id="app"></div>';
  closeSignInEnded();
});

afterEach(async () => {
  for (const c of components) unmount(c);
  components = [];
  // Nothing left waiting for the next test.
  for (const p of pending) p.reject(CANCELLED);
  pending = [];
  await settle();
  clearMocks();
  vi.useRealTimers();
});

describe("the sign-in screen", () => {
  it("says whose sign-in it is, where the browser goes, and that the app never sees the password", async () => {
    coreWithSignIn();
    showScreen();
    await settle();
    expect(document.querySelector("h1")?.textContent).toBe("Sign in with Acme Pay");
    expect(text()).toContain("login.acme.example");
    expect(text()).toContain("never sees your password");
    expect(button("Sign in with Acme Pay").classList.contains("primary")).toBe(true);
    expect(calls).toEqual([]);
  });

  it("waits for the browser with Cancel, and after a cancel offers the button again", async () => {
    coreWithSignIn();
    const onsignedin = showScreen();
    await settle();
    button("Sign in with Acme Pay").click();
    await settle();
    expect(calls.map(([c]) => c)).toEqual(["sign_in"]);
    const waiting = document.getElementById("signin-waiting");
    expect(waiting?.textContent?.trim()).toBe("Waiting for you to finish signing in in your browser\u2026");
    // The pressed button went away: its sentence has the focus, inside a live region.
    expect(document.activeElement).toBe(waiting);
    expect(waiting?.closest("[aria-live]")?.getAttribute("aria-live")).toBe("polite");
    expect(text()).toContain("login.acme.example");
    expect(() => button("Sign in with Acme Pay")).toThrow();

    button("Cancel").click();
    await settle();
    expect(calls.map(([c]) => c)).toEqual(["sign_in", "cancel_sign_in"]);
    expect(text()).toContain("Sign-in cancelled. Sign in when you are ready.");
    expect(text()).not.toContain("Waiting for you");
    expect(document.activeElement).toBe(button("Sign in with Acme Pay"));
    // A cancel is not an error to dismiss.
    expect(document.querySelector('[role="alert"]')).toBeNull();
    expect(onsignedin).not.toHaveBeenCalled();
  });

  it("opens the page again by cancelling the waiting sign-in and starting another; only the new one counts", async () => {
    coreWithSignIn();
    const onsignedin = showScreen();
    await settle();
    button("Sign in with Acme Pay").click();
    await settle();
    button("Open the sign-in page again").click();
    await settle();
    expect(calls.map(([c]) => c)).toEqual(["sign_in", "cancel_sign_in", "sign_in"]);
    // The first one came back cancelled, and the page still waits for the second, saying nothing of it.
    expect(text()).toContain("Waiting for you to finish signing in in your browser");
    expect(text()).not.toContain("Sign-in cancelled");
    expect(pending).toHaveLength(1);
    pending.shift()?.resolve(LINKED);
    await settle();
    expect(onsignedin).toHaveBeenCalledTimes(1);
    expect(onsignedin).toHaveBeenCalledWith(LINKED);
    expect(signInFlow.waiting).toBe(false);
  });

  it("does not take the replaced sign-in's cancel for the person's: a failure of the new one reads alone", async () => {
    coreWithSignIn();
    showScreen();
    await settle();
    button("Sign in with Acme Pay").click();
    await settle();
    button("Open the sign-in page again").click();
    await settle();
    pending.shift()?.reject(refusal({ title: "Sign-in provider unreachable", message: "Check your connection and try again." }));
    await settle();
    expect(document.querySelector('[role="alert"]')?.textContent).toContain("Sign-in provider unreachable");
    expect(text()).not.toContain("Sign-in cancelled");
  });

  it("says an unreachable provider in words, and the sign-in button (the one way to retry) starts a new one", async () => {
    coreWithSignIn();
    showScreen();
    await settle();
    button("Sign in with Acme Pay").click();
    await settle();
    pending.shift()?.reject(
      refusal({
        code: "network",
        title: "Sign-in provider unreachable",
        message: "The sign-in provider could not be reached (connection refused). Check your connection and try again.",
      }),
    );
    await settle();
    const alert = document.querySelector('[role="alert"]');
    expect(alert?.textContent).toContain("Sign-in provider unreachable");
    expect(alert?.textContent).toContain("Check your connection and try again.");
    expect(text()).not.toContain("{");
    expect(() => button("Try again")).toThrow();
    expect(document.activeElement).toBe(button("Sign in with Acme Pay"));
    button("Sign in with Acme Pay").click();
    await settle();
    expect(calls.filter(([c]) => c === "sign_in")).toHaveLength(2);
    expect(document.querySelector('[role="alert"]')).toBeNull();
    expect(text()).toContain("Waiting for you to finish signing in");
  });

  it("counts a busy partner's wait down on the button and lets it be pressed only after", async () => {
    coreWithSignIn();
    showScreen();
    await settle();
    button("Sign in with Acme Pay").click();
    await settle();
    pending.shift()?.reject(
      refusal({
        code: "rate_limited",
        title: "Acme Pay's service is busy",
        message: "Acme Pay's service is busy. Try again in 9 s.",
        retryAfterSeconds: 9,
      }),
    );
    await settle();
    expect(text()).toContain("Acme Pay's service is busy. Try again in 9 s.");
    const start = button("Sign in with Acme Pay");
    expect(start.disabled).toBe(true);
    expect(document.getElementById(start.getAttribute("aria-describedby") ?? "")?.textContent).toContain(
      "You can sign in again in 0:09.",
    );
    start.click();
    await settle();
    expect(calls.filter(([c]) => c === "sign_in")).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(5000);
    await settle();
    expect(text()).toContain("You can sign in again in 0:04.");
    await vi.advanceTimersByTimeAsync(4500);
    await settle();
    expect(button("Sign in with Acme Pay").disabled).toBe(false);
    expect(text()).not.toContain("You can sign in again");
    button("Sign in with Acme Pay").click();
    await settle();
    expect(calls.filter(([c]) => c === "sign_in")).toHaveLength(2);
  });

  it("ends a waiting sign-in when the screen goes away (Settings, the lock)", async () => {
    coreWithSignIn();
    showScreen();
    await settle();
    button("Sign in with Acme Pay").click();
    await settle();
    for (const c of components) unmount(c);
    components = [];
    await settle();
    expect(calls.map(([c]) => c)).toEqual(["sign_in", "cancel_sign_in"]);
    expect(signInFlow.waiting).toBe(false);
  });
});

describe("the sign-in-has-ended dialog", () => {
  function showDialog() {
    const onsignedin = vi.fn<(result: SignedIn) => void>();
    const onsignout = vi.fn<() => void>();
    components.push(mount(SignInAgainDialog, { target: target(), props: { view: VIEW, onsignedin, onsignout } }));
    return { onsignedin, onsignout };
  }

  it("stays closed until a refusal opens it, then offers Sign in (with the focus) and Sign out", async () => {
    coreWithSignIn();
    const { onsignedin, onsignout } = showDialog();
    await settle();
    expect(text()).not.toContain("Your sign-in has ended");
    signInEnded();
    await settle();
    const dialog = document.querySelector("dialog");
    expect(dialog?.hasAttribute("open")).toBe(true);
    expect(dialog?.textContent).toContain("Your sign-in has ended");
    expect(dialog?.textContent).toContain("what you typed on this screen stays as it is");
    expect(document.activeElement).toBe(button("Sign in with Acme Pay", dialog!));

    button("Sign in with Acme Pay", dialog!).click();
    await settle();
    expect(dialog?.textContent).toContain("Waiting for you to finish signing in in your browser");
    pending.shift()?.resolve(LINKED);
    await settle();
    expect(onsignedin).toHaveBeenCalledWith(LINKED);

    button("Sign out", dialog!).click();
    expect(onsignout).toHaveBeenCalledTimes(1);
  });

  it("Not now closes it and ends a sign-in still waiting", async () => {
    coreWithSignIn();
    showDialog();
    signInEnded();
    await settle();
    const dialog = document.querySelector("dialog")!;
    button("Sign in with Acme Pay", dialog).click();
    await settle();
    button("Not now", dialog).click();
    await settle();
    expect(signInFlow.ended).toBe(false);
    expect(dialog.hasAttribute("open")).toBe(false);
    expect(calls.map(([c]) => c)).toEqual(["sign_in", "cancel_sign_in"]);
  });
});
