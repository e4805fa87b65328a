// The KYC form's values, in a module store: they survive moving between screens but not a restart, and
// are never written anywhere (no localStorage, no sessionStorage, no file). They include a national id,
// so they are also dropped when the app locks.

import { get, writable } from "svelte/store";
import { emptyMap, type FormValues } from "./formValues";

export const kycValues = writable<FormValues>(emptyMap());

/** Sets one value by dotted path. */
export function setKycValue(path: string, value: string): void {
  kycValues.update((values) => Object.assign(emptyMap<string>(), values, { [path]: value }));
}

/** The current values (a copy). */
export function currentKycValues(): FormValues {
  return Object.assign(emptyMap<string>(), get(kycValues));
}

/** Forgets everything typed. */
export function clearKycValues(): void {
  kycValues.set(emptyMap());
}
