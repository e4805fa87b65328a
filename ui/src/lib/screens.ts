// Which screen the app shows, and which one a journey stage leads to.

import type { Stage } from "../api";

export type Screen =
  | "loading"
  | "signIn"
  | "setup"
  | "kycForm"
  | "status"
  | "agreements"
  | "wallet"
  | "settings";

/** The screen for a stage the core reported. Unknown stages go to the status screen, which explains. */
export function screenForStage(stage: Stage): Screen {
  switch (stage.stage) {
    case "kycForm":
      return "kycForm";
    case "verification":
    case "waiting":
    case "blocked":
      return "status";
    case "agreements":
      return "agreements";
    case "wallet":
      return "wallet";
    default:
      return "status";
  }
}

/** The human name of an environment as `appState().environment` spells it. */
export function environmentName(environment: string): string {
  switch (environment.toLowerCase()) {
    case "demo":
      return "Demo";
    case "sandbox":
      return "Sandbox";
    case "production":
      return "Production";
    case "custom":
      return "Custom URL";
    case "partner":
      return "Partner sign-in";
    default:
      return environment;
  }
}
