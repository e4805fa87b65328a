import { describe, expect, it, vi } from "vitest";
import { load, parts, preloadAll } from "./lazyParts.svelte";

// A part that cannot be loaded (in the app: a script missing from the build).
vi.mock("../screens/status/StatusScreen.svelte", () => {
  throw new Error("The status screen's script is missing.");
});

describe("the parts loaded apart", () => {
  it("start empty: nothing is loaded before it is needed", () => {
    expect(Object.keys(parts)).toEqual([]);
  });

  it("settle at once for a screen in the first script, loading nothing", async () => {
    await load("setup");
    await load("loading");
    expect(Object.keys(parts)).toEqual([]);
  });

  it("load a screen when asked, once", async () => {
    const first = load("wallet");
    expect(load("wallet")).toBe(first);
    await first;
    expect(typeof parts.wallet).toBe("function");
    expect(Object.keys(parts)).toEqual(["wallet"]);
  });

  it("report a part that cannot load, and try it again when next asked", async () => {
    const first = load("status");
    await expect(first).rejects.toThrow();
    expect(parts.status).toBeUndefined();
    const again = load("status");
    expect(again, "a new attempt, not the failed one kept").not.toBe(first);
    await expect(again).rejects.toThrow();
  });

  it("all load after the first screen, except one that cannot, which does not stop the others", async () => {
    await preloadAll();
    expect(Object.keys(parts).sort()).toEqual(
      ["agreements", "fillDialog", "fillPicker", "kycForm", "settings", "signIn", "wallet"].sort(),
    );
  });
});
