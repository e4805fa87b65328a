// A mocked Rust core for component tests: each command answers from a handler, every call is recorded,
// and a command without a handler fails as the core would refuse it. Tests only; nothing imports it.
import type { Channel } from "@tauri-apps/api/core";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { flushSync, unmount, type mount } from "svelte";
import { vi } from "vitest";
import type { CardView, UiError } from "../api";
import { stopActivity } from "../lib/activityFeed.svelte";

export type Handlers = Record<string, (args: Record<string, unknown>) => unknown>;

/** One command the page called, with its arguments (`{}` when it passed none). */
export type Call = [string, Record<string, unknown>];

export const calls: Call[] = [];

/** The id the mocked core gives its KYC watch. */
const KYC_WATCH = 1;

/**
 * A signed-in person in Demo mode; `over` adds or replaces commands. A test may answer the KYC status with
 * `kyc_status`: the mocked core's KYC watch then sends that answer (or its refusal) down the page's channel
 * when the watch starts and on every "check now", as the real core's watch does.
 */
export function mockCore(over: Handlers): void {
  calls.length = 0;
  let kycChannel: unknown = null;
  const sendStatus = () => {
    const status = handlers.kyc_status;
    if (!status || !kycChannel) return;
    try {
      send(kycChannel, { kind: "status", view: status({}) });
    } catch (error) {
      send(kycChannel, { kind: "retrying", error });
    }
  };
  const handlers: Handlers = {
    watch_kyc: (args) => {
      kycChannel = args.onUpdate;
      queueMicrotask(sendStatus);
      return KYC_WATCH;
    },
    check_now: (args) => {
      if (args.watch !== KYC_WATCH) return false;
      queueMicrotask(sendStatus);
      return true;
    },
    stop_watch: () => null,
    app_state: () => ({ environment: "demo", demo: true, apiHost: "", locked: false, hasPartnerKey: true, needsPassphrase: false, userId: "alice", walletAddress: "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E", notes: [] }),
    activity: () => null,
    hide_card: () => null,
    balances: () => ({ spendingPower: "$100.00", creditLimit: "$100.00", pendingCharges: "$0.00", postedCharges: "$0.00", balanceDue: "$0.00" }),
    ...over,
  };
  mockCommands(handlers, calls);
}

/**
 * A core that knows only `handlers`, for a screen tested on its own: every call is added to `log`, and a
 * command without a handler fails as the core would refuse it.
 */
export function mockCommands(handlers: Handlers, log: Call[]): void {
  mockIPC((cmd, args) => {
    const given = (args ?? {}) as Record<string, unknown>;
    log.push([cmd, given]);
    const handler = handlers[cmd];
    if (!handler) throw { code: "internal", title: "Not in this test", message: `No mock for ${cmd}.`, action: "dismiss", fields: [], retryAfterSeconds: null } satisfies UiError;
    return handler(given);
  });
}

/** Lets promises, Svelte effects and zero-delay timers run (fake timers). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await vi.advanceTimersByTimeAsync(0);
    flushSync();
  }
}

export function button(label: string, within: ParentNode = document): HTMLButtonElement {
  const found = [...within.querySelectorAll("button")].find((b) => b.textContent?.trim().startsWith(label));
  if (!found) throw new Error(`no button "${label}"`);
  return found;
}

export function typeInto(id: string, value: string): void {
  const el = document.getElementById(id) as HTMLInputElement | null;
  if (!el) throw new Error(`no input #${id}`);
  el.value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
}

export function key(target: EventTarget, key: string, shiftKey = false): KeyboardEvent {
  const event = new KeyboardEvent("keydown", { key, shiftKey, bubbles: true, cancelable: true });
  target.dispatchEvent(event);
  return event;
}

/** A card as the core lists it; `created` orders it (a later time sorts first, as the core's listOrder). */
export function card(id: string, label: string | null, last4: string, created: number, pinned = false): CardView {
  const age = String(1e15 - 1 - created).padStart(16, "0");
  return {
    cardId: id, label, name: label ?? `VISA \u2022\u2022\u2022\u2022 ${last4}`, brand: "VISA", last4,
    masked: `\u2022\u2022\u2022\u2022 ${last4}`, expiry: "12/29", status: "active", statusText: "Active",
    canLock: true, canUnlock: false, canDelete: true, canReveal: true, limitText: null, limitCents: null,
    pinned, listOrder: `${pinned ? "0" : "1"}${age}${id}`, color: null, emoji: null, memo: null, sortOrder: null, limitFrequency: null,
  };
}

/** Sends `message` down a channel the page passed to a command (a watch's updates), as the core does. */
export function send(channel: unknown, message: unknown): void {
  (channel as Channel<unknown>).onmessage(message);
}

/** Ends a test that mounted `component` (or none): unmounts it, stops the app-wide watch of transactions
 *  (module state, which each test starts without), forgets the mocked core and gives the real timers back. */
export function endTest(component: ReturnType<typeof mount> | null): void {
  if (component) unmount(component);
  stopActivity();
  clearMocks();
  vi.useRealTimers();
}
