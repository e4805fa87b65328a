// The KYC form's values and problems, keyed by dotted path (`firstName`, `address.postalCode`), exactly
// the paths the core and the server use. Pure functions: the components only draw what these return.

import type { FieldDef, FieldOption, FieldProblem } from "../api";

/** What the person typed, by dotted path. Held in memory only (see `kycValues`). */
export type FormValues = Record<string, string>;

/**
 * An empty map for keys the server chose. It has no prototype, so a field named `constructor` or
 * `toString` is just a key (and assigning it works under Tauri's frozen `Object.prototype`).
 */
export function emptyMap<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** The value typed at `path`, or "" (never something inherited from `Object.prototype`). */
export function valueAt(values: FormValues, path: string): string {
  if (!Object.prototype.hasOwnProperty.call(values, path)) return "";
  const value = values[path];
  return typeof value === "string" ? value : "";
}

/** One input of the form: its dotted path and its definition; `group` is the enclosing group's name. */
export interface LeafField {
  path: string;
  def: FieldDef;
  group: string | null;
}

/** The dotted path of `child` inside the group `parent`. */
export function childPath(parent: string, child: string): string {
  return `${parent}.${child}`;
}

/** Every input, in the form's order: group members replace their group, with dotted paths. */
export function leafFields(fields: readonly FieldDef[]): LeafField[] {
  const out: LeafField[] = [];
  for (const def of fields) {
    if (def.kind === "group") {
      for (const child of def.children) {
        out.push({ path: childPath(def.name, child.name), def: child, group: def.name });
      }
    } else {
      out.push({ path: def.name, def, group: null });
    }
  }
  return out;
}

/**
 * A DOM id for the input at `path`. Letters, digits, `-` and `_` are kept; `.` becomes `__` and any
 * other character its code, so distinct paths never share an id and the id needs no CSS escaping.
 */
export function inputId(path: string, prefix = "kyc"): string {
  let id = "";
  for (const ch of path) {
    if (/[A-Za-z0-9_-]/.test(ch)) id += ch;
    else if (ch === ".") id += "__";
    else id += `_${ch.codePointAt(0)?.toString(16)}_`;
  }
  return `${prefix}-${id}`;
}

/** Where each problem is shown. */
export interface PlacedProblems {
  /** Messages under an input (leaf path) or a group's fieldset (group name). */
  byPath: Record<string, string[]>;
  /** Messages above the form: `field: ""`, or a path this form does not have. */
  formLevel: string[];
}

/**
 * Sorts problems onto the inputs they name. A problem on a path the form does not show is kept above
 * the form (prefixed with the path, so it is not lost); repeated messages are shown once.
 */
export function placeProblems(fields: readonly FieldDef[], problems: readonly FieldProblem[]): PlacedProblems {
  const known = new Set<string>();
  for (const leaf of leafFields(fields)) known.add(leaf.path);
  for (const def of fields) if (def.kind === "group") known.add(def.name);

  const byPath = emptyMap<string[]>();
  const formLevel: string[] = [];
  for (const problem of problems) {
    const path = problem.field.trim();
    if (path === "") {
      if (!formLevel.includes(problem.message)) formLevel.push(problem.message);
    } else if (known.has(path)) {
      const list = (byPath[path] ??= []);
      if (!list.includes(problem.message)) list.push(problem.message);
    } else {
      const text = `${path}: ${problem.message}`;
      if (!formLevel.includes(text)) formLevel.push(text);
    }
  }
  return { byPath, formLevel };
}

/**
 * The input to focus for "fix the fields": the first input, in form order, that has a problem. A problem
 * on a whole group focuses the group's first member. `null` when no input has one.
 */
export function firstProblemPath(fields: readonly FieldDef[], problems: readonly FieldProblem[]): string | null {
  const named = new Set(problems.map((p) => p.field.trim()).filter((f) => f !== ""));
  for (const leaf of leafFields(fields)) {
    if (named.has(leaf.path) || (leaf.group !== null && named.has(leaf.group))) return leaf.path;
  }
  return null;
}

/**
 * The values to send: only paths this form has, only non-blank ones, each exactly as typed or chosen
 * (option values contain U+2013 and must reach the server byte for byte, so nothing is trimmed or
 * normalised here; the core does its own checks).
 */
export function valuesToSend(fields: readonly FieldDef[], values: FormValues): FormValues {
  const out = emptyMap<string>();
  for (const leaf of leafFields(fields)) {
    const value = valueAt(values, leaf.path);
    if (value.trim() !== "") out[leaf.path] = value;
  }
  return out;
}

/** The paths of inputs marked secret (a national id): checked on submit only, see `valuesToCheckOnBlur`. */
export function secretPaths(fields: readonly FieldDef[]): Set<string> {
  return new Set(leafFields(fields).filter((leaf) => leaf.def.secret).map((leaf) => leaf.path));
}

/**
 * The values a check on blur sends: those of `valuesToSend` but the secret ones, so a national id crosses
 * to the core once per submit rather than on every blur. The core's rules stay the one place they are
 * written; a secret input just hears them on submit.
 */
