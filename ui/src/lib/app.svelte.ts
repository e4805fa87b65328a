// App-wide state that several screens read: the core's app state, the current screen, the KYC status
// handed from the form to the status screen, and notes to show once. In memory only.

import type { AppStateView, KycView, Stage } from "../api";
import type { Screen } from "./screens";

type Blocked = Extract<Stage, { stage: "blocked" }>;

export const app = $state({
  /** The last `appState()` answer; `null` before the first one. */
  core: null as AppStateView | null,
  screen: "loading" as Screen,
  /** Where Settings' "Back" returns to. */
  back: "setup" as Screen,
  /** The KYC view the form's submit returned, so the status screen can show it at once. */
  kycView: null as KycView | null,
  /** The stage said the user is blocked (denied, canceled, locked). */
  blocked: null as { status: string; reason: string | null } | null,
  /** Things the core wants said once (settings it could not read). */
  notes: [] as string[],
});

/** Moves to `screen`. Opening Settings remembers where to come back to. */
export function go(screen: Screen): void {
  if (screen === "settings" && app.screen !== "settings") {
    app.back = app.screen === "loading" ? "setup" : app.screen;
  }
  app.screen = screen;
}

/** Records a stage's extra data (blocked reason) for the screen it leads to. */
export function noteStage(stage: Stage): void {
  if (stage.stage === "blocked") {
    const blocked = stage as Blocked;
    app.blocked = { status: blocked.status, reason: blocked.reason ?? null };
  } else {
    app.blocked = null;
  }
}

/** Adds notes the core reported, once each. */
export function addNotes(notes: readonly string[]): void {
  for (const note of notes) if (note.trim() !== "" && !app.notes.includes(note)) app.notes.push(note);
}
