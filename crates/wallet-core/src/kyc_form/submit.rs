//! Submitting: the application body sent to the server, and the server's field errors put back on inputs.

use std::collections::BTreeMap;

use machines_api::models::kyc::KycApplication;
use machines_api::{FieldError, SecretString};

use super::checks::lower_first;
use super::checks::member_path;
use super::{FieldDef, FieldKind, FieldProblem, FormDefinition, FormValues};
use crate::kyc_tidy;

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
    use crate::kyc_form::fixtures::*;

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
}
