//! The KYC form, built at run time from `GET /kyc/values`.
//!
//! The server's field list is the source of truth (spec Q12: `nationalId` is required in one place and
//! optional in another), so nothing here hard-codes which fields exist: every field the server sends is
//! shown, including ones this version has never heard of. Names are only used to pick better labels and
//! the checks the guide states in words (email, country code, digits-only phone, date of birth).
//!
//! Three things cross the IPC boundary, and none of them carries a value the person typed:
//! - [`FormDefinition`] goes out to the webview (the inputs to draw);
//! - [`FormValues`] comes in from the webview and stays in Rust as [`SecretString`]s (it holds a national
//!   id, so it is never written to disk, logged or sent back);
//! - [`FieldProblem`]s go out (which input to mark, and a sentence saying why, never quoting the value).

use std::collections::BTreeMap;
use std::fmt;

use machines_api::models::kyc::{KycApplication, KycField, KycFieldType, KycValues};
use machines_api::{FieldError, SecretString};
use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::{countries, kyc_tidy, text};

/// What kind of input a field is drawn as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum FieldKind {
    /// A one-line text input (also every field type this version does not know).
    Text,
    Email,
    /// `YYYY-MM-DD`.
    Date,
    /// One of `options`; the option value is submitted byte-exact.
    Select,
    /// A searchable list of occupation code + label; free SOC codes (`49-3023`) are accepted too.
    Occupation,
    /// An object such as `address`, drawn as the inputs in `children`.
    Group,
    /// Digits only (calling code, phone number): the UI can offer a numeric keypad.
    Phone,
    /// A searchable list of country names (`options`); the value is the ISO 3166-1 alpha-2 code.
    Country,
}

/// One choice of a select or occupation list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldOption {
    /// What is submitted, exactly as the server sent it (enum strings contain U+2013 EN DASH).
    pub value: String,
    /// What the person reads.
    pub label: String,
}

/// One input of the form. Public data only: this is the form's shape, never its contents.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldDef {
    /// The key the server expects, exactly as it sent it.
    pub name: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    /// In characters, not bytes.
    pub min_length: Option<u32>,
    /// In characters, not bytes.
    pub max_length: Option<u32>,
    /// The server's regex, for information; the checks are done in Rust by [`validate`].
    pub pattern: Option<String>,
    pub options: Vec<FieldOption>,
    pub description: Option<String>,
    /// The members of a [`FieldKind::Group`]; their values live under `"{group}.{member}"`.
    pub children: Vec<FieldDef>,
    /// A government identifier: the UI masks the input and offers no autofill.
    pub secret: bool,
}

/// The whole form, in the server's order.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FormDefinition {
    pub fields: Vec<FieldDef>,
}

/// A problem with one input, or with the form as a whole when `field` is empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldProblem {
    /// The dotted path of the input (`firstName`, `address.postalCode`), or `""` for the whole form.
    pub field: String,
    /// A short sentence a person understands. Never contains the value that was typed.
    pub message: String,
}

impl FieldProblem {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

// ---------------------------------------------------------------------------------------------------
// Building the definition.

/// Sub-fields of `address` when the server names them only in prose (the guide does). The limits mirror
/// what the server enforces, so a person hears about a too-long line before submitting.
const ADDRESS_MEMBERS: [(&str, bool, Option<u32>, Option<u32>); 6] = [
    ("line1", true, Some(1), Some(100)),
    ("line2", false, None, Some(100)),
    ("city", true, Some(1), Some(60)),
    ("region", true, Some(1), Some(60)),
    ("postalCode", true, Some(1), Some(20)),
    ("countryCode", true, Some(2), Some(2)),
];

impl FormDefinition {
    /// The form described by a `/kyc/values` answer. Fields without a name are skipped (there is no key
    /// to submit them under); a repeated name keeps its first description.
    pub fn from_values(values: &KycValues) -> FormDefinition {
        let mut fields: Vec<FieldDef> = Vec::new();
        for field in &values.fields {
            if field.name.trim().is_empty() || fields.iter().any(|f| f.name == field.name) {
                continue;
            }
            fields.push(build_field(field, values, true));
        }
        FormDefinition { fields }
    }

    /// The input at a dotted path (`firstName`, `address.postalCode`), spelled exactly.
    pub fn field(&self, path: &str) -> Option<&FieldDef> {
        let (top, member) = match path.split_once('.') {
            Some((top, member)) => (top, Some(member)),
            None => (path, None),
        };
        let field = self.fields.iter().find(|f| f.name == top)?;
        match member {
            None => Some(field),
            Some(member) => field.children.iter().find(|c| c.name == member),
        }
    }
}

/// One field. `top_level` is false inside a group: groups nest one level only, because an application
/// value is a string or a map of strings, so an object inside a group is offered as text.
fn build_field(field: &KycField, values: &KycValues, top_level: bool) -> FieldDef {
    let name = field.name.clone();
    let enum_options = field.enum_values.as_deref().filter(|list| !list.is_empty());
    let listed_options = enum_options.or_else(|| top_level_list(values, &name));
    let kind = match &field.field_type {
        KycFieldType::Object if top_level => FieldKind::Group,
        KycFieldType::Date => FieldKind::Date,
        KycFieldType::Email => FieldKind::Email,
        _ if name == "occupation" => FieldKind::Occupation,
        _ if listed_options.is_some() => FieldKind::Select,
        _ if is_country_name(&name) => FieldKind::Country,
        _ if is_email_name(&name) => FieldKind::Email,
        _ if is_birth_name(&name) => FieldKind::Date,
        _ if is_phone_name(&name) => FieldKind::Phone,
        _ => FieldKind::Text,
    };
    let options = match kind {
        FieldKind::Occupation if !values.occupations.is_empty() => {
            values.occupations.iter().map(|o| FieldOption { value: o.code.clone(), label: o.display() }).collect()
        }
        FieldKind::Occupation | FieldKind::Select => listed_options
            .unwrap_or_default()
            .iter()
            .map(|v| FieldOption { value: v.clone(), label: v.clone() })
            .collect(),
        FieldKind::Country => country_options(),
        _ => Vec::new(),
    };
    let children = if kind == FieldKind::Group { group_members(field, values) } else { Vec::new() };
    FieldDef {
        label: label_for(&name),
        secret: is_secret_name(&name),
        kind,
        required: field.required,
        min_length: field.min_length,
        max_length: field.max_length,
        pattern: field.regex.clone().filter(|p| !p.trim().is_empty()),
        options,
        description: hint_for(&name, kind, field.description.as_deref()),
        children,
        name,
    }
}

/// Every country, by name, with its alpha-2 code as the value.
fn country_options() -> Vec<FieldOption> {
    countries::all().map(|(code, name)| FieldOption { value: code.to_owned(), label: name.to_owned() }).collect()
}

/// The allowed values `/kyc/values` lists beside the fields, for a field whose own `enum` is missing.
fn top_level_list<'a>(values: &'a KycValues, name: &str) -> Option<&'a [String]> {
    let list = match name {
        "annualSalary" => &values.annual_salary,
        "accountPurpose" => &values.account_purpose,
        "expectedMonthlyVolume" => &values.expected_monthly_volume,
        _ => return None,
    };
    Some(list.as_slice()).filter(|l| !l.is_empty())
}

/// The inputs of an object field: the server's own list when it sends one, the documented address
/// members for `address`, else the names its description lists ("Object with a, b, c.").
fn group_members(field: &KycField, values: &KycValues) -> Vec<FieldDef> {
    if let Some(members) = field.fields.as_deref().filter(|m| !m.is_empty()) {
        let mut children: Vec<FieldDef> = Vec::new();
        for member in members {
            if member.name.trim().is_empty() || children.iter().any(|c| c.name == member.name) {
                continue;
            }
            children.push(build_field(member, values, false));
        }
        return children;
    }
    if field.name == "address" {
        return ADDRESS_MEMBERS
            .iter()
            .map(|&(name, required, min, max)| plain_member(name, required, min, max))
            .collect();
    }
    // Without a required flag per member we cannot know which are mandatory; the server will say.
    members_in_description(field.description.as_deref().unwrap_or_default())
        .into_iter()
        .map(|name| plain_member(&name, false, None, None))
        .collect()
}

fn plain_member(name: &str, required: bool, min_length: Option<u32>, max_length: Option<u32>) -> FieldDef {
    let kind = if is_phone_name(name) {
        FieldKind::Phone
    } else if is_country_name(name) {
        FieldKind::Country
    } else {
        FieldKind::Text
    };
    FieldDef {
        name: name.to_owned(),
        label: label_for(name),
        kind,
        required,
        min_length,
        max_length,
        pattern: None,
        options: if kind == FieldKind::Country { country_options() } else { Vec::new() },
        description: hint_for(name, kind, None),
        children: Vec::new(),
        secret: is_secret_name(name),
    }
}

