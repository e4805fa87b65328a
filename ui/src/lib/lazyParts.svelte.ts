// The parts of the UI a first start does not show, loaded as separate scripts.
//
// Why: the page's script is parsed and run before its first screen can paint, and a first start shows
// only the set-up screen (or the lock screen). The other screens and Fill's dialogs are most of the
// script; built into one file they cost that first screen about 20 ms on a machine that paints on the
// CPU. They are loaded when first needed, and all of them right after the first screen is drawn
// (`preloadAll`), so moving between screens later waits for nothing.

import type { Component } from "svelte";
import type { Screen } from "./screens";

const loaders = {
  signIn: () => import("../screens/signin/SignInScreen.svelte"),
  kycForm: () => import("../screens/kyc/KycFormScreen.svelte"),
  status: () => import("../screens/status/StatusScreen.svelte"),
  agreements: () => import("../screens/agreements/AgreementsScreen.svelte"),
  wallet: () => import("../screens/wallet/WalletScreen.svelte"),
  settings: () => import("../screens/settings/SettingsScreen.svelte"),
  fillPicker: () => import("../screens/fill/FillPicker.svelte"),
  fillDialog: () => import("../screens/fill/FillDialog.svelte"),
};

export type LazyPart = keyof typeof loaders;
type Loaded = { [Part in LazyPart]: Awaited<ReturnType<(typeof loaders)[Part]>>["default"] };

/** The parts loaded so far, by name: the page renders a part once it is here. */
export const parts: Partial<Loaded> = $state({});

const loading = new Map<LazyPart, Promise<void>>();

function isLazy(name: string): name is LazyPart {
  return Object.hasOwn(loaders, name);
}

/**
 * Loads `name` if it is a part loaded apart (a screen that is not, such as set-up, is already here).
 * Settles once it can be rendered; a failed load is forgotten, so the next call tries again.
 */
export function load(name: LazyPart | Screen): Promise<void> {
  if (!isLazy(name) || parts[name]) return Promise.resolve();
  let pending = loading.get(name);
  if (!pending) {
    pending = loaders[name]().then(
      (module) => {
        // Each loader's module holds the part of the same name.
        (parts as Record<LazyPart, Component<never>>)[name] = module.default as Component<never>;
      },
      (error: unknown) => {
        loading.delete(name);
        throw error;
      },
    );
    loading.set(name, pending);
  }
  return pending;
}

/** Loads every part. A part that fails to load is tried again when it is needed. */
export function preloadAll(): Promise<void> {
  const names = Object.keys(loaders) as LazyPart[];
  return Promise.allSettled(names.map((name) => load(name))).then(() => {});
}
