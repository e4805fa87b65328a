// The card edit dialog's form: what it starts from (the card as listed), and the edit it sends, which
// names only what the person changed. The core reads a field left out (`null`) as "keep" and an empty
// text as "clear" (`wallet-core` `card_edit`), and checks every value again.

import { call, commands, type CardEdit, type CardView } from "../api";

export interface CardEditForm {
  label: string;
  /** `#rrggbb`, or `""` for the theme's own face. */
  color: string;
  emoji: string;
  memo: string;
  /** Dollars as typed; `""` is no limit. */
  limit: string;
  frequency: string;
  pinned: boolean;
  /** The place in the list as typed (a whole number from 0), or `""` for none; a number input may give a
   *  number, or null when what was typed is not one. */
  sortOrder: string | number | null;
}

/** The form as the card stands now. */
export function formOf(
  card: Pick<CardView, "label" | "color" | "emoji" | "memo" | "limitCents" | "limitFrequency" | "pinned" | "sortOrder">,
): CardEditForm {
  return {
    label: card.label ?? "",
    color: card.color ?? "",
    emoji: card.emoji ?? "",
    memo: card.memo ?? "",
    limit: card.limitCents === null ? "" : (card.limitCents / 100).toFixed(2),
    frequency: card.limitFrequency ?? "perAuthorization",
    pinned: card.pinned,
    sortOrder: card.sortOrder === null ? "" : String(card.sortOrder),
  };
}

/** What to send: each field that differs from `before`, the rest `null` (kept). A limit goes with its
 *  frequency, as the API takes them together. A place in the list that is not a whole number is sent as
 *  typed would be meaningless, so `problems` names it instead. */
export function editOf(
  before: CardEditForm,
  after: CardEditForm,
): { edit: CardEdit; changed: boolean } | { problems: Partial<Record<keyof CardEditForm, string>> } {
  const text = (key: "label" | "color" | "emoji" | "memo") => (after[key].trim() === before[key].trim() ? null : after[key].trim());
  const limitChanged = after.limit.trim() !== before.limit.trim() || (after.limit.trim() !== "" && after.frequency !== before.frequency);
  let sortOrder: number | null = null;
  const place = (form: CardEditForm) => String(form.sortOrder ?? "").trim();
  if (place(after) !== place(before)) {
    const typed = place(after);
    if (!/^\d{1,9}$/.test(typed)) return { problems: { sortOrder: "Give the place as a whole number from 0." } };
    sortOrder = Number(typed);
  }
  const edit: CardEdit = {
    label: text("label"),
    color: text("color"),
    emoji: text("emoji"),
    memo: text("memo"),
    limit: limitChanged ? after.limit.trim() : null,
    frequency: limitChanged && after.limit.trim() !== "" ? after.frequency : null,
    pinned: after.pinned === before.pinned ? null : after.pinned,
    sortOrder,
  };
  return { edit, changed: Object.values(edit).some((v) => v !== null) };
}

/** Sends the edit; the card as the server has it now comes back. */
export async function saveCardEdit(cardId: string, edit: CardEdit): Promise<CardView> {
  return call(commands.updateCard(cardId, edit));
}
