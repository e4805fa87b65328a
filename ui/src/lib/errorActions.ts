// What the error banner's button says and does, by `UiError.action`. The UI switches on the action code,
// never on the message text.

import type { UiAction, UiError } from "../api";

/** The button label for each action. */
export function actionLabel(action: UiAction): string {
  switch (action) {
    case "retry":
      return "Try again";
    case "openSettings":
      return "Open Settings";
    case "finishKyc":
      return "Continue verification";
    case "acceptAgreements":
      return "Review agreements";
    case "fixFields":
      return "Go to the first problem";
    case "dismiss":
      return "Dismiss";
    default:
      // An action this version does not know: closing the banner is always safe.
      return "Dismiss";
  }
}

/** What each action may do. `retry` and `fixFields` are optional: without them the banner just closes. */
export interface ActionHandlers {
  retry?: () => void;
  openSettings: () => void;
  finishKyc: () => void;
  acceptAgreements: () => void;
  fixFields?: () => void;
  dismiss: () => void;
}

/** Which handler an error's action leads to (so a banner without a retry never offers one). */
export function effectiveAction(error: Pick<UiError, "action">, handlers: Partial<ActionHandlers>): UiAction {
  const action = error.action;
  if (action === "retry" && !handlers.retry) return "dismiss";
  if (action === "fixFields" && !handlers.fixFields) return "dismiss";
  if (!["retry", "openSettings", "finishKyc", "acceptAgreements", "fixFields", "dismiss"].includes(action)) {
    return "dismiss";
  }
  return action;
}

/**
 * Runs the handler for the error's action and says which one ran. Every action except `fixFields`
 * closes the banner first (the retry may raise a fresh one).
 */
export function runAction(error: Pick<UiError, "action">, handlers: ActionHandlers): UiAction {
  const action = effectiveAction(error, handlers);
  if (action !== "fixFields") handlers.dismiss();
  switch (action) {
    case "retry":
      handlers.retry?.();
      break;
    case "openSettings":
      handlers.openSettings();
      break;
    case "finishKyc":
      handlers.finishKyc();
      break;
    case "acceptAgreements":
      handlers.acceptAgreements();
      break;
    case "fixFields":
      handlers.fixFields?.();
      break;
    case "dismiss":
      break;
  }
  return action;
}
