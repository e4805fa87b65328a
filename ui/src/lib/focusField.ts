// Moving focus to a form field (first problem, error summary link) without hiding it under the sticky
// header: focus without the browser's own scroll, then bring the field to the middle of the window.

/** Focuses the element with this id and scrolls it to the middle of the view. False if it is not there. */
export function focusField(id: string): boolean {
  const element = document.getElementById(id);
  if (!element) return false;
  element.focus({ preventScroll: true });
  // Not in every DOM (jsdom has no layout); focus alone is then enough.
  element.scrollIntoView?.({ block: "center" });
  return true;
}

/** Focuses a box that announces something (an error summary) and scrolls to its top. */
export function focusBox(id: string): boolean {
  const element = document.getElementById(id);
  if (!element) return false;
  element.focus({ preventScroll: true });
  element.scrollIntoView?.({ block: "start" });
  return true;
}
