// The KYC form's parts as a person uses them, in jsdom: the searchable lists by keyboard, the hints and
// length counters under the inputs, and the error summary after a failed submit.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FieldDef, FieldOption, FormDefinition, UiError } from "../../api";
import { clearKycValues } from "../../lib/kycValues";
import ComboBox from "./ComboBox.svelte";
import KycField from "./KycField.svelte";
import KycFormScreen from "./KycFormScreen.svelte";

const OCCUPATIONS: FieldOption[] = [
  { value: "11-1021", label: "11-1021 \u2014 General and Operations Managers" },
  { value: "13-2011", label: "13-2011 \u2014 Accountants and Auditors" },
  { value: "29-1141", label: "29-1141 \u2014 Registered Nurses" },
  { value: "29-1067", label: "29-1067 \u2014 Surgeons" },
  { value: "35-1011", label: "35-1011 \u2014 Chefs and Head Cooks" },
];

function field(name: string, extra: Partial<FieldDef> = {}): FieldDef {
  return {
    name,
    label: name,
    kind: "text",
    required: false,
    minLength: null,
    maxLength: null,
    pattern: null,
    options: [],
    description: null,
    children: [],
    secret: false,
    ...extra,
  };
}

let component: ReturnType<typeof mount> | null = null;

beforeEach(() => {
  document.body.innerHTML = '<div id="app"></div>';
  clearKycValues();
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  clearMocks();
  vi.useRealTimers();
});

function target(): HTMLElement {
  const element = document.getElementById("app");
  if (!element) throw new Error("no #app");
  return element;
}

/** Lets the mocked IPC's answers and the renders they cause run out (fake timers). */
async function settle() {
  for (let i = 0; i < 5; i++) {
    await vi.advanceTimersByTimeAsync(0);
    flushSync();
  }
}

function type(element: HTMLInputElement, text: string) {
  element.value = text;
  element.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}

function key(element: HTMLElement, name: string): KeyboardEvent {
  const event = new KeyboardEvent("keydown", { key: name, bubbles: true, cancelable: true });
  element.dispatchEvent(event);
  flushSync();
  return event;
}

function listed(): string[] {
  return [...document.querySelectorAll('[role="option"]')].map((o) => o.textContent?.trim() ?? "");
}

describe("the occupation list", () => {
  let stored: string[];
  let box: HTMLInputElement;

  beforeEach(() => {
    stored = [];
    component = mount(ComboBox, {
      target: target(),
      props: {
        id: "occ",
        options: OCCUPATIONS,
        value: "",
        required: true,
        invalid: false,
        describedBy: undefined,
        listLabel: "Occupations",
        placeholder: "Type to search",
        noMatch: "No occupation matches",
        oninput: (v: string) => stored.push(v),
        onblur: () => {},
      },
    });
    flushSync();
    box = document.getElementById("occ") as HTMLInputElement;
  });

  it("filters as a person types, and Enter picks nothing until an option is highlighted", () => {
    type(box, "nurse");
    expect(listed()).toEqual(["29-1141 \u2014 Registered Nurses"]);
    expect(box.getAttribute("aria-expanded")).toBe("true");
    // Typed text that is not an option is not a choice, and Enter does not pick the first option.
    const enter = key(box, "Enter");
    expect(enter.defaultPrevented).toBe(true);
    expect(stored.at(-1)).toBe("nurse");
    expect(box.value).toBe("nurse");
    key(box, "ArrowDown");
    const active = box.getAttribute("aria-activedescendant");
    expect(active).toBeTruthy();
    expect(document.getElementById(active ?? "")?.getAttribute("aria-selected")).toBe("true");
    key(box, "Enter");
    expect(stored.at(-1)).toBe("29-1141");
    expect(box.value).toBe("29-1141 \u2014 Registered Nurses");
    expect(box.getAttribute("aria-expanded")).toBe("false");
    expect(box.hasAttribute("aria-activedescendant")).toBe(false);
  });

  it("matches on code and accent-free text, and takes an exact name on Enter", () => {
    type(box, "29-1");
    expect(listed()).toEqual(["29-1141 \u2014 Registered Nurses", "29-1067 \u2014 Surgeons"]);
    type(box, "CHEFS AND HEAD COOKS");
    expect(stored.at(-1)).toBe("35-1011");
    key(box, "Enter");
    expect(box.value).toBe("35-1011 \u2014 Chefs and Head Cooks");
    type(box, "astronaut");
    expect(listed()).toEqual([]);
    expect(document.body.textContent).toContain("No occupation matches");
  });

  it("moves with the arrows, closes with Escape, and always points aria-controls at its list", () => {
    expect(document.getElementById(box.getAttribute("aria-controls") ?? "")?.getAttribute("role")).toBe("listbox");
    key(box, "ArrowDown");
    key(box, "ArrowDown");
    key(box, "ArrowUp");
    expect(box.getAttribute("aria-activedescendant")).toBe("occ-list-0");
    expect(listed()).toHaveLength(OCCUPATIONS.length);
    const escape = key(box, "Escape");
    expect(escape.defaultPrevented).toBe(true);
    expect(box.getAttribute("aria-expanded")).toBe("false");
    expect(listed()).toEqual([]);
    // With the list closed, Enter is left to submit the form.
    expect(key(box, "Enter").defaultPrevented).toBe(false);
  });
});

