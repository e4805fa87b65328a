import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { asUiError, call, commands, onLockedError, UiFailure, unwrap, type ErrorCode, type UiError } from "../api";

const FIELD_ERROR: UiError = {
  code: "validation",
  title: "Check the highlighted fields",
  message: "Some answers need correcting.",
  action: "fixFields",
  fields: [{ field: "address.postalCode", message: "is required" }],
  retryAfterSeconds: null,
};

afterEach(() => {
  clearMocks();
  onLockedError(null);
});

describe("unwrap", () => {
  it("gives the data of an ok result and throws the UiError of a refusal", () => {
    expect(unwrap({ status: "ok", data: 42 })).toBe(42);
    try {
      unwrap({ status: "error", error: FIELD_ERROR });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UiFailure);
      expect((e as UiFailure).ui).toEqual(FIELD_ERROR);
    }
  });
});

describe("call, through the generated bindings and a mocked core", () => {
  it("passes arguments under their camelCase names and returns the data", async () => {
    const seen: Array<[string, unknown]> = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      if (cmd === "start") return { stage: "kycForm" };
      if (cmd === "copy_card") return { label: "Card number", clearsInSeconds: 20 };
      return null;
    });
    await expect(call(commands.start("alice", "0xabc", null))).resolves.toEqual({ stage: "kycForm" });
    await expect(call(commands.copyCard("card_1", "number"))).resolves.toEqual({
      label: "Card number",
      clearsInSeconds: 20,
    });
    expect(seen).toEqual([
      ["start", { userId: "alice", walletAddress: "0xabc", walletLabel: null }],
      ["copy_card", { id: "card_1", what: "number" }],
    ]);
  });

  it("turns the core's refusal into a UiFailure carrying the UiError, field errors included", async () => {
    mockIPC(() => {
      throw FIELD_ERROR;
    });
    const failure = await call(commands.kycSubmit({ "address.line1": "x" })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UiFailure);
    expect(asUiError(failure)).toEqual(FIELD_ERROR);
  });

  it("never shows raw JSON or a stack: unknown failures become a plain sentence", async () => {
    mockIPC(() => {
      throw { weird: { nested: true } };
    });
    const ui = asUiError(await call(commands.balances()).catch((e: unknown) => e));
    expect(ui.code).toBe("internal");
    expect(ui.message).not.toContain("{");
    expect(ui.action).toBe("retry");
    expect(asUiError("plain string from somewhere").title).toBe("Something went wrong");
    expect(asUiError(new Error("boom at line 3")).message).not.toContain("boom");
  });

  it("keeps a UiError's words but repairs an unknown code or action and bad field entries", () => {
    const ui = asUiError({ code: "x", title: "T", message: "M", action: "launchRockets", fields: [1, { field: "a", message: "b" }] });
    expect(ui.code).toBe("internal");
    expect(ui.action).toBe("dismiss");
    expect(ui.fields).toEqual([{ field: "a", message: "b" }]);
    expect(ui.retryAfterSeconds).toBeNull();
  });

  it("knows only the core's error codes, in the type as at run time", () => {
    // @ts-expect-error "nonsense" is no ErrorCode; were the bindings' code ever a plain string again, this
    // directive would be unused and `npm run check` would fail.
    const unknown: ErrorCode = "nonsense";
    expect(asUiError({ ...FIELD_ERROR, code: unknown }).code).toBe("internal");
    expect(asUiError({ ...FIELD_ERROR, code: "reauth_needed" }).code).toBe("reauth_needed");
  });

  it("tells the app when the core refused because it is locked", async () => {
    const locked = vi.fn();
    onLockedError(locked);
    mockIPC(() => {
      throw { ...FIELD_ERROR, code: "locked", title: "Locked", message: "Machines Wallet is locked.", action: "dismiss", fields: [] };
    });
    await call(commands.cards()).catch(() => {});
    expect(locked).toHaveBeenCalledTimes(1);
  });

  it("passes infallible commands' values through unchanged", async () => {
    mockIPC(() => undefined);
    await expect(call(commands.hideCard())).resolves.toBeUndefined();
  });
});
