// Wallet screen state kept while the person moves between tabs and screens (in memory only): the tab
// and the deposit being shown on the Fund tab. Card digits are never kept here.

import type { DepositView } from "../api";

export type WalletTab = "cards" | "fund";

export const wallet = $state({
  tab: "cards" as WalletTab,
});

export const funding = $state({
  deposit: null as DepositView | null,
  /** The route last chosen, as its `routeKey`. */
  route: "",
});

/** A stable key for a deposit route. */
export function routeKey(route: { currency: string; network: string }): string {
  return `${route.currency}\u0000${route.network}`;
}