/// `"Object with line1, line2, city, and postalCode."` → `[line1, line2, city, postalCode]`. Only
/// identifier-like words count, so ordinary prose yields nothing rather than nonsense inputs.
fn members_in_description(description: &str) -> Vec<String> {
    let Some((_, list)) = description.split_once(" with ") else { return Vec::new() };
    let list = list.split(['.', ';', '(']).next().unwrap_or_default();
    let list = list.replace(" and ", ",").replace(" or ", ",");
    let mut names: Vec<String> = Vec::new();
    for part in list.split(',') {
        let part = part.trim();
        let part = part.strip_prefix("and ").or_else(|| part.strip_prefix("or ")).unwrap_or(part).trim();
        if part.is_empty() {
            // "a, b, and c" leaves an empty piece between the comma and the "and".
            continue;
        }
        let is_identifier = !part.is_empty()
            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && part.starts_with(|c: char| c.is_ascii_alphabetic());
        if !is_identifier {
            return Vec::new();
        }
        if !names.iter().any(|n| n == part) {
            names.push(part.to_owned());
        }
    }
    names
}

// ---------------------------------------------------------------------------------------------------
// Names: labels and what a name tells us.

/// Nicer labels for the names the guide documents; anything else is derived from the name.
fn known_label(name: &str) -> Option<&'static str> {
    Some(match name {
        "nationalId" => "National ID number",
        "birthDate" => "Date of birth",
        "email" => "Email address",
        "line1" => "Address line 1",
        "line2" => "Address line 2",
        "region" => "State or region",
        // Inside `address`: the country the address is in, as opposed to the phone's calling code.
        "countryCode" => "Country",
        _ => return None,
    })
}

/// The hint under an input. Fields the guide documents get ours, written for the person filling in the
/// form: the server's descriptions are written for developers ("Object with line1, line2…", "ISO-3166-1
/// alpha-2", "Use /kyc/values for the list"). A field we do not know keeps the server's description,
/// since it is all there is; a date without one is told the format. `Some` for a known name with no hint
/// means the label says enough.
fn hint_for(name: &str, kind: FieldKind, server: Option<&str>) -> Option<String> {
    let ours: Option<Option<&str>> = match name {
        "firstName" | "lastName" => Some(Some("As it is written on your ID.")),
        "birthDate" => Some(Some("Year, month and day, for example 1990-04-25.")),
        "nationalId" => {
            Some(Some("The number on your passport, national ID card or tax card. Spaces are left out for you."))
        }
        "countryOfIssue" => Some(Some("The country that issued that document.")),
        "email" => Some(Some("Machines Cash may write to you here about your card.")),
        "address" => Some(Some("Where you live now.")),
        "phoneCountryCode" => Some(Some("The digits after + when calling from abroad: 1 for the US, 44 for the UK.")),
        "phoneNumber" => Some(Some("With the area code. Spaces and dashes are fine.")),
        "occupation" => Some(Some("Type a few letters of your job, then choose it from the list.")),
        "annualSalary" => Some(Some("Before tax, in US dollars.")),
        "expectedMonthlyVolume" => Some(Some("Roughly how much you expect to spend with the card each month.")),
        "line2" => Some(Some("Apartment, suite or unit, if any.")),
        "postalCode" => Some(Some("ZIP code or postcode.")),
        "accountPurpose" | "line1" | "city" | "region" | "countryCode" => Some(None),
        _ => None,
    };
    match ours {
        Some(hint) => hint.map(str::to_owned),
        None => {
            server.map(str::trim).filter(|d| !d.is_empty()).map(str::to_owned).or_else(|| {
                (kind == FieldKind::Date).then(|| "Year, month and day, for example 1990-04-25.".to_owned())
            })
        }
    }
}

/// A human label: `firstName` → "First name", `countryOfIssue` → "Country of issue", `tax_id` → "Tax ID".
pub fn label_for(name: &str) -> String {
    if let Some(label) = known_label(name) {
        return label.to_owned();
    }
    let words = split_words(name);
    let mut label = String::new();
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            label.push(' ');
        }
        let lower = word.to_lowercase();
        if let Some(acronym) = acronym(&lower) {
            label.push_str(acronym);
        } else if word.chars().count() > 1 && word.chars().all(|c| c.is_uppercase() || c.is_ascii_digit()) {
            // Already an acronym as sent ("SSN", "IBAN").
            label.push_str(word);
        } else if i == 0 {
            let mut chars = lower.chars();
            if let Some(first) = chars.next() {
                label.extend(first.to_uppercase());
                label.push_str(chars.as_str());
            }
        } else {
            label.push_str(&lower);
        }
    }
    if label.is_empty() {
        name.to_owned()
    } else {
        label
    }
}

fn acronym(lower_word: &str) -> Option<&'static str> {
    Some(match lower_word {
        "id" => "ID",
        "ssn" => "SSN",
        "tin" => "TIN",
        "url" => "URL",
        "iban" => "IBAN",
        "vat" => "VAT",
        "dob" => "DOB",
        _ => return None,
    })
}

/// Splits camelCase, PascalCase, snake_case and kebab-case names into words; a run of capitals stays one
/// word (`SSNLast4` → SSN, Last, 4) and digits are their own word (`line1` → line, 1).
fn split_words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let Some(&prev) = i.checked_sub(1).and_then(|p| chars.get(p)) {
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary = (prev.is_lowercase() && c.is_uppercase())
                || (prev.is_numeric() && c.is_alphabetic())
                || (prev.is_alphabetic() && c.is_numeric())
                || (prev.is_uppercase() && c.is_uppercase() && next_is_lower);
            if boundary && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn lower_words(name: &str) -> Vec<String> {
    split_words(name).iter().map(|w| w.to_lowercase()).collect()
}

/// A government identifier, masked in the UI. Word-based, so `businessName` (which contains the letters
/// "ssn") and `nationality` (a country) are not masked.
fn is_secret_name(name: &str) -> bool {
    let words = lower_words(name);
    words.iter().any(|w| matches!(w.as_str(), "national" | "ssn" | "taxid" | "tin" | "passport"))
        || words.windows(2).any(|pair| pair[0] == "tax" && pair[1] == "id")
}

fn is_email_name(name: &str) -> bool {
    lower_words(name).iter().any(|w| w == "email")
}

fn is_birth_name(name: &str) -> bool {
    lower_words(name).iter().any(|w| w == "birth" || w == "dob" || w == "birthdate")
}

fn is_phone_name(name: &str) -> bool {
    lower_words(name).first().is_some_and(|w| w == "phone")
}

/// An ISO-3166-1 alpha-2 country field (`countryOfIssue`, `countryCode`, `country`), not a calling code:
/// `phoneCountryCode` starts with "phone" and so is not one.
fn is_country_name(name: &str) -> bool {
    lower_words(name).first().is_some_and(|w| w == "country")
}

// ---------------------------------------------------------------------------------------------------
// Values.

/// What the person typed, held in Rust only. Keys are dotted paths: `firstName` for a top-level field,
/// `address.postalCode` for a member of a group. Across IPC it arrives as a flat JSON object of strings
/// (`{"firstName": "…", "address.postalCode": "…"}`); it is never sent back, never serialized and never
/// written to disk, and every value is wiped when dropped or replaced.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct FormValues {
    values: BTreeMap<String, SecretString>,
}

impl FormValues {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the value at `path`; an empty value clears it, since empty and absent mean the same here.
    pub fn set(&mut self, path: impl Into<String>, value: SecretString) {
        let path = path.into();
        if value.is_empty() {
            self.values.remove(&path);
        } else {
            self.values.insert(path, value);
        }
    }

    pub fn get(&self, path: &str) -> Option<&SecretString> {
        self.values.get(path)
    }

    /// Removes the value at `path` (its buffer is wiped as it drops).
    pub fn clear(&mut self, path: &str) {
        self.values.remove(path);
    }

    /// Forgets everything, e.g. after a successful submission or on sign-out.
    pub fn clear_all(&mut self) {
        self.values.clear();
    }

    /// Takes every entry of `update` (what the webview sent since last time), moving the secrets rather
    /// than copying them; an empty entry clears that path.
    pub fn merge(&mut self, update: FormValues) {
        for (path, value) in update.values {
            self.set(path, value);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The paths that hold a value (names are not secret).
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }
}

impl fmt::Debug for FormValues {
    /// Field names only: the values are PII.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.values.keys().map(|k| (k, "[redacted]"))).finish()
    }
}

impl specta::Type for FormValues {
    /// On the TypeScript side it is what the webview sends: `{ [path: string]: string }`.
    fn definition(types: &mut specta::Types) -> specta::datatype::DataType {
        <BTreeMap<String, String> as specta::Type>::definition(types)
    }
}

// ---------------------------------------------------------------------------------------------------
// Client-side checks.

