// The colours of a card's face: every colour the dialog offers keeps the card's light text readable
// (WCAG AA, 4.5:1), and a light colour another app set turns the text dark rather than unreadable.
import { describe, expect, it } from "vitest";
import { CARD_COLORS, DARK_TEXT, LIGHT_TEXT, colorName, contrast, faceStyle } from "./cardLook";

describe("card colours", () => {
  it("offers only colours the light card text reads on", () => {
    for (const c of CARD_COLORS) expect(contrast(c.value, LIGHT_TEXT), c.label).toBeGreaterThanOrEqual(4.5);
  });

  it("turns the text dark on a light colour, and reads on every face it draws", () => {
    expect(faceStyle("#FFE4B5")).toEqual({ background: "#ffe4b5", text: DARK_TEXT });
    expect(faceStyle("#115e59")).toEqual({ background: "#115e59", text: LIGHT_TEXT });
    for (const hex of ["#ffffff", "#777777", "#808080", "#ff0000", "#00ff00", "#0000ff", "#000000"]) {
      const face = faceStyle(hex)!;
      expect(contrast(face.background, face.text), hex).toBeGreaterThanOrEqual(4.5);
    }
  });

  it("keeps the theme's face for no colour or anything that is not #rrggbb", () => {
    for (const given of [null, undefined, "", "red", "#fff", "url(x)", "#12345g"]) expect(faceStyle(given)).toBeNull();
  });

  it("names the offered colours and shows another as its code", () => {
    expect(colorName("#9F1239")).toBe("Ruby");
    expect(colorName("#123456")).toBe("#123456");
  });
});
