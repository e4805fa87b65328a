// Wallet screen state kept while the person moves between tabs and screens (in memory only): the tab,
// the deposit being shown on the Fund tab, and the balances (read by the Balances panel, and sent by the
// core once a deposit completes). The Activity tab's filters are in `activity.svelte.ts`. Card digits are
// never kept here.

import type { BalancesView, DepositView, UiError } from "../api";

export type WalletTab = "cards" | "activity" | "fund";

export const wallet = $state({
  tab: "cards" as WalletTab,
});

export const funding = $state({
  deposit: null as DepositView | null,
  /** The route last chosen, as its `routeKey`. */
  route: "",
});

export const balances = $state({
  view: null as BalancesView | null,
  updatedAt: null as Date | null,
  /** Why the last read failed; cleared by the next one that works. */
  error: null as UiError | null,
});

/** A stable key for a deposit route. */
export function routeKey(route: { currency: string; network: string }): string {
  return `${route.currency}\u0000${route.network}`;
}
