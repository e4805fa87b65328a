// Lengths as a person counts them, for the live counter beside an input with a limit. A limit is never
// enforced by cutting text (no `maxlength`): the person sees the count near the limit and a message past
// it, and the core checks the same rule (`wallet-core` `text::visible_len`, grapheme clusters too).

// `Intl.Segmenter` splits text into grapheme clusters, so "é" typed as e + accent, "👍🏽" and "🇫🇷" each
// count as one character, as they do on screen (`string.length` would count 2, 4 and 4 UTF-16 units).
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** How many characters a person sees in `text`. */
export function visibleLength(text: string): number {
  let count = 0;
  for (const _ of graphemes.segment(text)) count++;
  return count;
}

/** What to show under an input with a maximum length, or `null` while the text is far from it. */
export interface LengthNote {
  /** "46 of 50 characters" near the limit; "53 of 50 characters: remove 3" past it. */
  text: string;
  /** Past the limit: the note is a problem, not a hint. */
  over: boolean;
}

/** The counter appears once 80% of the limit is used (at least the last 5 characters); past the limit it
 *  says how many to remove. `unit` is the plural noun ("characters", "digits"). */
export function lengthNote(text: string, max: number | null | undefined, unit = "characters"): LengthNote | null {
  if (max === null || max === undefined || max <= 0) return null;
  const count = visibleLength(text);
  const showFrom = Math.min(Math.floor(max * 0.8), max - 5);
  if (count > max) {
    const extra = count - max;
    return { text: `${count} of ${max} ${unit}: remove ${extra}`, over: true };
  }
  if (count >= Math.max(showFrom, 1)) return { text: `${count} of ${max} ${unit}`, over: false };
  return null;
}