export function valuesToCheckOnBlur(fields: readonly FieldDef[], values: FormValues): FormValues {
  const out = valuesToSend(fields, values);
  for (const path of secretPaths(fields)) delete out[path];
  return out;
}

/**
 * The problems after a check on blur: the fresh ones of every other input, and for secret inputs (left
 * out of that check, so "missing" to it) whatever the last full check said.
 */
export function afterBlurCheck(
  previous: readonly FieldProblem[],
  fresh: readonly FieldProblem[],
  secret: ReadonlySet<string>,
): FieldProblem[] {
  return [...fresh.filter((p) => !secret.has(p.field.trim())), ...previous.filter((p) => secret.has(p.field.trim()))];
}

/** Problems limited to the inputs the person has already left (so a first blur does not flag them all). */
export function problemsFor(problems: readonly FieldProblem[], touched: ReadonlySet<string>): FieldProblem[] {
  return problems.filter((p) => {
    const path = p.field.trim();
    if (path === "") return false;
    if (touched.has(path)) return true;
    // A group-level problem shows once any member was touched.
    for (const t of touched) if (t.startsWith(`${path}.`)) return true;
    return false;
  });
}

// ---- Searchable lists (occupations, countries). -----------------------------------------------------

/** Text as it is compared: lower case, accents removed ("Côte" → "cote"), spaces collapsed. */
export function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
}

/** An occupation's label is "code — name": the name alone also names it exactly. */
function labelParts(option: FieldOption): string[] {
  const name = option.label.split(" \u2014 ")[1];
  return name === undefined ? [option.label] : [option.label, name];
}

/**
 * The option that `text` names exactly: its code or its label (or, for "code — name" labels, the name),
 * ignoring case, accents and surrounding spaces. `null` when it names none: typed text that only
 * resembles an option is not a choice.
 */
export function exactOption(text: string, options: readonly FieldOption[]): FieldOption | null {
  const t = fold(text);
  if (t === "") return null;
  return options.find((o) => fold(o.value) === t || labelParts(o).some((l) => fold(l) === t)) ?? null;
}

/**
 * The value to store for what was typed: the exact option's code, else the text itself, so that the core
 * can say "choose one from the list" rather than the form pretending nothing was typed.
 */
export function choiceValue(text: string, options: readonly FieldOption[]): string {
  const t = text.trim();
  if (t === "") return "";
  return exactOption(t, options)?.value ?? t;
}

/** What the box shows for a stored value: the option's label, or the value as typed. */
export function choiceText(value: string, options: readonly FieldOption[]): string {
  if (value === "") return "";
  return options.find((o) => o.value === value)?.label ?? value;
}

/**
 * Options whose label or code holds every word of `query` (case- and accent-insensitive), best first: an
 * exact code or name, then those starting with the query, then the rest, each group in list order.
 */
export function filterOptions(options: readonly FieldOption[], query: string): FieldOption[] {
  const q = fold(query);
  const words = q.split(" ").filter((w) => w !== "" && w !== "\u2014");
  if (words.length === 0) return [...options];
  const ranked: { option: FieldOption; rank: number; index: number }[] = [];
  options.forEach((option, index) => {
    const names = labelParts(option).map(fold);
    const code = fold(option.value);
    const hay = `${names.join(" ")} ${code}`;
    if (!words.every((w) => hay.includes(w))) return;
    const rank = code === q || names.includes(q) ? 0 : code.startsWith(q) || names.some((n) => n.startsWith(q)) ? 1 : 2;
    ranked.push({ option, rank, index });
  });
  ranked.sort((a, b) => a.rank - b.rank || a.index - b.index);
  return ranked.map((r) => r.option);
}

/** One line of an error summary: the input to focus, its label and what is wrong. */
export interface SummaryItem {
  /** The DOM id of the input to focus, or `null` for a problem with the form as a whole. */
  id: string | null;
  text: string;
}

/**
 * The error summary's lines, in form order: each problem of an input as "Label: message" linking to it
 * (a group's own problem links to its first member), then problems with the form as a whole.
 */
export function summaryItems(fields: readonly FieldDef[], placed: PlacedProblems): SummaryItem[] {
  const items: SummaryItem[] = [];
  const add = (path: string, label: string, id: string | null) => {
    for (const message of placed.byPath[path] ?? []) items.push({ id, text: `${label}: ${message}` });
  };
  for (const def of fields) {
    if (def.kind !== "group") {
      add(def.name, def.label, inputId(def.name));
      continue;
    }
    const first = def.children[0];
    add(def.name, def.label, first ? inputId(childPath(def.name, first.name)) : null);
    for (const child of def.children) add(childPath(def.name, child.name), child.label, inputId(childPath(def.name, child.name)));
  }
  for (const message of placed.formLevel) items.push({ id: null, text: message });
  return items;
}

/** "There is 1 problem" / "There are 3 problems". */
export function problemCount(count: number): string {
  return count === 1 ? "There is 1 problem" : `There are ${count} problems`;
}