describe("a KYC input", () => {
  function draw(def: FieldDef, value = "") {
    component = mount(KycField, {
      target: target(),
      props: { path: def.name, def, value, problems: [], oninput: () => {}, onblur: () => {} },
    });
    flushSync();
  }

  it("gives the date of birth one hint, in the core's words", () => {
    draw(field("birthDate", { kind: "date", description: "Year, month and day, for example 1990-04-25." }));
    const hints = [...document.querySelectorAll(".hint")].map((h) => h.textContent);
    expect(hints).toEqual(["Year, month and day, for example 1990-04-25."]);
  });

  it("never cuts text at the limit: it counts near it and says how many to remove past it", () => {
    draw(field("firstName", { maxLength: 50 }), "a".repeat(53));
    const input = document.getElementById("kyc-firstName") as HTMLInputElement;
    expect(input.hasAttribute("maxlength")).toBe(false);
    expect(input.value).toHaveLength(53);
    const note = document.getElementById("kyc-firstName-length");
    expect(note?.textContent).toBe("53 of 50 characters: remove 3");
    expect(input.getAttribute("aria-describedby")).toContain("kyc-firstName-length");
    expect(input.getAttribute("aria-invalid")).toBe("true");
  });

  it("says a length problem once: the core's message replaces the counter once the input was left", () => {
    const def = field("lastName", { maxLength: 50 });
    component = mount(KycField, {
      target: target(),
      props: { path: "lastName", def, value: "b".repeat(53), problems: ["Use at most 50 characters; this has 53."], oninput: () => {}, onblur: () => {} },
    });
    flushSync();
    expect(document.getElementById("kyc-lastName-length")).toBeNull();
    expect(document.body.textContent?.match(/50 characters/g)).toHaveLength(1);
  });

  it("counts a flag as one character", () => {
    draw(field("nickname", { maxLength: 10 }), "\u{1F1EB}\u{1F1F7}".repeat(9));
    expect(document.getElementById("kyc-nickname-length")?.textContent).toBe("9 of 10 characters");
  });

  it("offers countries by name", () => {
    draw(
      field("countryOfIssue", {
        kind: "country",
        options: [
          { value: "DE", label: "Germany" },
          { value: "FR", label: "France" },
        ],
      }),
    );
    const box = document.getElementById("kyc-countryOfIssue") as HTMLInputElement;
    expect(box.getAttribute("role")).toBe("combobox");
    type(box, "germ");
    expect(listed()).toEqual(["Germany"]);
  });
});