/// Checks every input the way the server will, so a person hears about problems before submitting. One
/// problem per input (the first), in form order. Where a rule cannot be interpreted (a regex shape we do
/// not understand) it is skipped: the server still checks, and a false error would block the person.
pub fn validate(def: &FormDefinition, values: &FormValues, today: Date) -> Vec<FieldProblem> {
    let values = &kyc_tidy::tidy(def, values);
    let mut problems = Vec::new();
    for field in &def.fields {
        if field.kind != FieldKind::Group {
            if let Some(message) = check_field(field, values.get(&field.name), today) {
                problems.push(FieldProblem::new(field.name.clone(), message));
            }
            continue;
        }
        // An optional group left entirely blank is not sent at all, so its members' rules don't apply.
        let paths: Vec<String> = field.children.iter().map(|c| member_path(&field.name, &c.name)).collect();
        let any_given = paths.iter().any(|p| values.get(p).is_some_and(|v| !v.expose().trim().is_empty()));
        if !field.required && !any_given {
            continue;
        }
        for (child, path) in field.children.iter().zip(paths) {
            if let Some(message) = check_field(child, values.get(&path), today) {
                problems.push(FieldProblem::new(path, message));
            }
        }
    }
    problems
}

pub(crate) fn member_path(group: &str, member: &str) -> String {
    format!("{group}.{member}")
}

/// The first problem with one input, as a sentence.
fn check_field(field: &FieldDef, value: Option<&SecretString>, today: Date) -> Option<String> {
    let raw = value.map(SecretString::expose).unwrap_or_default();
    let text = raw.trim();
    let label = lower_first(&field.label);
    if text.is_empty() {
        return field.required.then(|| match field.kind {
            FieldKind::Select | FieldKind::Occupation | FieldKind::Country => format!("Choose your {label}."),
            _ => format!("Enter your {label}."),
        });
    }
    match field.kind {
        FieldKind::Select => {
            // Byte-exact, as the server compares: "50k-99k" with an ASCII hyphen is not "50k–99k".
            let listed = field.options.is_empty() || field.options.iter().any(|o| o.value == raw || o.value == text);
            return (!listed).then(|| "Choose one of the listed options.".to_owned());
        }
        FieldKind::Occupation => {
            // With a list, only its codes count (typed text that matches none is not a choice); a free SOC
            // code is accepted only when the server sent no list to choose from.
            let listed = if field.options.is_empty() {
                is_soc_code(text)
            } else {
                field.options.iter().any(|o| o.value == text)
            };
            if !listed {
                return Some("Choose an occupation from the list.".to_owned());
            }
        }
        FieldKind::Country => {
            // The value is a code, so the field's length limits (2 and 2) say nothing a person can act on.
            return countries::name_of(text)
                .is_none()
                .then(|| "That is not a country. Choose one from the list.".to_owned());
        }
        FieldKind::Date => {
            if let Err(message) = check_date(text, &label, is_birth_name(&field.name), today) {
                return Some(message);
            }
        }
        FieldKind::Email => {
            if !is_email(text) {
                return Some("Enter an email address like name@example.com.".to_owned());
            }
        }
        FieldKind::Phone => {
            if text.starts_with('+') {
                return Some("Leave out the + and the country code; start with the area code.".to_owned());
            }
            if !text.chars().all(|c| c.is_ascii_digit()) {
                return Some("Use digits only.".to_owned());
            }
        }
        FieldKind::Text | FieldKind::Group => {}
    }
    if let Some(message) = check_length(field, text) {
        return Some(message);
    }
    let pattern = field.pattern.as_deref()?;
    let class = ClassPattern::parse(pattern)?;
    class.problem(text)
}

/// Lengths as a person counts characters (grapheme clusters, see [`text`]).
fn check_length(field: &FieldDef, value: &str) -> Option<String> {
    let unit = if field.kind == FieldKind::Phone { "digits" } else { "characters" };
    let limit = |n: Option<u32>| n.and_then(|n| usize::try_from(n).ok());
    text::length_problem(value, limit(field.min_length), limit(field.max_length), unit)
        .or_else(|| text::api_length_problem(value, limit(field.max_length)))
}

/// `Date of birth` → `date of birth`, but `ID number` stays as it is.
fn lower_first(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => {
            let mut out: String = first.to_lowercase().collect();
            out.push_str(&label[first.len_utf8()..]);
            out
        }
        _ => label.to_owned(),
    }
}

/// `YYYY-MM-DD`, a real calendar date; for a date of birth also in the past, from 1900 on (the server
/// refuses earlier years), and at least 18 years ago.
fn check_date(text: &str, label: &str, is_birth: bool, today: Date) -> Result<(), String> {
    // Words, not the developer's `YYYY-MM-DD`; the example shows the order, which is what goes wrong.
    let shape = format!("Write your {label} as year, month and day, such as 1990-04-25.");
    let date =
        parse_ymd(text).ok_or(shape)?.ok_or_else(|| "That date does not exist. Check the day and month.".to_owned())?;
    if !is_birth {
        return Ok(());
    }
    if date >= today {
        return Err("Your date of birth must be in the past.".to_owned());
    }
    if date.year() < 1900 {
        return Err("Check the year: it must be 1900 or later.".to_owned());
    }
    // Same arithmetic as the server: the birthday has passed this year when (month, day) has been
    // reached, so someone born on 29 February turns 18 on 1 March in a non-leap year.
    let birthday_passed = (u8::from(today.month()), today.day()) >= (u8::from(date.month()), date.day());
    let age = today.year() - date.year() - i32::from(!birthday_passed);
    if age < 18 {
        return Err("You must be at least 18 years old.".to_owned());
    }
    Ok(())
}

/// `None` when the text is not shaped `YYYY-MM-DD`; `Some(None)` when it is but names no real day.
fn parse_ymd(text: &str) -> Option<Option<Date>> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() });
    if !shaped {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text.get(range).and_then(|s| s.parse::<u16>().ok());
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let month = u8::try_from(month).ok().and_then(|m| Month::try_from(m).ok());
    let day = u8::try_from(day).ok();
    Some(match (month, day) {
        (Some(month), Some(day)) => Date::from_calendar_date(i32::from(year), month, day).ok(),
        _ => None,
    })
}

/// A SOC code: two digits, a dash, four digits.
fn is_soc_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 7 && bytes.iter().enumerate().all(|(i, b)| if i == 2 { *b == b'-' } else { b.is_ascii_digit() })
}

/// A plausible email address, by the same rules as the server: one `@`, a local part of at most 64
/// characters, a dotted domain of letters, digits and dashes, no spaces, 254 characters at most.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else { return false };
    let labels: Vec<&str> = domain.split('.').collect();
    !local.is_empty()
        && local.len() <= 64
        && text.len() <= 254
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@')
        && labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
}

/// The one regex shape the API publishes, and its near relatives: `^[CLASS]QUANT$`, where CLASS holds
/// single characters, ranges (`A-Z`), `\d`, `\w`, `\s` and escaped punctuation, optionally negated with
/// `^`, and a `-` first or last is literal; QUANT is `+`, `*`, `{n}`, `{n,}` or `{n,m}`. Interpreting
/// this much by hand keeps a regex engine out of the app for the single pattern the API uses.
#[derive(Debug, PartialEq)]
pub(crate) struct ClassPattern {
    negated: bool,
    items: Vec<ClassItem>,
    min: usize,
    max: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ClassItem {
    Range(char, char),
    Digit,
    Word,
    Space,
}

impl ClassItem {
    fn matches(self, c: char) -> bool {
        match self {
            Self::Range(lo, hi) => lo <= c && c <= hi,
            Self::Digit => c.is_ascii_digit(),
            Self::Word => c.is_ascii_alphanumeric() || c == '_',
            Self::Space => c.is_whitespace(),
        }
    }
}

impl ClassPattern {
    /// `None` for any other shape: the caller then skips the check rather than risk a false error.
    pub(crate) fn parse(pattern: &str) -> Option<Self> {
        let body = pattern.strip_prefix('^')?.strip_suffix('$')?;
        if body.ends_with('\\') {
            // The `$` was escaped: a literal dollar, not an anchor.
            return None;
        }
        let chars: Vec<char> = body.strip_prefix('[')?.chars().collect();
        let negated = chars.first() == Some(&'^');
        let mut i = usize::from(negated);
        let mut atoms: Vec<ClassAtom> = Vec::new();
        loop {
            let c = *chars.get(i)?;
            match c {
                ']' if !atoms.is_empty() => break,
                '[' | ']' => return None,
                '\\' => {
                    let escaped = *chars.get(i + 1)?;
                    atoms.push(match escaped {
                        'd' => ClassAtom::Item(ClassItem::Digit),
                        'w' => ClassAtom::Item(ClassItem::Word),
                        's' => ClassAtom::Item(ClassItem::Space),
                        c if c.is_ascii_punctuation() => ClassAtom::Escaped(c),
                        _ => return None,
                    });
                    i += 2;
                }
                c => {
                    atoms.push(ClassAtom::Char(c));
                    i += 1;
                }
            }
        }
        let (min, max) = parse_quantifier(&chars[i + 1..].iter().collect::<String>())?;
        Some(Self { negated, items: ranges(&atoms)?, min, max })
    }

    /// Whether `text` matches the whole pattern.
    fn matches(&self, text: &str) -> bool {
        let count = text.chars().count();
        self.allows_all(text) && count >= self.min && self.max.is_none_or(|max| count <= max)
    }

    fn allows_all(&self, text: &str) -> bool {
        text.chars().all(|c| self.allows(c))
    }

