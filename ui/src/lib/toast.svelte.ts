// Short confirmations ("Card number copied — clears in 20 s"), announced politely to screen readers.
// At most a few at once, and never the same words twice: a pile of notes would cover the page.

export interface Toast {
  id: number;
  text: string;
}

/** How many toasts show at once; a newer one pushes the oldest out. */
export const MAX_TOASTS = 3;

export const toasts = $state<Toast[]>([]);
const timers = new Map<number, ReturnType<typeof setTimeout>>();
let next = 1;

/** Shows `text` for `ms` milliseconds. The same text again replaces the earlier one. Returns its id. */
export function toast(text: string, ms = 5000): number {
  for (const same of toasts.filter((t) => t.text === text)) dismissToast(same.id);
  while (toasts.length >= MAX_TOASTS) dismissToast(toasts[0].id);
  const id = next++;
  toasts.push({ id, text });
  timers.set(id, setTimeout(() => dismissToast(id), ms));
  return id;
}

export function dismissToast(id: number): void {
  clearTimeout(timers.get(id));
  timers.delete(id);
  const index = toasts.findIndex((t) => t.id === id);
  if (index >= 0) toasts.splice(index, 1);
}

/** Drops every toast (the app locked). */
export function clearToasts(): void {
  for (const t of [...toasts]) dismissToast(t.id);
}
