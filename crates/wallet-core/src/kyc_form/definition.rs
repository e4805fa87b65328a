//! The form's shape, built from a `/kyc/values` answer: its inputs, their kinds, limits and options.

use machines_api::models::kyc::{KycField, KycFieldType, KycValues};
use serde::Serialize;

use super::words::{hint_for, is_birth_name, is_country_name, is_email_name, is_phone_name, is_secret_name, label_for};
use crate::countries;

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
    /// The server's regex, for information; the checks are done in Rust by [`super::validate`].
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
    pub(super) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kyc_form::fixtures::*;

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