    /// Whether the class lets `c` through.
    pub(crate) fn allows(&self, c: char) -> bool {
        self.items.iter().any(|item| item.matches(c)) != self.negated
    }

    /// A sentence for a text that does not match, or `None` if it does.
    fn problem(&self, text: &str) -> Option<String> {
        if self.matches(text) {
            return None;
        }
        if !self.allows_all(text) {
            return Some(match self.describe() {
                Some(allowed) => format!("Use only {allowed}."),
                None => "This contains characters that are not allowed here.".to_owned(),
            });
        }
        Some(match self.max {
            Some(max) if max == self.min => format!("Use exactly {max} characters."),
            Some(max) => format!("Use {} to {max} characters.", self.min),
            None => format!("Use at least {} characters.", self.min),
        })
    }

    /// "letters, numbers and dashes" for `[0-9A-Za-z-]`; `None` when the class is not that simple.
    fn describe(&self) -> Option<String> {
        if self.negated {
            return None;
        }
        let mut lower = false;
        let mut upper = false;
        let mut parts: Vec<&'static str> = Vec::new();
        fn add(part: &'static str, parts: &mut Vec<&'static str>) {
            if !parts.contains(&part) {
                parts.push(part);
            }
        }
        for item in &self.items {
            match *item {
                ClassItem::Range('a', 'z') => lower = true,
                ClassItem::Range('A', 'Z') => upper = true,
                ClassItem::Range('0', '9') | ClassItem::Digit => add("numbers", &mut parts),
                ClassItem::Word => {
                    lower = true;
                    upper = true;
                    add("numbers", &mut parts);
                    add("underscores", &mut parts);
                }
                ClassItem::Range('-', '-') => add("dashes", &mut parts),
                ClassItem::Range('_', '_') => add("underscores", &mut parts),
                ClassItem::Range('.', '.') => add("dots", &mut parts),
                ClassItem::Range(' ', ' ') | ClassItem::Space => add("spaces", &mut parts),
                _ => return None,
            }
        }
        let letters = match (lower, upper) {
            (true, true) => Some("letters"),
            (true, false) => Some("lower-case letters"),
            (false, true) => Some("capital letters"),
            (false, false) => None,
        };
        if let Some(letters) = letters {
            parts.insert(0, letters);
        }
        match parts.split_last() {
            None => None,
            Some((only, [])) => Some((*only).to_owned()),
            Some((last, rest)) => Some(format!("{} and {last}", rest.join(", "))),
        }
    }
}

/// A parsed class member before ranges are joined.
#[derive(Debug, Clone, Copy)]
enum ClassAtom {
    Char(char),
    /// A backslash-escaped character: always literal, so `\-` never forms a range.
    Escaped(char),
    Item(ClassItem),
}

impl ClassAtom {
    fn literal(self) -> Option<char> {
        match self {
            Self::Char(c) | Self::Escaped(c) => Some(c),
            Self::Item(_) => None,
        }
    }
}

/// Joins `a - z` triples into ranges; a `-` first or last stays a literal dash.
fn ranges(atoms: &[ClassAtom]) -> Option<Vec<ClassItem>> {
    let mut items = Vec::new();
    let mut i = 0;
    while let Some(&atom) = atoms.get(i) {
        match (atom, atoms.get(i + 1), atoms.get(i + 2)) {
            (_, Some(ClassAtom::Char('-')), Some(&hi)) => {
                // `\d-z` and `a-\d` are not ranges any engine agrees on.
                let (lo, hi) = (atom.literal()?, hi.literal()?);
                if lo > hi {
                    return None;
                }
                items.push(ClassItem::Range(lo, hi));
                i += 3;
            }
            (ClassAtom::Item(item), _, _) => {
                items.push(item);
                i += 1;
            }
            (ClassAtom::Char(c) | ClassAtom::Escaped(c), _, _) => {
                items.push(ClassItem::Range(c, c));
                i += 1;
            }
        }
    }
    Some(items)
}

/// `+`, `*`, `{n}`, `{n,}`, `{n,m}` as (min, max).
fn parse_quantifier(quantifier: &str) -> Option<(usize, Option<usize>)> {
    match quantifier {
        "+" => return Some((1, None)),
        "*" => return Some((0, None)),
        "" => return Some((1, Some(1))),
        _ => {}
    }
    let inner = quantifier.strip_prefix('{')?.strip_suffix('}')?;
    match inner.split_once(',') {
        None => {
            let n = inner.parse().ok()?;
            Some((n, Some(n)))
        }
        Some((min, "")) => Some((min.parse().ok()?, None)),
        Some((min, max)) => {
            let (min, max) = (min.parse().ok()?, max.parse().ok()?);
            (min <= max).then_some((min, Some(max)))
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Submitting.

/// The body of `POST /kyc/applications`: only inputs that hold something, trimmed, with country codes
/// upper-cased and select values copied from the server's own option string (byte-exact, U+2013 kept).
/// Values the form does not define are not sent. Each value is copied into a new [`SecretString`] (a
/// wiped buffer) or cloned as one; no plain `String` copy of a value is left behind.
pub fn to_application(def: &FormDefinition, values: &FormValues) -> KycApplication {
    let values = &kyc_tidy::tidy(def, values);
    let mut application = KycApplication::new();
    for field in &def.fields {
        if field.kind == FieldKind::Group {
            let members: BTreeMap<String, SecretString> = field
                .children
                .iter()
                .filter_map(|child| {
                    let value = outgoing(child, values.get(&member_path(&field.name, &child.name)))?;
                    Some((child.name.clone(), value))
                })
                .collect();
            if !members.is_empty() {
                application.set_group(field.name.clone(), members);
            }
        } else if let Some(value) = outgoing(field, values.get(&field.name)) {
            application.set_text(field.name.clone(), value);
        }
    }
    application
}

/// The value to submit for one input, or `None` to leave it out.
fn outgoing(field: &FieldDef, value: Option<&SecretString>) -> Option<SecretString> {
    let value = value?;
    let raw = value.expose();
    let text = raw.trim();
    if text.is_empty() {
        return None;
    }
    if field.kind == FieldKind::Select {
        if let Some(option) = field.options.iter().find(|o| o.value == raw || o.value == text) {
            return Some(SecretString::from(option.value.as_str()));
        }
    }
    if field.kind == FieldKind::Country {
        // `to_ascii_uppercase` builds the String that SecretString then owns: no second copy.
        return Some(SecretString::new(text.to_ascii_uppercase()));
    }
    if text.len() == raw.len() {
        Some(value.clone())
    } else {
        Some(SecretString::from(text))
    }
}

// ---------------------------------------------------------------------------------------------------
// The server's answer.

/// Puts the server's field errors on the matching inputs. `errors[].field` is a dotted path
/// (`address.postalCode`; `address[postalCode]` is read the same way, and case is forgiven). A path
/// under a known group whose member we do not know lands on the group. An error with no field, or one
/// naming a field the form does not have, goes under `""` (the whole form) and names the field.
pub fn server_errors(def: &FormDefinition, errors: &[FieldError]) -> Vec<FieldProblem> {
    errors
        .iter()
        .map(|error| {
            let raw = error.field.as_deref().map(str::trim).filter(|f| !f.is_empty());
            match raw.and_then(|f| resolve_path(def, f)) {
                Some((path, label)) => FieldProblem::new(path, field_sentence(&label, &error.message)),
                None => FieldProblem::new("", form_sentence(raw, &error.message)),
            }
        })
        .collect()
}

/// The form's own spelling of a server path, and the label of the input it lands on.
fn resolve_path(def: &FormDefinition, raw: &str) -> Option<(String, String)> {
    let dotted = raw.replace('[', ".").replace(']', "");
    let mut segments = dotted.split('.').filter(|s| !s.is_empty());
    let top = segments.next()?;
    let field = find_named(&def.fields, top)?;
    if field.kind == FieldKind::Group {
        if let Some(child) = segments.next().and_then(|member| find_named(&field.children, member)) {
            return Some((member_path(&field.name, &child.name), child.label.clone()));
        }
    }
    Some((field.name.clone(), field.label.clone()))
}

fn find_named<'a>(fields: &'a [FieldDef], name: &str) -> Option<&'a FieldDef> {
    fields.iter().find(|f| f.name == name).or_else(|| fields.iter().find(|f| f.name.eq_ignore_ascii_case(name)))
}

/// The server writes fragments ("is required", "must be at least 2 characters"); under an input they read
/// best as "Postal code is required." Whole sentences are kept, capitalised and ended.
fn field_sentence(label: &str, message: &str) -> String {
    let message = message.trim();
    if message.is_empty() {
        return format!("Check your {}.", lower_first(label));
    }
    let first_word = message.split_whitespace().next().unwrap_or_default();
    let fragment = matches!(
        first_word,
        "is" | "are" | "must" | "should" | "cannot" | "can't" | "has" | "have" | "was" | "does" | "needs" | "may"
    );
    if fragment {
        end_sentence(&format!("{label} {message}"))
    } else {
        end_sentence(&capitalise(message))
    }
}

fn form_sentence(field: Option<&str>, message: &str) -> String {
    let message = message.trim();
    match (field, message.is_empty()) {
        (Some(field), true) => format!("The server refused {field}."),
        (Some(field), false) => end_sentence(&format!("{field} {message}")),
        (None, true) => "The server refused the form.".to_owned(),
        (None, false) => end_sentence(&capitalise(message)),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn end_sentence(text: &str) -> String {
    if text.ends_with(['.', '!', '?']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};
    use time::macros::date;

    /// `data` of the guide's `GET /kyc/values` example (seeds/000, step 3), verbatim.
    const GUIDE_VALUES: &str = r#"{
        "fields": [
            {"name": "firstName", "required": true, "type": "string", "maxLength": 50, "description": "Given name."},
            {"name": "lastName", "required": true, "type": "string", "maxLength": 50, "description": "Family name."},
            {"name": "birthDate", "required": true, "type": "date", "description": "YYYY-MM-DD (e.g., 1990-01-01)."},
            {"name": "nationalId", "required": true, "type": "string", "regex": "^[0-9A-Za-z-]+$",
             "description": "Government ID number. Letters, numbers, and dashes only."},
            {"name": "countryOfIssue", "required": true, "type": "string", "minLength": 2, "maxLength": 2,
             "description": "ISO-3166-1 alpha-2 (e.g., US)."},
            {"name": "email", "required": true, "type": "string", "description": "Valid email address."},
            {"name": "address", "required": true, "type": "object",
             "description": "Object with line1, line2, city, region, postalCode, countryCode."},
            {"name": "phoneCountryCode", "required": false, "type": "string", "maxLength": 3,
             "description": "Country calling code digits only (e.g., 1)."},
            {"name": "phoneNumber", "required": false, "type": "string", "maxLength": 15,
             "description": "Phone number digits only; include area code."},
            {"name": "occupation", "required": true, "type": "string",
             "description": "SOC occupation code (e.g., 49-3023). Use /kyc/values for the list."},
            {"name": "annualSalary", "required": true, "type": "string",
             "enum": ["<40k", "50k–99k", "100k–149k", "150k+"], "description": "Choose a salary range."},
            {"name": "accountPurpose", "required": true, "type": "string",
             "enum": ["everyday spend", "subscriptions", "business expenses", "testing", "other"],
             "description": "How the account will be used."},
            {"name": "expectedMonthlyVolume", "required": true, "type": "string",
             "enum": ["under $1k", "$1k–$5k", "$5k–$20k", "$20k+"], "description": "Choose a monthly volume range."}
        ],
        "occupations": [
            { "code": "11-1021", "label": "General and Operations Managers" },
            { "code": "11-2011", "label": "Advertising and Promotions Managers" },
            { "code": "11-3031", "label": "Financial Managers" },
            { "code": "11-9021", "label": "Construction Managers" },
            { "code": "11-9041", "label": "Architectural and Engineering Managers" },
            { "code": "11-9071", "label": "Gaming Managers" },
            { "code": "11-9141", "label": "Property, Real Estate, and Community Association Managers" },
            { "code": "13-1041", "label": "Compliance Officers" },
            { "code": "13-2011", "label": "Accountants and Auditors" },
            { "code": "13-2051", "label": "Financial Analysts" },
            { "code": "13-2052", "label": "Personal Financial Advisors" },
            { "code": "13-2082", "label": "Tax Preparers" },
            { "code": "15-1121", "label": "Computer Systems Analysts" },
            { "code": "15-1131", "label": "Computer Programmers" },
            { "code": "15-1132", "label": "Software Developers, Applications" },
            { "code": "15-1133", "label": "Software Developers, Systems Software" },
            { "code": "15-1141", "label": "Database Administrators" },
            { "code": "15-1142", "label": "Information Security Analysts" },
            { "code": "15-1143", "label": "Computer Network Architects" },
            { "code": "15-1151", "label": "Computer User Support Specialists" },
            { "code": "17-2051", "label": "Civil Engineers" },
            { "code": "17-2071", "label": "Electrical Engineers" },
            { "code": "17-2141", "label": "Mechanical Engineers" },
            { "code": "19-3011", "label": "Economists" },
            { "code": "23-1011", "label": "Lawyers" },
            { "code": "23-2011", "label": "Paralegals and Legal Assistants" },
            { "code": "25-2021", "label": "Elementary School Teachers" },
            { "code": "27-1024", "label": "Graphic Designers" },
            { "code": "27-2012", "label": "Producers and Directors" },
            { "code": "29-1141", "label": "Registered Nurses" },
            { "code": "29-1062", "label": "Family and General Practitioners" },
            { "code": "29-1067", "label": "Surgeons" },
            { "code": "31-9097", "label": "Phlebotomists" },
            { "code": "33-3021", "label": "Detectives and Criminal Investigators" },
            { "code": "35-1011", "label": "Chefs and Head Cooks" },
            { "code": "41-9011", "label": "Demonstrators and Product Promoters" },
            { "code": "41-9021", "label": "Real Estate Brokers" },
            { "code": "43-3071", "label": "Tellers" },
            { "code": "47-1011", "label": "Construction Supervisors" },
            { "code": "47-2061", "label": "Construction Laborers" },
            { "code": "49-3023", "label": "Automotive Service Technicians and Mechanics" },
            { "code": "51-4121", "label": "Welders, Cutters, Solderers, and Brazers" },
            { "code": "53-3032", "label": "Heavy and Tractor-Trailer Truck Drivers" },
            { "code": "53-3041", "label": "Taxi Drivers and Chauffeurs" },
            { "code": "SELFEMP", "label": "Self-Employed" },
            { "code": "UNEMPLO", "label": "Unemployed" },
            { "code": "RETIRED", "label": "Retired" },
            { "code": "OTHERXX", "label": "Other" }
        ],
        "annualSalary": ["<40k", "50k–99k", "100k–149k", "150k+"],
        "expectedMonthlyVolume": ["under $1k", "$1k–$5k", "$5k–$20k", "$20k+"],
        "accountPurpose": ["everyday spend", "subscriptions", "business expenses", "testing", "other"]
    }"#;

    const TODAY: Date = date!(2024 - 06 - 15);

    fn guide_form() -> FormDefinition {
        let values: KycValues = serde_json::from_str(GUIDE_VALUES).unwrap();
        FormDefinition::from_values(&values)
    }

    /// The guide's example application (seeds/000, step 4), as the webview would send it.
    fn guide_values() -> FormValues {
        let mut values = FormValues::new();
        for (path, value) in [
            ("firstName", "John"),
            ("lastName", "smith"),
            ("birthDate", "1990-01-01"),
            ("nationalId", "123456789"),
            ("countryOfIssue", "US"),
            ("email", "john@example.com"),
            ("address.line1", "123 Main St"),
            ("address.line2", "Unit 4"),
            ("address.city", "New York"),
            ("address.region", "NY"),
            ("address.postalCode", "10001"),
            ("address.countryCode", "US"),
            ("occupation", "49-3023"),
            ("annualSalary", "<40k"),
            ("accountPurpose", "everyday spend"),
            ("expectedMonthlyVolume", "under $1k"),
            ("phoneCountryCode", "1"),
            ("phoneNumber", "4155551234"),
        ] {
            values.set(path, SecretString::from(value));
        }
        values
    }

    fn with(mut values: FormValues, path: &str, value: &str) -> FormValues {
        values.set(path, SecretString::from(value));
        values
    }

    /// The problem on one input, if any.
    fn problem_on(def: &FormDefinition, values: &FormValues, path: &str) -> Option<String> {
        validate(def, values, TODAY).into_iter().find(|p| p.field == path).map(|p| p.message)
    }

    fn body(application: &KycApplication) -> Value {
        serde_json::from_slice(&application.to_json_body().unwrap()).unwrap()
    }

    #[test]
    fn guide_form_has_every_field_with_its_rules() {
        let form = guide_form();
        let names: Vec<&str> = form.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "firstName",
                "lastName",
                "birthDate",
                "nationalId",
                "countryOfIssue",
                "email",
                "address",
                "phoneCountryCode",
                "phoneNumber",
                "occupation",
                "annualSalary",
                "accountPurpose",
                "expectedMonthlyVolume"
            ]
        );
        let first = form.field("firstName").unwrap();
        assert_eq!(
            (first.label.as_str(), first.kind, first.required, first.max_length),
            ("First name", FieldKind::Text, true, Some(50))
        );
        assert_eq!(first.description.as_deref(), Some("As it is written on your ID."));
        assert_eq!(form.field("countryOfIssue").unwrap().label, "Country of issue");
        assert_eq!(form.field("birthDate").unwrap().label, "Date of birth");
        assert_eq!(form.field("birthDate").unwrap().kind, FieldKind::Date);
        let national = form.field("nationalId").unwrap();
        assert_eq!(national.label, "National ID number");
        assert_eq!(national.pattern.as_deref(), Some("^[0-9A-Za-z-]+$"));
        // Only the national id is masked.
        let secret: Vec<&str> = form.fields.iter().filter(|f| f.secret).map(|f| f.name.as_str()).collect();
        assert_eq!(secret, ["nationalId"]);
        assert_eq!(form.field("email").unwrap().kind, FieldKind::Email);
        assert_eq!(form.field("phoneNumber").unwrap().kind, FieldKind::Phone);
        assert_eq!(form.field("phoneCountryCode").unwrap().label, "Phone country code");
        assert!(!form.field("phoneNumber").unwrap().required);
    }

    #[test]
    fn address_is_a_group_of_the_documented_members() {
        let form = guide_form();
        let address = form.field("address").unwrap();
        assert_eq!(address.kind, FieldKind::Group);
        let members: Vec<(&str, bool)> = address.children.iter().map(|c| (c.name.as_str(), c.required)).collect();
        assert_eq!(
            members,
            [
                ("line1", true),
                ("line2", false),
                ("city", true),
                ("region", true),
                ("postalCode", true),
                ("countryCode", true)
            ]
        );
        let postal = form.field("address.postalCode").unwrap();
        assert_eq!((postal.label.as_str(), postal.max_length), ("Postal code", Some(20)));
        assert_eq!(form.field("address.line1").unwrap().label, "Address line 1");
        assert_eq!(form.field("address.countryCode").unwrap().label, "Country");
    }

    #[test]
    fn options_are_byte_exact_and_occupations_searchable() {
        let form = guide_form();
        let salary = form.field("annualSalary").unwrap();
        assert_eq!(salary.kind, FieldKind::Select);
        let values: Vec<&str> = salary.options.iter().map(|o| o.value.as_str()).collect();
        assert_eq!(values, ["<40k", "50k\u{2013}99k", "100k\u{2013}149k", "150k+"]);
        assert_eq!(salary.options[1].value.as_bytes(), b"50k\xE2\x80\x9399k");
        assert_eq!(salary.options[1].label, salary.options[1].value);
        assert_eq!(form.field("expectedMonthlyVolume").unwrap().options[1].value.as_bytes(), b"$1k\xE2\x80\x93$5k");
        assert_eq!(form.field("accountPurpose").unwrap().options.len(), 5);

        let occupation = form.field("occupation").unwrap();
        assert_eq!(occupation.kind, FieldKind::Occupation);
        assert_eq!(occupation.options.len(), 48);
        assert_eq!(
            occupation.options[0],
            FieldOption { value: "11-1021".into(), label: "11-1021 \u{2014} General and Operations Managers".into() }
        );
        assert_eq!(occupation.options[47].value, "OTHERXX");
    }

    /// A server that adds fields this version has never seen: they all appear, with their rules.
    fn drifted_values() -> KycValues {
        serde_json::from_value(json!({
            "fields": [
                {"name": "firstName", "required": true, "type": "string", "maxLength": 50},
                {"name": "nickname", "required": false, "type": "string", "maxLength": 5},
                {"name": "sourceOfFunds", "required": true, "type": "string", "enum": ["salary", "savings"]},
                {"name": "taxId", "required": true, "regex": "^[0-9]{9}$"},
                {"name": "favouriteColour", "type": "emoji"},
                {"name": "accountPurpose", "required": true, "type": "string"},
                {"name": "employer", "type": "object", "required": false,
                 "fields": [{"name": "companyName", "required": true}, {"name": "phoneNumber"}]},
                {"name": "mailing", "type": "object", "required": false,
                 "description": "Object with street, town and zip."},
                {"name": "", "required": true}
            ],
            "accountPurpose": ["testing", "other"]
        }))
        .unwrap()
    }

    #[test]
    fn unknown_fields_still_appear() {
        let form = FormDefinition::from_values(&drifted_values());
        let names: Vec<&str> = form.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "firstName",
                "nickname",
                "sourceOfFunds",
                "taxId",
                "favouriteColour",
                "accountPurpose",
                "employer",
                "mailing"
            ]
        );

