import { describe, expect, it } from "vitest";
import type { FieldDef } from "../api";
import {
  choiceText,
  choiceValue,
  exactOption,
  filterOptions,
  firstProblemPath,
  fold,
  inputId,
  leafFields,
  placeProblems,
  problemCount,
  problemsFor,
  summaryItems,
  valueAt,
  valuesToSend,
} from "./formValues";

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

const SALARY = "$50,000\u2013$99,999"; // U+2013 EN DASH, as the server sends it
const OCCUPATIONS = [
  { value: "15-1252", label: "15-1252 \u2014 Software Developers" },
  { value: "29-1141", label: "29-1141 \u2014 Registered Nurses" },
  { value: "49-3023", label: "49-3023 \u2014 Automotive Service Technicians and Mechanics" },
];

const FORM: FieldDef[] = [
  field("firstName", { required: true, maxLength: 50 }),
  field("nationalId", { secret: true }),
  field("address", {
    kind: "group",
    children: [field("line1", { required: true }), field("line2"), field("postalCode", { required: true })],
  }),
  field("annualSalary", { kind: "select", options: [{ value: SALARY, label: SALARY }] }),
  field("occupation", { kind: "occupation", options: OCCUPATIONS }),
];

describe("leafFields", () => {
  it("lists every input in order, group members under dotted paths", () => {
    expect(leafFields(FORM).map((l) => l.path)).toEqual([
      "firstName",
      "nationalId",
      "address.line1",
      "address.line2",
      "address.postalCode",
      "annualSalary",
      "occupation",
    ]);
    expect(leafFields(FORM).find((l) => l.path === "address.postalCode")?.group).toBe("address");
  });
});

