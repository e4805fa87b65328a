// Fill's app-wide store, with the test playing the core's part: the channel's updates open and close the
// dialog and the picker, a cancel pressed here closes at once and the core's "Cancelled" that follows
// does not open it again, a lock leaves nothing on show, and a session that cannot type explains and
// offers Copy without asking the core to type.
import { clearMocks } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { UiError } from "../api";
import { mockCommands, send, settle, type Call } from "../testing/mockCore";
import { cancelFill, closeFill, fill, followFill, forgetFill, heard, startFill } from "./fill.svelte";
import type { FillCardLabel, FillUpdate } from "./fillCommands";

const CARD: FillCardLabel = { id: "card_1", label: "Groceries", last4: "4242" };
const ALL = { kind: "all" } as const;
const WAITING: FillUpdate = { phase: "waiting", card: CARD, scope: ALL };
const CANCELLED: FillUpdate = { phase: "stopped", card: CARD, stop: { reason: "cancelled" }, title: "Fill cancelled", message: "Nothing was typed." };

let log: Call[] = [];
let channel: unknown = null;

function core(over: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  log = [];
  mockCommands(
    {
      listen_fill: (args) => {
        channel = args.onUpdate;
        return null;
      },
      fill_availability: () => ({ available: true, reason: null, shortcut: "Ctrl+Alt+F" }),
      fill_card: () => null,
      cancel_fill: () => null,
      ...over,
    },
    log,
  );
}

beforeEach(() => {
  vi.useFakeTimers();
  forgetFill();
  fill.availability = null;
  channel = null;
});

afterEach(() => {
  clearMocks();
  vi.useRealTimers();
});

describe("the fill store", () => {
  it("follows the core's channel and learns the registered shortcut", async () => {
    core();
    await followFill();
    expect(log.map(([c]) => c)).toEqual(["listen_fill", "fill_availability"]);
    expect(fill.availability?.shortcut).toBe("Ctrl+Alt+F");
    send(channel, WAITING);
    expect(fill.shown).toEqual(WAITING);
    send(channel, { phase: "pick" });
    // A pick while a fill is armed opens the picker over it; the armed fill stays until a card is picked.
    expect(fill.picking).toBe(true);
    expect(fill.shown).toEqual(WAITING);
  });

  it("closes at once on a cancel pressed here, and the core's Cancelled does not reopen it", async () => {
    core();
    heard(WAITING);
    cancelFill();
    await settle();
    expect(fill.shown).toBeNull();
    expect(log.map(([c]) => c)).toEqual(["cancel_fill"]);
    heard(CANCELLED);
    expect(fill.shown).toBeNull();
    // A cancel that came from elsewhere (the global Escape while the browser had the focus) is shown.
    heard(WAITING);
    heard(CANCELLED);
    expect(fill.shown).toEqual(CANCELLED);
  });

  it("treats closing the dialog of a fill under way as a cancel, and of an ended one as closing", async () => {
    core();
    heard({ phase: "counting", card: CARD, scope: ALL, windowTitle: "Shop", startsInMs: 2000 });
    closeFill();
    await settle();
    expect(log.map(([c]) => c)).toEqual(["cancel_fill"]);
    heard({ phase: "typed", card: CARD, scope: ALL, windowTitle: "Shop", next: null });
    closeFill();
    await settle();
    expect(fill.shown).toBeNull();
    expect(log.map(([c]) => c)).toEqual(["cancel_fill"]);
  });

  it("leaves nothing on show when the fill stopped because the app locked", () => {
    heard(WAITING);
    heard({ phase: "stopped", card: CARD, stop: { reason: "locked" }, title: "Locked", message: "The app locked." });
    expect(fill.shown).toBeNull();
  });

  it("remembers the next field of a per-field fill for that card, and forgets it on a lock", () => {
    heard({ phase: "typed", card: CARD, scope: { kind: "one", field: "number" }, windowTitle: "Shop", next: "expiry" });
    expect(fill.next).toEqual({ card: CARD, field: "expiry" });
    heard({ phase: "typed", card: CARD, scope: { kind: "one", field: "expiry" }, windowTitle: "Shop", next: "cvc" });
    expect(fill.next?.field).toBe("cvc");
    forgetFill();
    expect(fill.next).toBeNull();
    expect(fill.shown).toBeNull();
  });

  it("asks the core to type the card and field pressed", async () => {
    core();
    await startFill("card_1", "Groceries", null);
    await startFill("card_1", "Groceries", "cvc");
    expect(log).toEqual([
      ["fill_card", { id: "card_1", field: null }],
      ["fill_card", { id: "card_1", field: "cvc" }],
    ]);
  });

  it("where the session cannot type, explains and offers Copy without asking the core to type", async () => {
    core();
    fill.availability = { available: false, reason: "This is a Wayland session without X11.", shortcut: null };
    await startFill("card_1", "Groceries", null);
    expect(log).toEqual([]);
    expect(fill.unavailable).toEqual({ cardId: "card_1", name: "Groceries", reason: "This is a Wayland session without X11." });
  });

  it("turns the core's fill_unavailable refusal into the same explanation, and throws any other", async () => {
    const refusal = (code: string): UiError =>
      ({ code, title: "No", message: `Refused: ${code}`, action: "dismiss", fields: [], retryAfterSeconds: null }) as UiError;
    core({
      fill_card: (args) => {
        throw refusal(args.field === null ? "fill_unavailable" : "not_found");
      },
    });
    await startFill("card_1", "Groceries", null);
    expect(fill.unavailable?.reason).toBe("Refused: fill_unavailable");
    await expect(startFill("card_1", "Groceries", "expiry")).rejects.toMatchObject({ ui: { code: "not_found" } });
  });
});