        let nickname = form.field("nickname").unwrap();
        assert_eq!(
            (nickname.kind, nickname.label.as_str(), nickname.max_length),
            (FieldKind::Text, "Nickname", Some(5))
        );
        let funds = form.field("sourceOfFunds").unwrap();
        assert_eq!((funds.kind, funds.label.as_str()), (FieldKind::Select, "Source of funds"));
        assert_eq!(funds.options[1], FieldOption { value: "savings".into(), label: "savings".into() });
        let tax = form.field("taxId").unwrap();
        assert_eq!((tax.label.as_str(), tax.secret, tax.kind), ("Tax ID", true, FieldKind::Text));
        assert_eq!(form.field("favouriteColour").unwrap().kind, FieldKind::Text);
        // No enum on the field: the top-level list of the same name supplies the options.
        let purpose: Vec<&str> =
            form.field("accountPurpose").unwrap().options.iter().map(|o| o.value.as_str()).collect();
        assert_eq!(purpose, ["testing", "other"]);
        // The server's own member list, and a member list read from the description.
        let employer = form.field("employer").unwrap();
        assert_eq!(employer.kind, FieldKind::Group);
        assert_eq!(form.field("employer.companyName").unwrap().label, "Company name");
        assert_eq!(form.field("employer.phoneNumber").unwrap().kind, FieldKind::Phone);
        let mailing: Vec<&str> = form.field("mailing").unwrap().children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(mailing, ["street", "town", "zip"]);
    }

    #[test]
    fn unknown_fields_are_checked_and_sent() {
        let form = FormDefinition::from_values(&drifted_values());
        let mut values = FormValues::new();
        values.set("firstName", SecretString::from("Ada"));
        values.set("nickname", SecretString::from("Adalovelace"));
        values.set("sourceOfFunds", SecretString::from("lottery"));
        values.set("taxId", SecretString::from("12345"));
        values.set("accountPurpose", SecretString::from("testing"));
        values.set("employer.phoneNumber", SecretString::from("5551234"));
        let problems = validate(&form, &values, TODAY);
        let by_field: Vec<(&str, &str)> = problems.iter().map(|p| (p.field.as_str(), p.message.as_str())).collect();
        assert_eq!(
            by_field,
            [
                ("nickname", "Use at most 5 characters; this has 11."),
                ("sourceOfFunds", "Choose one of the listed options."),
                ("taxId", "Use exactly 9 characters."),
                // Optional group, but one member was filled in, so its required member is asked for.
                ("employer.companyName", "Enter your company name."),
            ]
        );

        let values = with(with(with(values, "nickname", "Ada"), "sourceOfFunds", "savings"), "taxId", "123456789");
        let values = with(values, "employer.companyName", "Analytical Engines");
        assert!(validate(&form, &values, TODAY).is_empty());
        let sent = body(&to_application(&form, &values));
        assert_eq!(
            sent,
            json!({"firstName": "Ada", "nickname": "Ada", "sourceOfFunds": "savings", "taxId": "123456789",
                   "accountPurpose": "testing",
                   "employer": {"companyName": "Analytical Engines", "phoneNumber": "5551234"}})
        );
    }

    #[test]
    fn labels_read_like_words() {
        for (name, label) in [
            ("firstName", "First name"),
            ("countryOfIssue", "Country of issue"),
            ("expectedMonthlyVolume", "Expected monthly volume"),
            ("source_of_funds", "Source of funds"),
            ("SSNLast4", "SSN last 4"),
            ("passportID", "Passport ID"),
            ("x", "X"),
        ] {
            assert_eq!(label_for(name), label, "{name}");
        }
        assert!(is_secret_name("ssn") && is_secret_name("tax_id") && is_secret_name("passportNumber"));
        assert!(!is_secret_name("businessName") && !is_secret_name("nationality"));
    }

    #[test]
    fn the_guide_application_passes() {
        assert_eq!(validate(&guide_form(), &guide_values(), TODAY), []);
        // Without the optional phone fields too.
        let mut values = guide_values();
        values.clear("phoneNumber");
        values.clear("phoneCountryCode");
        values.clear("address.line2");
        assert_eq!(validate(&guide_form(), &values, TODAY), []);
    }

    #[test]
    fn an_empty_form_asks_for_every_required_input() {
        let problems = validate(&guide_form(), &FormValues::new(), TODAY);
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "firstName",
                "lastName",
                "birthDate",
                "nationalId",
                "countryOfIssue",
                "email",
                "address.line1",
                "address.city",
                "address.region",
                "address.postalCode",
                "address.countryCode",
                "occupation",
                "annualSalary",
                "accountPurpose",
                "expectedMonthlyVolume"
            ]
        );
        let message = |field: &str| problems.iter().find(|p| p.field == field).unwrap().message.as_str();
        assert_eq!(message("firstName"), "Enter your first name.");
        // The hint under the input already gives the format.
        assert_eq!(message("birthDate"), "Enter your date of birth.");
        assert_eq!(message("nationalId"), "Enter your national ID number.");
        assert_eq!(message("address.postalCode"), "Enter your postal code.");
        assert_eq!(message("annualSalary"), "Choose your annual salary.");
        // Whitespace alone is not an answer.
        let blank = with(FormValues::new(), "firstName", "   ");
        assert_eq!(problem_on(&guide_form(), &blank, "firstName").as_deref(), Some("Enter your first name."));
    }

    #[test]
    fn dates_must_be_real_past_and_adult() {
        let form = guide_form();
        let check = |value: &str| problem_on(&form, &with(guide_values(), "birthDate", value), "birthDate");
        assert_eq!(
            check("01/01/1990").as_deref(),
            Some("Write your date of birth as year, month and day, such as 1990-04-25.")
        );
        // Missing zeros are harmless; the order is not guessed.
        assert_eq!(check("1990-1-1"), None);
        assert_eq!(check("1990/4/25"), None);
        assert_eq!(
            check("25/04/1990").as_deref(),
            Some("Write your date of birth as year, month and day, such as 1990-04-25.")
        );
        assert_eq!(
            check("1990-01-01T00:00:00.000Z").as_deref(),
            Some("Write your date of birth as year, month and day, such as 1990-04-25.")
        );
        assert_eq!(check("1990-02-30").as_deref(), Some("That date does not exist. Check the day and month."));
        assert_eq!(check("1990-13-01").as_deref(), Some("That date does not exist. Check the day and month."));
        assert_eq!(check("2030-01-01").as_deref(), Some("Your date of birth must be in the past."));
        assert_eq!(check("2024-06-15").as_deref(), Some("Your date of birth must be in the past."));
        assert_eq!(check("1899-12-31").as_deref(), Some("Check the year: it must be 1900 or later."));
        // 18 on the day itself, 17 the day before.
        assert_eq!(check("2006-06-15"), None);
        assert_eq!(check("2006-06-16").as_deref(), Some("You must be at least 18 years old."));
        assert_eq!(check(" 1990-01-01 "), None);
        // Born on a leap day: an adult on 1 March of a non-leap year, not on 28 February.
        let leap = with(FormValues::new(), "birthDate", "2004-02-29");
        let on =
            |today: Date| validate(&form, &leap, today).into_iter().find(|p| p.field == "birthDate").map(|p| p.message);
        assert_eq!(on(date!(2022 - 02 - 28)).as_deref(), Some("You must be at least 18 years old."));
        assert_eq!(on(date!(2022 - 03 - 01)), None);
    }

    #[test]
    fn national_id_follows_the_servers_pattern() {
        let form = guide_form();
        let check = |value: &str| problem_on(&form, &with(guide_values(), "nationalId", value), "nationalId");
        assert_eq!(check("AB-123-c"), None);
        // Spaces are left out for the person; the pattern allows dashes, so they stay.
        assert_eq!(check("123 456"), None);
        assert_eq!(check("123/456").as_deref(), Some("Use only letters, numbers and dashes."));
        assert_eq!(check("123_456").as_deref(), Some("Use only letters, numbers and dashes."));
        // The message never repeats what was typed.
        assert!(!check("999!secret").unwrap().contains("secret"));
    }

    #[test]
    fn class_patterns_are_read_or_left_alone() {
        let pattern = |p: &str| ClassPattern::parse(p);
        let national = pattern("^[0-9A-Za-z-]+$").unwrap();
        assert!(national.matches("abc-123") && !national.matches("") && !national.matches("a b"));
        assert!(pattern("^[-a-z]+$").unwrap().matches("-a-"));
        assert!(pattern("^[\\d\\-]{3,5}$").unwrap().matches("1-2"));
        // An escaped dash is a dash, not a range from a to z.
        let escaped = pattern("^[a\\-z]+$").unwrap();
        assert!(escaped.matches("a-z") && !escaped.matches("b"));
        assert!(!pattern("^[\\d]{3,5}$").unwrap().matches("123456"));
        assert!(pattern("^[^0-9]*$").unwrap().matches("abc"));
        assert!(!pattern("^[^0-9]*$").unwrap().matches("a1"));
        assert!(pattern("^[0-9]{2}$").unwrap().matches("42"));
        assert_eq!(pattern("^[A-Z]{2}$").unwrap().problem("usa").as_deref(), Some("Use only capital letters."));
        assert_eq!(pattern("^[A-Z]{2}$").unwrap().problem("USA").as_deref(), Some("Use exactly 2 characters."));
        // Shapes we do not interpret: no verdict, so no false error.
        for other in
            ["^(a|b)$", "[a-z]+", "^[a-z]+", "^\\d{2}-\\d{4}$", "^[z-a]+$", "^[a-z]+?$", "^[[:alpha:]]+$", "^[a-z]+\\$"]
        {
            assert_eq!(pattern(other), None, "{other}");
        }
        let values = KycValues {
            fields: serde_json::from_value(json!([{"name": "code", "required": true, "regex": "^(x|y)$"}])).unwrap(),
            ..KycValues::default()
        };
        let form = FormDefinition::from_values(&values);
        assert_eq!(validate(&form, &with(FormValues::new(), "code", "anything"), TODAY), []);
    }

    #[test]
    fn enum_values_match_byte_for_byte() {
        let form = guide_form();
        let check = |value: &str| problem_on(&form, &with(guide_values(), "annualSalary", value), "annualSalary");
        assert_eq!(check("50k\u{2013}99k"), None);
        assert_eq!(check("50k-99k").as_deref(), Some("Choose one of the listed options."));
        assert_eq!(check("50K\u{2013}99K").as_deref(), Some("Choose one of the listed options."));
        let application = to_application(&form, &with(guide_values(), "annualSalary", "50k\u{2013}99k"));
        let body = application.to_json_body().unwrap();
        let needle = "\"annualSalary\":\"50k\u{2013}99k\"".as_bytes();
        assert!(body.windows(needle.len()).any(|w| w == needle));
    }

    #[test]
    fn countries_emails_phones_and_occupations() {
        let form = guide_form();
        let check = |path: &str, value: &str| problem_on(&form, &with(guide_values(), path, value), path);
        assert_eq!(check("countryOfIssue", "us"), None);
        assert_eq!(check("countryOfIssue", "Germany"), None);
        // Two letters, but not a country: said as such, not as a length problem.
        let not_a_country = Some("That is not a country. Choose one from the list.");
        assert_eq!(check("countryOfIssue", "XX").as_deref(), not_a_country);
        assert_eq!(check("countryOfIssue", "USA").as_deref(), not_a_country);
        assert_eq!(check("address.countryCode", "U1").as_deref(), not_a_country);
        assert_eq!(check("countryOfIssue", "").as_deref(), Some("Choose your country of issue."));
        assert_eq!(check("email", "john@").as_deref(), Some("Enter an email address like name@example.com."));
        assert_eq!(
            check("email", "john smith@example.com").as_deref(),
            Some("Enter an email address like name@example.com.")
        );
        assert_eq!(check("email", "john@example.co.uk"), None);
        // Grouping and the calling code typed again are harmless; letters are not.
        assert_eq!(check("phoneNumber", "415-555-1234"), None);
        assert_eq!(check("phoneNumber", "+1 (415) 555 1234"), None);
        assert_eq!(check("phoneNumber", "415-CALL-NOW").as_deref(), Some("Use digits only."));
        assert_eq!(
            check("phoneNumber", "+44 20 7946 0000").as_deref(),
            Some("Leave out the + and the country code; start with the area code.")
        );
        assert_eq!(check("phoneNumber", "1234567890123456").as_deref(), Some("Use at most 15 digits; this has 16."));
        assert_eq!(check("phoneCountryCode", "+1"), None);
        // A calling code is digits, not a country code.
        assert_eq!(check("phoneCountryCode", "44"), None);
        assert_eq!(check("phoneCountryCode", "1234").as_deref(), Some("Use at most 3 digits; this has 4."));
        assert_eq!(check("occupation", "SELFEMP"), None);
        assert_eq!(check("occupation", "selfemp"), None);
        assert_eq!(check("occupation", "Registered Nurses"), None);
        // Typed text counts only when it is one of the listed occupations.
        assert_eq!(check("occupation", "12-3456").as_deref(), Some("Choose an occupation from the list."));
        assert_eq!(check("occupation", "nurse").as_deref(), Some("Choose an occupation from the list."));
        assert_eq!(check("occupation", "chef").as_deref(), Some("Choose an occupation from the list."));
        // A server that sends no list: a SOC code is all a person can give.
        let values = KycValues {
            fields: serde_json::from_value(json!([{"name": "occupation", "required": true}])).unwrap(),
            ..KycValues::default()
        };
        let unlisted = FormDefinition::from_values(&values);
        assert_eq!(problem_on(&unlisted, &with(FormValues::new(), "occupation", "12-3456"), "occupation"), None);
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        let form = guide_form();
        let check = |value: &str| problem_on(&form, &with(guide_values(), "firstName", value), "firstName");
        assert_eq!(check(&"é".repeat(50)), None);
        assert_eq!(check(&"é".repeat(51)).as_deref(), Some("Use at most 50 characters; this has 51."));
        assert_eq!(check("Zoë"), None);
        // As a person counts them: "e" + combining accent is one character, and so is a flag. Within the
        // visible limit, they are still more than the server's 50 (it counts code points or UTF-16 units),
        // so the person is told that, in words, instead of "at most 50" beside a counter showing 50.
        let api = |value: &str| check(value).is_some_and(|m| m.contains("too long for Machines Cash"));
        assert!(api(&"e\u{301}".repeat(50)));
        assert!(api(&"\u{1F1EB}\u{1F1F7}".repeat(50)));
        assert_eq!(check(&"e\u{301}".repeat(25)), None);
        assert_eq!(check(&"\u{1F1EB}\u{1F1F7}".repeat(12)), None);
    }

    #[test]
    fn hints_speak_to_people_not_developers() {
        let form = guide_form();
        let mut hints: Vec<(String, String)> = Vec::new();
        for field in &form.fields {
            for def in std::iter::once(field).chain(&field.children) {
                if let Some(hint) = &def.description {
                    hints.push((def.name.clone(), hint.clone()));
                }
            }
        }
        for (name, hint) in &hints {
            for developer in ["Object with", "ISO", "alpha-2", "/kyc/values", "SOC", "YYYY", "e.g.", "digits only"] {
                assert!(!hint.contains(developer), "{name}: {hint}");
            }
        }
        let hint = |path: &str| form.field(path).unwrap().description.clone();
        assert_eq!(hint("birthDate").as_deref(), Some("Year, month and day, for example 1990-04-25."));
        assert_eq!(hint("address").as_deref(), Some("Where you live now."));
        assert_eq!(hint("countryOfIssue").as_deref(), Some("The country that issued that document."));
        assert_eq!(
            hint("occupation").as_deref(),
            Some("Type a few letters of your job, then choose it from the list.")
        );
        assert_eq!(hint("address.city"), None, "the label says enough");
        // A field we do not know keeps the server's words, since they are all there is.
        let drifted = FormDefinition::from_values(&KycValues {
            fields: serde_json::from_value(json!([
                {"name": "sourceOfFunds", "type": "string", "description": "Where the money comes from."},
                {"name": "moveInDate", "type": "date"}
            ]))
            .unwrap(),
            ..KycValues::default()
        });
        assert_eq!(drifted.field("sourceOfFunds").unwrap().description.as_deref(), Some("Where the money comes from."));
        assert_eq!(
            drifted.field("moveInDate").unwrap().description.as_deref(),
            Some("Year, month and day, for example 1990-04-25.")
        );
    }

    #[test]
    fn countries_are_a_list_of_names_that_sends_codes() {
        let form = guide_form();
        for path in ["countryOfIssue", "address.countryCode"] {
            let country = form.field(path).unwrap();
            assert_eq!(country.kind, FieldKind::Country, "{path}");
            assert_eq!(country.options.len(), 249);
            assert!(country.options.contains(&FieldOption { value: "DE".into(), label: "Germany".into() }));
        }
        // The calling code is digits, not a country.
        assert_eq!(form.field("phoneCountryCode").unwrap().kind, FieldKind::Phone);
        assert_eq!(serde_json::to_value(FieldKind::Country).unwrap(), json!("country"));
    }

    #[test]
    fn harmless_formatting_is_gone_before_checks_and_submit() {
        let form = guide_form();
        let mut values = guide_values();
        for (path, value) in [
            ("birthDate", "1990-1-1"),
            ("nationalId", "123 456 789"),
            ("countryOfIssue", "germany"),
            ("address.countryCode", "de"),
            ("phoneCountryCode", "+1"),
            ("phoneNumber", "+1 (415) 555-1234"),
        ] {
            values.set(path, SecretString::from(value));
        }
        assert_eq!(validate(&form, &values, TODAY), []);
        let sent = body(&to_application(&form, &values));
        assert_eq!(sent["birthDate"], "1990-01-01");
        assert_eq!(sent["nationalId"], "123456789");
        assert_eq!(sent["countryOfIssue"], "DE");
        assert_eq!(sent["address"]["countryCode"], "DE");
        assert_eq!(sent["phoneCountryCode"], "1");
        assert_eq!(sent["phoneNumber"], "4155551234");
    }

    #[test]
    fn the_application_is_the_guides_body() {
        let form = guide_form();
        let mut values = guide_values();
        values.set("firstName", SecretString::from("  John "));
        values.set("countryOfIssue", SecretString::from("us"));
        values.set("address.countryCode", SecretString::from(" us"));
        // Not part of the form: never sent.
        values.set("favouriteFood", SecretString::from("pizza"));
        let sent = body(&to_application(&form, &values));
        assert_eq!(
            sent,
            json!({
                "firstName": "John", "lastName": "smith", "birthDate": "1990-01-01", "nationalId": "123456789",
                "countryOfIssue": "US", "email": "john@example.com",
                "address": {"line1": "123 Main St", "city": "New York", "region": "NY", "postalCode": "10001",
                            "countryCode": "US", "line2": "Unit 4"},
                "occupation": "49-3023", "annualSalary": "<40k", "accountPurpose": "everyday spend",
                "expectedMonthlyVolume": "under $1k", "phoneCountryCode": "1", "phoneNumber": "4155551234"
            })
        );
        // Empty optional inputs are left out rather than sent as "".
        let mut values = guide_values();
        values.set("phoneNumber", SecretString::from("   "));
        values.set("address.line2", SecretString::from(""));
        let sent = body(&to_application(&form, &values));
        assert!(sent.get("phoneNumber").is_none());
        assert!(sent["address"].get("line2").is_none());
        assert_eq!(sent["address"]["line1"], "123 Main St");
        // An optional group with nothing in it is not sent at all.
        let drifted = FormDefinition::from_values(&drifted_values());
        assert!(body(&to_application(&drifted, &FormValues::new())).as_object().unwrap().is_empty());
    }

    #[test]
    fn server_errors_land_on_their_inputs() {
        let form = guide_form();
        let error = |field: Option<&str>, message: &str| FieldError {
            code: Some("invalid_request".into()),
            message: message.into(),
            field: field.map(str::to_owned),
        };
        let problems = server_errors(
            &form,
            &[
                error(Some("address.postalCode"), "is required"),
                error(Some("firstName"), "must be at most 50 characters"),
                error(Some("address[countryCode]"), "must be an ISO-3166-1 alpha-2 country code"),
                error(Some("Email"), "Invalid address"),
                error(Some("address.poBox"), "is not allowed"),
                error(Some("middleName"), "is required"),
                error(None, "missing required field"),
                error(Some(""), ""),
            ],
        );
        assert_eq!(
            problems,
            [
                FieldProblem::new("address.postalCode", "Postal code is required."),
                FieldProblem::new("firstName", "First name must be at most 50 characters."),
                FieldProblem::new("address.countryCode", "Country must be an ISO-3166-1 alpha-2 country code."),
                FieldProblem::new("email", "Invalid address."),
                FieldProblem::new("address", "Address is not allowed."),
                FieldProblem::new("", "middleName is required."),
                FieldProblem::new("", "Missing required field."),
                FieldProblem::new("", "The server refused the form."),
            ]
        );
    }

    #[test]
    fn values_stay_secret() {
        let mut values = guide_values();
        let printed = format!("{values:?}");
        assert!(printed.contains("nationalId") && printed.contains("address.postalCode"), "{printed}");
        for secret in ["123456789", "John", "Main St", "4155551234"] {
            assert!(!printed.contains(secret), "{printed}");
        }
        // What goes back to the webview (definition and problems) never carries a value.
        values.set("nationalId", SecretString::from("SECRET/99"));
        values.set("email", SecretString::from("SECRET@"));
        let problems = validate(&guide_form(), &values, TODAY);
        assert_eq!(problems.len(), 2);
        let outbound = serde_json::to_string(&(guide_form(), problems)).unwrap();
        assert!(!outbound.contains("SECRET"), "{outbound}");
        assert!(!outbound.contains("123456789"));
    }

    #[test]
    fn values_arrive_as_a_flat_map_and_can_be_cleared() {
        let mut values: FormValues =
            serde_json::from_str(r#"{"firstName": "John", "address.postalCode": "10001"}"#).unwrap();
        assert_eq!(values.get("address.postalCode").map(SecretString::expose), Some("10001"));
        let update: FormValues = serde_json::from_str(r#"{"firstName": "", "lastName": "Smith"}"#).unwrap();
        values.merge(update);
        assert_eq!(values.paths().collect::<Vec<_>>(), ["address.postalCode", "lastName"]);
        values.clear("lastName");
        assert!(values.get("lastName").is_none());
        values.clear_all();
        assert!(values.is_empty());
    }

    #[test]
    fn views_have_typescript_types() {
        let mut types = specta::Types::default();
        let _ = <FormDefinition as specta::Type>::definition(&mut types);
        let _ = <FieldProblem as specta::Type>::definition(&mut types);
        let _ = <FormValues as specta::Type>::definition(&mut types);
        assert_eq!(serde_json::to_value(FieldKind::Occupation).unwrap(), json!("occupation"));
        let serialized = serde_json::to_value(guide_form().field("nationalId").unwrap()).unwrap();
        assert_eq!(serialized["minLength"], Value::Null);
        assert_eq!(serialized["secret"], true);
        assert_eq!(serialized["kind"], "text");
    }
}