describe("inputId", () => {
  it("is a safe, distinct DOM id for each path", () => {
    expect(inputId("firstName")).toBe("kyc-firstName");
    expect(inputId("address.postalCode")).toBe("kyc-address__postalCode");
    expect(inputId("a.b")).not.toBe(inputId("a-b"));
    expect(inputId("weird name")).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

describe("placeProblems", () => {
  it("puts field errors on their inputs by dotted path, form-level ones above the form", () => {
    const placed = placeProblems(FORM, [
      { field: "address.postalCode", message: "is required" },
      { field: "firstName", message: "Use at most 50 characters." },
      { field: "", message: "Your application could not be processed." },
      { field: "address", message: "Address is incomplete." },
      { field: "somethingElse", message: "is wrong" },
      { field: "firstName", message: "Use at most 50 characters." },
    ]);
    expect(placed.byPath).toEqual({
      "address.postalCode": ["is required"],
      firstName: ["Use at most 50 characters."],
      address: ["Address is incomplete."],
    });
    expect(placed.formLevel).toEqual(["Your application could not be processed.", "somethingElse: is wrong"]);
  });
});

describe("firstProblemPath", () => {
  it("finds the first input with a problem in form order, not in problem order", () => {
    expect(
      firstProblemPath(FORM, [
        { field: "occupation", message: "x" },
        { field: "address.postalCode", message: "y" },
      ]),
    ).toBe("address.postalCode");
  });
  it("sends a whole-group problem to the group's first member", () => {
    expect(firstProblemPath(FORM, [{ field: "address", message: "x" }])).toBe("address.line1");
  });
  it("is null when only the form as a whole has a problem", () => {
    expect(firstProblemPath(FORM, [{ field: "", message: "x" }])).toBeNull();
  });
});

describe("valuesToSend", () => {
  it("keeps only the form's paths and non-blank values, byte for byte", () => {
    const sent = valuesToSend(FORM, {
      firstName: "  Ada ",
      "address.line1": "1 Main St",
      "address.line2": "   ",
      annualSalary: SALARY,
      injected: "nope",
    });
    expect(sent).toEqual({ firstName: "  Ada ", "address.line1": "1 Main St", annualSalary: SALARY });
    expect(sent.annualSalary).toContain("\u2013");
    expect([...new TextEncoder().encode(sent.annualSalary ?? "")]).toEqual([...new TextEncoder().encode(SALARY)]);
  });
});

describe("problemsFor", () => {
  it("shows only the problems of inputs already left, and group problems once a member was", () => {
    const problems = [
      { field: "firstName", message: "a" },
      { field: "address.line1", message: "b" },
      { field: "address", message: "c" },
      { field: "", message: "d" },
    ];
    expect(problemsFor(problems, new Set(["firstName"]))).toEqual([{ field: "firstName", message: "a" }]);
    expect(problemsFor(problems, new Set(["address.line2"])).map((p) => p.message)).toEqual(["c"]);
  });
});

const COUNTRIES = [
  { value: "CI", label: "C\u00f4te d'Ivoire" },
  { value: "DE", label: "Germany" },
  { value: "DK", label: "Denmark" },
  { value: "TR", label: "T\u00fcrkiye" },
  { value: "US", label: "United States of America" },
];

describe("searchable lists", () => {
  it("take typed text as a choice only when it names an option exactly", () => {
    expect(choiceValue("15-1252 \u2014 Software Developers", OCCUPATIONS)).toBe("15-1252");
    expect(choiceValue("29-1141", OCCUPATIONS)).toBe("29-1141");
    expect(choiceValue(" registered NURSES ", OCCUPATIONS)).toBe("29-1141");
    expect(choiceValue("germany", COUNTRIES)).toBe("DE");
    expect(choiceValue("cote d'ivoire", COUNTRIES)).toBe("CI");
    expect(choiceValue("us", COUNTRIES)).toBe("US");
    // Near misses stay as typed, so the core can say they are not a choice.
    expect(choiceValue("nurse", OCCUPATIONS)).toBe("nurse");
    expect(exactOption("nurse", OCCUPATIONS)).toBeNull();
    expect(exactOption("XX", COUNTRIES)).toBeNull();
    expect(choiceValue("   ", OCCUPATIONS)).toBe("");
  });
  it("show the label for a stored code", () => {
    expect(choiceText("49-3023", OCCUPATIONS)).toBe(OCCUPATIONS[2]?.label);
    expect(choiceText("DE", COUNTRIES)).toBe("Germany");
    expect(choiceText("11-1011", OCCUPATIONS)).toBe("11-1011");
    expect(choiceText("", OCCUPATIONS)).toBe("");
  });
  it("filter by every word, on code or label, ignoring case and accents, best match first", () => {
    expect(filterOptions(OCCUPATIONS, "nurse").map((o) => o.value)).toEqual(["29-1141"]);
    expect(filterOptions(OCCUPATIONS, "15-12").map((o) => o.value)).toEqual(["15-1252"]);
    expect(filterOptions(OCCUPATIONS, "service MECH").map((o) => o.value)).toEqual(["49-3023"]);
    expect(filterOptions(OCCUPATIONS, "")).toHaveLength(3);
    expect(filterOptions(OCCUPATIONS, "astronaut")).toEqual([]);
    expect(filterOptions(COUNTRIES, "cote").map((o) => o.value)).toEqual(["CI"]);
    expect(filterOptions(COUNTRIES, "TURK").map((o) => o.value)).toEqual(["TR"]);
    // "de" is Germany's code, so Germany leads; Denmark starts with it; the rest only contain it.
    expect(filterOptions(COUNTRIES, "de").map((o) => o.value)).toEqual(["DE", "DK"]);
    expect(fold("  C\u00f4te   D'Ivoire ")).toBe("cote d'ivoire");
  });
});

describe("error summary", () => {
  it("lists each problem with its label, in form order, linked to its input", () => {
    const placed = placeProblems(FORM, [
      { field: "occupation", message: "Choose an occupation from the list." },
      { field: "address.postalCode", message: "Enter your postal code." },
      { field: "firstName", message: "Enter your first name." },
      { field: "address", message: "Address is incomplete." },
      { field: "", message: "The server refused the form." },
    ]);
    expect(summaryItems(FORM, placed)).toEqual([
      { id: "kyc-firstName", text: "firstName: Enter your first name." },
      { id: "kyc-address__line1", text: "address: Address is incomplete." },
      { id: "kyc-address__postalCode", text: "postalCode: Enter your postal code." },
      { id: "kyc-occupation", text: "occupation: Choose an occupation from the list." },
      { id: null, text: "The server refused the form." },
    ]);
    expect(problemCount(1)).toBe("There is 1 problem");
    expect(problemCount(3)).toBe("There are 3 problems");
  });
});

describe("server-chosen names", () => {
  it("treats names such as constructor or toString as plain keys, even with a frozen Object.prototype", () => {
    const odd: FieldDef[] = [field("constructor"), field("toString")];
    expect(valueAt({}, "constructor")).toBe("");
    expect(valueAt({}, "toString")).toBe("");
    const placed = placeProblems(odd, [{ field: "toString", message: "is required" }]);
    expect(placed.byPath.toString).toEqual(["is required"]);
    expect(placed.byPath.constructor).toBeUndefined();
    const sent = valuesToSend(odd, Object.assign(Object.create(null), { constructor: "a", toString: "b" }));
    expect(JSON.parse(JSON.stringify(sent))).toEqual({ constructor: "a", toString: "b" });
  });
});
