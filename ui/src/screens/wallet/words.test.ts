// The words of this product where money is shown: the balances come from a card backed by USDC collateral
// (said beside "Credit limit" and "Balance due"), and Demo says it uses test tokens on a test network, and
// why, where a person is about to deposit.
import { clearMocks } from "@tauri-apps/api/mocks";
import { mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { app } from "../../lib/app.svelte";
import { mockCore, settle } from "../../testing/mockCore";
import BalancesPanel from "./BalancesPanel.svelte";
import FundPanel from "./FundPanel.svelte";

let component: ReturnType<typeof mount> | null = null;

beforeEach(() => {
  vi.useFakeTimers();
  document.body.innerHTML = '<div id="app"></div>';
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  app.core = null;
  clearMocks();
  vi.useRealTimers();
});

function details(): Record<string, string> {
  return Object.fromEntries(
    [...document.querySelectorAll(".details > div")].map((d) => [d.querySelector("dt")?.textContent ?? "", d.textContent ?? ""]),
  );
}

describe("balances", () => {
  it("say the credit limit is USDC collateral and the balance due is owed against it", async () => {
    mockCore({});
    app.core = { environment: "production", demo: false, apiHost: "api.machines.cash", locked: false, hasPartnerKey: true, needsPassphrase: false, userId: "ada", walletAddress: null, notes: [], signIn: null };
    component = mount(BalancesPanel, { target: document.getElementById("app")! });
    await settle();
    expect(details()["Credit limit"]).toContain("USDC collateral");
    expect(details()["Balance due"]).toContain("against your collateral");
    const backing = document.getElementById("balances-backing")?.textContent ?? "";
    expect(backing).toContain("backed by the USDC you deposit");
    expect(backing).not.toContain("test tokens");
    expect(document.querySelector(".details")?.getAttribute("aria-describedby")).toBe("balances-backing");
  });

  it("say in Demo that test tokens stand in for USDC", async () => {
    mockCore({});
    app.core = { environment: "demo", demo: true, apiHost: "", locked: false, hasPartnerKey: true, needsPassphrase: false, userId: "ada", walletAddress: null, notes: [], signIn: null };
    component = mount(BalancesPanel, { target: document.getElementById("app")! });
    await settle();
    expect(document.getElementById("balances-backing")?.textContent).toContain("In Demo, test tokens stand in for USDC.");
  });
});

describe("Fund in Demo", () => {
  it("says it uses test tokens on a test network, and why, only in Demo", async () => {
    const routes = () => [{ currency: "rusd", network: "base", label: "RUSD on Base" }];
    mockCore({ deposit_routes: routes });
    component = mount(FundPanel, { target: document.getElementById("app")!, props: { demo: true } });
    await settle();
    const note = document.getElementById("fund-demo-note")?.textContent ?? "";
    expect(note).toContain("Demo uses test tokens on a test network.");
    expect(note).toContain("without risking money");
    expect(note).toContain("never send real funds to them");

    unmount(component);
    mockCore({ deposit_routes: routes });
    component = mount(FundPanel, { target: document.getElementById("app")!, props: { demo: false } });
    await settle();
    expect(document.getElementById("fund-demo-note")).toBeNull();
  });
});
