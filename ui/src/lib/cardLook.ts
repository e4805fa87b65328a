// How a card looks: the colours offered for its face, and the text colour that reads on any face. The
// core gives a colour only as `#rrggbb` (`wallet-core` `card_edit::color`), so it can go into a style as it is.

/** The colours the edit dialog offers. Each is dark enough for white text (checked by a test). */
export const CARD_COLORS = [
  { value: "#1e40af", label: "Blue" },
  { value: "#115e59", label: "Teal" },
  { value: "#166534", label: "Green" },
  { value: "#6b21a8", label: "Purple" },
  { value: "#9f1239", label: "Ruby" },
  { value: "#9a3412", label: "Rust" },
  { value: "#334155", label: "Slate" },
  { value: "#18181b", label: "Black" },
] as const;

/** The two text colours a face can take. Pure white and black: against any colour one of them reaches at
 *  least 4.58:1 (where both are equal, at a luminance of about 0.18), so every face stays readable. */
export const LIGHT_TEXT = "#ffffff";
export const DARK_TEXT = "#000000";

function channels(hex: string): [number, number, number] | null {
  const m = /^#([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return null;
  const digits = m[1] ?? "";
  return [0, 2, 4].map((i) => parseInt(digits.slice(i, i + 2), 16)) as [number, number, number];
}

/** Relative luminance (WCAG 2.x). */
function luminance([r, g, b]: [number, number, number]): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** The WCAG contrast ratio of two `#rrggbb` colours (1 when either is not one). */
export function contrast(a: string, b: string): number {
  const ca = channels(a);
  const cb = channels(b);
  if (!ca || !cb) return 1;
  const [hi, lo] = [luminance(ca), luminance(cb)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The face's background and text for a card's colour, or `null` for the theme's own face. A colour set
 *  by another app may be light: the text then turns dark, whichever of the two reads better. */
export function faceStyle(color: string | null | undefined): { background: string; text: string } | null {
  if (!color || !channels(color)) return null;
  const text = contrast(color, LIGHT_TEXT) >= contrast(color, DARK_TEXT) ? LIGHT_TEXT : DARK_TEXT;
  return { background: color.toLowerCase(), text };
}

/** The colour's name when it is one the dialog offers, else its code. */
export function colorName(color: string): string {
  return CARD_COLORS.find((c) => c.value === color.toLowerCase())?.label ?? color;
}
