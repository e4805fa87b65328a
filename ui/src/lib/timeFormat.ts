// One way to write a time of day across the app: the person's locale decides 12 or 24 hours (through Intl),
// and every screen asks with the same options, so "Updated at" on the balances and a transaction's time on
// Activity read alike on the same screen. Seconds are left out: no screen needs them, and a clock that
// ticks in one place and not in another reads like two clocks.

/**
 * Hours and minutes, as the locale writes them ("3:06 PM", "09:06"). The locale's own short style rather
 * than hour/minute fields: those drop Britain's leading zero ("9:06").
 */
export const TIME_OPTIONS = { timeStyle: "short" } as const satisfies Intl.DateTimeFormatOptions;

/** The day as the locale writes it in short ("30 Nov 2026", "Nov 30, 2026"). */
export const DAY_OPTIONS = { dateStyle: "medium" } as const satisfies Intl.DateTimeFormatOptions;

/** `locale` and `timeZone` are for tests; the app leaves them out (the page's locale and time zone). */
export interface TimeFormatContext {
  locale?: string;
  timeZone?: string;
}

/** "3:06 PM" or "15:06", in the page's time zone. */
export function timeOfDay(at: Date, context: TimeFormatContext = {}): string {
  return new Intl.DateTimeFormat(context.locale, { ...TIME_OPTIONS, timeZone: context.timeZone }).format(at);
}

/** "30 Nov 2026, 15:06" or "Nov 30, 2026, 3:06 PM": the day and the same time of day as `timeOfDay`. */
export function dayAndTime(at: Date, context: TimeFormatContext = {}): string {
  return new Intl.DateTimeFormat(context.locale, { ...DAY_OPTIONS, ...TIME_OPTIONS, timeZone: context.timeZone }).format(at);
}

/**
 * An API time (RFC 3339, e.g. the core's `sortKey`) as `dayAndTime`, or `null` when it is empty or not a
 * time, so the caller can fall back to the words it already has.
 */
export function dayAndTimeOf(iso: string | null | undefined, context: TimeFormatContext = {}): string | null {
  if (!iso) return null;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? null : dayAndTime(at, context);
}