describe("the KYC form after a failed submit", () => {
  const FORM: FormDefinition = {
    fields: [
      field("firstName", { label: "First name", required: true }),
      field("email", { label: "Email address", required: true, kind: "email" }),
      field("address", {
        label: "Address",
        kind: "group",
        required: true,
        children: [field("postalCode", { label: "Postal code", required: true })],
      }),
    ],
  };

  it("puts a summary at the top that takes focus and links to each field", async () => {
    vi.useFakeTimers();
    mockIPC((cmd) => {
      if (cmd === "kyc_form") return FORM;
      if (cmd === "kyc_check") {
        return [
          { field: "firstName", message: "Enter your first name." },
          { field: "email", message: "Enter an email address like name@example.com." },
          { field: "address.postalCode", message: "Enter your postal code." },
        ];
      }
      throw { code: "internal", title: "x", message: cmd, action: "dismiss", fields: [], retryAfterSeconds: null } satisfies UiError;
    });
    component = mount(KycFormScreen, { target: target() });
    await settle();
    const submit = document.getElementById("kyc-submit") as HTMLButtonElement;
    submit.click();
    await settle();
    const summary = document.getElementById("kyc-error-summary");
    expect(summary).toBeTruthy();
    expect(document.activeElement).toBe(summary);
    expect(summary?.querySelector("h2")?.textContent).toBe("There are 3 problems");
    const links = [...(summary?.querySelectorAll("a") ?? [])];
    expect(links.map((a) => a.textContent)).toEqual([
      "First name: Enter your first name.",
      "Email address: Enter an email address like name@example.com.",
      "Postal code: Enter your postal code.",
    ]);
    links[2]?.click();
    expect(document.activeElement?.id).toBe("kyc-address__postalCode");
    // The summary comes before the form, so it is the first thing after the heading.
    const form = document.querySelector("form");
    expect(summary && form && summary.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });
});

describe("a press on Submit", () => {
  it("keeps the focus in the input just fixed, so no check of it can move the button under the pointer", async () => {
    vi.useFakeTimers();
    const FORM: FormDefinition = { fields: [field("postalCode", { label: "Postal code", required: true })] };
    const checks: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "kyc_form") return FORM;
      if (cmd === "kyc_check") {
        checks.push(args);
        return [];
      }
      if (cmd === "kyc_submit") return { status: "pending", next: "waitForReview", reason: null, verificationUrl: null };
      return null;
    });
    component = mount(KycFormScreen, { target: target() });
    await settle();
    const input = document.getElementById("kyc-postalCode") as HTMLInputElement;
    input.focus();
    type(input, "10001");
    const submit = document.getElementById("kyc-submit") as HTMLButtonElement;
    const press = new MouseEvent("mousedown", { bubbles: true, cancelable: true });
    submit.dispatchEvent(press);
    expect(press.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(input);
    expect(checks).toEqual([]);
    // The release still clicks, and the submit checks every input itself.
    submit.click();
    await settle();
    expect(checks).toHaveLength(1);
  });
});

describe("the national id", () => {
  const FORM: FormDefinition = {
    fields: [
      field("firstName", { label: "First name", required: true }),
      field("nationalId", { label: "ID number", required: true, secret: true, pattern: "^[0-9A-Za-z-]+$" }),
    ],
  };
  const TYPED = "12/34";

  /** What each `kyc_check` was sent, and the problems the core would find in it. */
  function core(sent: Record<string, string>[]) {
    mockIPC((cmd, args) => {
      if (cmd === "kyc_form") return FORM;
      if (cmd === "kyc_check") {
        const values = (args as { values: Record<string, string> }).values;
        sent.push(values);
        const problems = [];
        if (!values.firstName) problems.push({ field: "firstName", message: "Enter your first name." });
        if (!values.nationalId) problems.push({ field: "nationalId", message: "Enter your ID number." });
        else if (values.nationalId.includes("/"))
          problems.push({ field: "nationalId", message: "Use only letters, numbers and dashes." });
        return problems;
      }
      throw { code: "internal", title: "x", message: cmd, action: "dismiss", fields: [], retryAfterSeconds: null } satisfies UiError;
    });
  }

  function problemUnder(id: string): string {
    return document.getElementById(`${id}-problem`)?.textContent?.trim() ?? "";
  }

  it("is not sent to the core when the person leaves it, only when they submit", async () => {
    vi.useFakeTimers();
    const sent: Record<string, string>[] = [];
    core(sent);
    component = mount(KycFormScreen, { target: target() });
    await settle();
    const id = document.getElementById("kyc-nationalId") as HTMLInputElement;
    type(id, TYPED);
    id.dispatchEvent(new FocusEvent("blur"));
    await settle();
    const name = document.getElementById("kyc-firstName") as HTMLInputElement;
    name.dispatchEvent(new FocusEvent("blur"));
    await settle();

    // The other fields are still checked on blur, without the national id in the request.
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.some((values) => Object.values(values).includes(TYPED))).toBe(false);
    expect(problemUnder("kyc-firstName")).toBe("Enter your first name.");
    // Left out of the check, it is not reported missing either; the note says when it is checked.
    expect(problemUnder("kyc-nationalId")).toBe("");
    expect(document.getElementById("kyc-nationalId")?.getAttribute("aria-describedby")).toContain("kyc-nationalId-when");
    expect(document.getElementById("kyc-nationalId-when")?.textContent).toBe("Checked when you submit.");

    (document.getElementById("kyc-submit") as HTMLButtonElement).click();
    await settle();
    expect(sent.at(-1)?.nationalId).toBe(TYPED);
    expect(problemUnder("kyc-nationalId")).toBe("Use only letters, numbers and dashes.");

    // Leaving another field afterwards keeps the submit's verdict on the national id.
    name.dispatchEvent(new FocusEvent("blur"));
    await settle();
    expect(problemUnder("kyc-nationalId")).toBe("Use only letters, numbers and dashes.");
  });
});
