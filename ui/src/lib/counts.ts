// How many of a thing, as a sentence says it: "1 card", "1,000 cards". Grouped by the person's locale, since
// a big account's "10000 transactions" reads as a code, not a count.

const NUMBER = new Intl.NumberFormat();

/** `count` with `one` or `many` after it: `counted(1000, "card", "cards")` is "1,000 cards" in English. */
export function counted(count: number, one: string, many: string): string {
  return `${NUMBER.format(count)} ${count === 1 ? one : many}`;
}
