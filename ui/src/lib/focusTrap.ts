// Keeps the keyboard inside a modal. The native <dialog> opened with showModal() makes the rest of the
// page inert in WebKit, but Tab from its last control may still leave for the window's own chrome, and
// the test DOM (jsdom) has no modal behaviour at all; so Tab and Shift+Tab wrap here, by hand, on the
// few controls a dialog has.

const FOCUSABLE = [
  "a[href]",
  "button:not([disabled])",
  "input:not([disabled]):not([type='hidden'])",
  "select:not([disabled])",
  "textarea:not([disabled])",
  "[tabindex]:not([tabindex='-1'])",
].join(",");

/** The controls inside `container` that Tab reaches, in document order. */
export function focusables(container: HTMLElement): HTMLElement[] {
  return Array.from(container.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => !el.closest("[inert]"));
}

/** Handles Tab and Shift+Tab on `container`: from the last control to the first and back. Returns whether
 *  it moved the focus (the event is then cancelled). */
export function wrapTab(container: HTMLElement, event: KeyboardEvent): boolean {
  if (event.key !== "Tab") return false;
  const all = focusables(container);
  const first = all[0];
  const last = all[all.length - 1];
  if (!first || !last) {
    event.preventDefault();
    return true;
  }
  const active = document.activeElement;
  const outside = !(active instanceof HTMLElement) || !container.contains(active);
  if (event.shiftKey && (active === first || outside)) {
    event.preventDefault();
    last.focus();
    return true;
  }
  if (!event.shiftKey && (active === last || outside)) {
    event.preventDefault();
    first.focus();
    return true;
  }
  return false;
}
