// Short confirmations ("Card number copied — clears in 20 s"), announced politely to screen readers.

export interface Toast {
  id: number;
  text: string;
}

export const toasts = $state<Toast[]>([]);
let next = 1;

/** Shows `text` for `ms` milliseconds. Returns its id. */
export function toast(text: string, ms = 5000): number {
  const id = next++;
  toasts.push({ id, text });
  setTimeout(() => dismissToast(id), ms);
  return id;
}

export function dismissToast(id: number): void {
  const index = toasts.findIndex((t) => t.id === id);
  if (index >= 0) toasts.splice(index, 1);
}

/** Drops every toast (the app locked). */
export function clearToasts(): void {
  toasts.splice(0, toasts.length);
}
