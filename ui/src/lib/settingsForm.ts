// The Settings form: what the inputs hold, and the Settings value they make. The ranges are wallet-core's
// own (`settings::bounds`, exported in the bindings); the core checks again and has the last word.

import { SETTINGS_BOUNDS, type EnvironmentSetting, type FillSettings, type Settings } from "../api";

/** Number inputs give numbers (or null when empty); text may come in too. */
type NumberInput = number | string | null;

export interface SettingsForm {
  kind: EnvironmentSetting["kind"];
  url: string;
  revealSeconds: NumberInput;
  clipboardNever: boolean;
  clipboardSeconds: NumberInput;
  idleLockMinutes: NumberInput;
  reauthMinutes: NumberInput;
  /** A desktop notification for each new transaction while the app runs. */
  notifyTransactions: boolean;
  fillMode: FillSettings["mode"];
  fillExpiryFormat: FillSettings["expiryFormat"];
  fillAdvance: FillSettings["advance"];
  fillStartDelayMs: NumberInput;
  fillKeyDelayMs: NumberInput;
  /** The global shortcut as captured (`Ctrl+Alt+F`); ignored while `fillShortcutOff`. */
  fillShortcut: string;
  fillShortcutOff: boolean;
}

/** The form's fields for `fill`, from saved settings. */
export function fillForm(fill: FillSettings): Pick<
  SettingsForm,
  "fillMode" | "fillExpiryFormat" | "fillAdvance" | "fillStartDelayMs" | "fillKeyDelayMs" | "fillShortcut" | "fillShortcutOff"
> {
  return {
    fillMode: fill.mode,
    fillExpiryFormat: fill.expiryFormat,
    fillAdvance: fill.advance,
    fillStartDelayMs: String(fill.startDelayMs),
    fillKeyDelayMs: String(fill.keyDelayMs),
    fillShortcut: fill.shortcut ?? "",
    fillShortcutOff: fill.shortcut === null,
  };
}


/** A whole number from an input, or null when it is empty or not a whole number. */
export function wholeNumber(value: NumberInput): number | null {
  if (value === null) return null;
  const text = String(value).trim();
  if (!/^\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

function inRange(
  field: keyof typeof SETTINGS_BOUNDS,
  value: NumberInput,
  problems: Record<string, string>,
  problemField: string = field,
): number {
  const { min, max, unit } = SETTINGS_BOUNDS[field];
  const n = wholeNumber(value);
  if (n === null || n < min || n > max) problems[problemField] = `Choose between ${min} and ${max} ${unit}.`;
  return n ?? 0;
}

/** The environment the form describes. */
export function environmentOf(form: Pick<SettingsForm, "kind" | "url">): EnvironmentSetting {
  switch (form.kind) {
    case "custom":
      return { kind: "custom", url: form.url.trim() };
    case "sandbox":
      return { kind: "sandbox" };
    case "production":
      return { kind: "production" };
    case "partner":
      return { kind: "partner" };
    default:
      return { kind: "demo" };
  }
}

/**
 * The settings to save (everything the form does not show is kept from `loaded`), or the problems by
 * field name (`revealSeconds`, `environment.url`, …) when something is out of range.
 */
export function settingsProblems(
  form: SettingsForm,
  loaded: Settings,
): { settings: Settings } | { problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const revealSeconds = inRange("revealSeconds", form.revealSeconds, problems);
  const clipboardClearSeconds = form.clipboardNever
    ? null
    : inRange("clipboardClearSeconds", form.clipboardSeconds, problems);
  const idleLockMinutes = inRange("idleLockMinutes", form.idleLockMinutes, problems);
  const reauthMinutes = inRange("reauthMinutes", form.reauthMinutes, problems);
  // Fill's fields carry the core's names (`fill.startDelayMs`), so its refusals land on the same inputs.
  const startDelayMs = inRange("fillStartDelayMs", form.fillStartDelayMs, problems, "fill.startDelayMs");
  const keyDelayMs = inRange("fillKeyDelayMs", form.fillKeyDelayMs, problems, "fill.keyDelayMs");
  const shortcut = form.fillShortcutOff ? null : form.fillShortcut.trim();
  if (shortcut === "") problems["fill.shortcut"] = "Press the keys of a shortcut, or choose Off.";
  const environment = environmentOf(form);
  if (environment.kind === "custom") {
    const url = environment.url;
    if (url === "") problems["environment.url"] = "Enter the API's base URL.";
    else if (!/^https?:\/\/\S+$/i.test(url)) problems["environment.url"] = "Start the URL with https://.";
  }
  if (Object.keys(problems).length > 0) return { problems };
  return {
    settings: {
      ...loaded,
      environment,
      revealSeconds,
      clipboardClearSeconds,
      idleLockMinutes,
      reauthMinutes,
      notifyTransactions: form.notifyTransactions,
      fill: {
        mode: form.fillMode,
        expiryFormat: form.fillExpiryFormat,
        advance: form.fillAdvance,
        startDelayMs,
        keyDelayMs,
        shortcut,
      },
    },
  };
}
