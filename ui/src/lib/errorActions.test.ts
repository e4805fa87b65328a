import { describe, expect, it, vi } from "vitest";
import type { UiAction, UiError } from "../api";
import { actionLabel, effectiveAction, runAction, type ActionHandlers } from "./errorActions";

function handlers(overrides: Partial<ActionHandlers> = {}) {
  return {
    retry: vi.fn(),
    openSettings: vi.fn(),
    finishKyc: vi.fn(),
    acceptAgreements: vi.fn(),
    fixFields: vi.fn(),
    dismiss: vi.fn(),
    ...overrides,
  };
}

const error = (action: UiAction, retryAfterSeconds: number | null = null): UiError => ({
  code: "server",
  title: "T",
  message: "M",
  action,
  fields: [],
  retryAfterSeconds,
});

describe("error actions", () => {
  it("labels every action", () => {
    expect(actionLabel("retry")).toBe("Try again");
    expect(actionLabel("openSettings")).toBe("Open Settings");
    expect(actionLabel("finishKyc")).toBe("Continue verification");
    expect(actionLabel("acceptAgreements")).toBe("Review agreements");
    expect(actionLabel("fixFields")).toBe("Go to the first problem");
    expect(actionLabel("dismiss")).toBe("Dismiss");
    expect(actionLabel("somethingNew" as UiAction)).toBe("Dismiss");
  });

  it.each([
    ["retry", "retry"],
    ["openSettings", "openSettings"],
    ["finishKyc", "finishKyc"],
    ["acceptAgreements", "acceptAgreements"],
    ["fixFields", "fixFields"],
  ] as const)("runs %s through its handler", (action, handler) => {
    const h = handlers();
    expect(runAction(error(action), h)).toBe(action);
    expect(h[handler]).toHaveBeenCalledTimes(1);
    for (const other of ["retry", "openSettings", "finishKyc", "acceptAgreements", "fixFields"] as const) {
      if (other !== handler) expect(h[other]).not.toHaveBeenCalled();
    }
    // Every action but fixFields closes the banner; fixFields keeps it while the person fixes the form.
    expect(h.dismiss).toHaveBeenCalledTimes(action === "fixFields" ? 0 : 1);
  });

  it("dismiss only closes", () => {
    const h = handlers();
    expect(runAction(error("dismiss"), h)).toBe("dismiss");
    expect(h.dismiss).toHaveBeenCalledTimes(1);
    expect(h.retry).not.toHaveBeenCalled();
  });

  it("falls back to dismiss when there is nothing to retry or no fields to fix, or the action is unknown", () => {
    const h = handlers({ retry: undefined, fixFields: undefined });
    expect(effectiveAction(error("retry"), h)).toBe("dismiss");
    expect(effectiveAction(error("fixFields"), h)).toBe("dismiss");
    expect(effectiveAction(error("bogus" as UiAction), handlers())).toBe("dismiss");
    expect(runAction(error("retry"), h)).toBe("dismiss");
    expect(h.dismiss).toHaveBeenCalledTimes(1);
  });
});
