//! Harmless formatting a person types, removed before the checks and before submitting, so the form asks
//! for a correction only when something is really wrong. This is the only place the rule lives: the
//! checks (`kyc_form::validate`) and the submission (`kyc_form::to_application`) both start here.
//!
//! - Phone numbers: spaces, dashes, dots and brackets go (`(415) 555-1234` → `4155551234`); a calling code
//!   loses its `+` (`+44` → `44`); a number that starts with `+` and the calling code typed beside it
//!   loses both (`+1 415 555 1234` with `1` → `4155551234`).
//! - Identifiers (national id, tax id…): spaces, and dashes too when the field's pattern has no room for
//!   them (`123-45-6789` for `^[0-9]{9}$`). A pattern that allows dashes keeps them.
//! - Dates: `1990-1-1`, `1990/1/1` and `1990.1.1` → `1990-01-01`. Other orders (`01/02/1990`) are left
//!   alone, since day and month cannot be told apart.
//! - Countries: a code in any case or a country's name → its alpha-2 code.
//! - Occupations: a code in any case, or an option's exact label → the option's code.
//! - Everything else loses surrounding spaces only. Select values are left byte for byte as chosen.

use machines_api::SecretString;

use crate::countries;
use crate::kyc_form::{member_path, ClassPattern, FieldDef, FieldKind, FormDefinition, FormValues};

/// `values` with harmless formatting removed, for every input of `def`. Values the form does not define
/// are dropped (they are never checked or sent).
pub fn tidy(def: &FormDefinition, values: &FormValues) -> FormValues {
    let mut out = FormValues::new();
    for field in &def.fields {
        if field.kind == FieldKind::Group {
            for child in &field.children {
                let path = member_path(&field.name, &child.name);
                tidy_into(&mut out, &path, child, values, |name| {
                    sibling_value(&field.children, name, values, |c| member_path(&field.name, &c.name))
                });
            }
        } else {
            tidy_into(&mut out, &field.name, field, values, |name| {
                sibling_value(&def.fields, name, values, |f| f.name.clone())
            });
        }
    }
    out
}

fn tidy_into<'a>(
    out: &mut FormValues,
    path: &str,
    field: &FieldDef,
    values: &'a FormValues,
    calling_code: impl Fn(&str) -> Option<&'a SecretString>,
) {
    let Some(value) = values.get(path) else { return };
    let code = if field.kind == FieldKind::Phone && !is_calling_code(&field.name) {
        calling_code(&field.name).map(|c| phone_digits(c.expose()))
    } else {
        None
    };
    match tidy_one(field, value.expose(), code.as_deref()) {
        // `tidy_one` built a new String for the SecretString to own: no plain copy is left behind.
        Some(tidied) => out.set(path, SecretString::new(tidied)),
        None => out.set(path, value.clone()),
    }
}

/// The value of the calling-code input beside the phone input `name`, if the form has one.
fn sibling_value<'a>(
    fields: &[FieldDef],
    name: &str,
    values: &'a FormValues,
    path_of: impl Fn(&FieldDef) -> String,
) -> Option<&'a SecretString> {
    let sibling = fields.iter().find(|f| f.name != name && f.kind == FieldKind::Phone && is_calling_code(&f.name))?;
    values.get(&path_of(sibling))
}

/// `phoneCountryCode`, `phoneCallingCode`: a calling code, not a number.
fn is_calling_code(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.contains("country") || lower.contains("calling") || lower.ends_with("prefix")
}

/// The tidied text, or `None` when the value is already as it should be sent.
fn tidy_one(field: &FieldDef, raw: &str, calling_code: Option<&str>) -> Option<String> {
    let text = raw.trim();
    let tidied = match field.kind {
        // Byte for byte: option values hold U+2013, and the check compares them exactly.
        FieldKind::Select | FieldKind::Group => return None,
        FieldKind::Phone if is_calling_code(&field.name) => {
            let digits = phone_digits(text);
            digits.strip_prefix('+').map(str::to_owned).unwrap_or(digits)
        }
        FieldKind::Phone => {
            let digits = phone_digits(text);
            match (digits.strip_prefix('+'), calling_code) {
                (Some(rest), Some(code)) if !code.is_empty() => {
                    rest.strip_prefix(code.trim_start_matches('+')).map(str::to_owned).unwrap_or(digits)
                }
                _ => digits,
            }
        }
        FieldKind::Date => padded_date(text).unwrap_or_else(|| text.to_owned()),
        FieldKind::Country => countries::code_for(text).map(str::to_owned).unwrap_or_else(|| text.to_owned()),
        FieldKind::Occupation => field
            .options
            .iter()
            .find(|o| o.value.eq_ignore_ascii_case(text) || is_label_of(&o.label, text))
            .map(|o| o.value.clone())
            .unwrap_or_else(|| text.to_owned()),
        FieldKind::Text if is_identifier(field) => without_separators(field, text),
        FieldKind::Text | FieldKind::Email => text.to_owned(),
    };
    (tidied != raw).then_some(tidied)
}

/// Whether `text` is an occupation's label ("code — label") or the part after the code, ignoring case.
fn is_label_of(label: &str, text: &str) -> bool {
    let text = text.to_lowercase();
    label.to_lowercase() == text || label.split_once(" \u{2014} ").is_some_and(|(_, name)| name.to_lowercase() == text)
}

/// Spaces, dashes, dots and brackets people use to group digits. A `+` is kept for the caller to read.
fn phone_digits(text: &str) -> String {
    text.trim().chars().filter(|c| !matches!(c, '-' | '.' | '(' | ')') && !c.is_whitespace()).collect()
}

/// A government or account identifier: masked ones, and names ending in "id".
fn is_identifier(field: &FieldDef) -> bool {
    field.secret || field.name.to_lowercase().ends_with("id")
}

/// An identifier without spaces, and without dashes unless its pattern allows them. Without a pattern we
/// cannot tell what the server wants, so only spaces go.
fn without_separators(field: &FieldDef, text: &str) -> String {
    let pattern = field.pattern.as_deref().and_then(ClassPattern::parse);
    let dashes_allowed = pattern.as_ref().is_none_or(|p| p.allows('-'));
    text.chars().filter(|&c| !c.is_whitespace() && (dashes_allowed || c != '-')).collect()
}

/// `1990-1-1`, `1990/1/1` or `1990.1.1` as `1990-01-01`; `None` for any other shape.
fn padded_date(text: &str) -> Option<String> {
    let separator = text.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let parts: Vec<&str> = text.split(separator).collect();
    let [year, month, day] = parts.as_slice() else { return None };
    let digits = |part: &str, lengths: std::ops::RangeInclusive<usize>| {
        lengths.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(year, 4..=4) && digits(month, 1..=2) && digits(day, 1..=2)) {
        return None;
    }
    Some(format!("{year}-{month:0>2}-{day:0>2}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use machines_api::models::kyc::KycValues;
    use serde_json::json;

    fn form() -> FormDefinition {
        let values: KycValues = serde_json::from_value(json!({
            "fields": [
                {"name": "birthDate", "required": true, "type": "date"},
                {"name": "nationalId", "required": true, "type": "string", "regex": "^[0-9A-Za-z-]+$"},
                {"name": "taxId", "required": false, "type": "string", "regex": "^[0-9]{9}$"},
                {"name": "countryOfIssue", "required": true, "type": "string", "minLength": 2, "maxLength": 2},
                {"name": "address", "required": true, "type": "object"},
                {"name": "phoneCountryCode", "required": false, "type": "string", "maxLength": 3},
                {"name": "phoneNumber", "required": false, "type": "string", "maxLength": 15},
                {"name": "occupation", "required": true, "type": "string"},
                {"name": "annualSalary", "required": true, "type": "string", "enum": [" 50k\u{2013}99k"]},
                {"name": "firstName", "required": true, "type": "string"}
            ],
            "occupations": [{"code": "49-3023", "label": "Automotive Service Technicians and Mechanics"}]
        }))
        .unwrap();
        FormDefinition::from_values(&values)
    }

    fn tidied(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut values = FormValues::new();
        for (path, value) in pairs {
            values.set(*path, SecretString::from(*value));
        }
        let out = tidy(&form(), &values);
        out.paths().map(|p| (p.to_owned(), out.get(p).map(|v| v.expose().to_owned()).unwrap_or_default())).collect()
    }

    fn one(path: &str, value: &str) -> String {
        tidied(&[(path, value)]).into_iter().find(|(p, _)| p == path).map(|(_, v)| v).unwrap_or_default()
    }

    #[test]
    fn phone_numbers_lose_their_grouping_and_the_calling_code() {
        assert_eq!(one("phoneNumber", "415-555-1234"), "4155551234");
        assert_eq!(one("phoneNumber", " (415) 555.1234 "), "4155551234");
        assert_eq!(one("phoneCountryCode", "+44"), "44");
        let both = tidied(&[("phoneCountryCode", "+1"), ("phoneNumber", "+1 415 555 1234")]);
        assert_eq!(both, [("phoneCountryCode".into(), "1".into()), ("phoneNumber".into(), "4155551234".into())]);
        // A `+` with a different code beside it is left for the check to name.
        let other = tidied(&[("phoneCountryCode", "44"), ("phoneNumber", "+1 415 555 1234")]);
        assert_eq!(other[1].1, "+14155551234");
    }

    #[test]
    fn identifiers_keep_only_what_their_pattern_allows() {
        assert_eq!(one("nationalId", " AB 12-34 "), "AB12-34");
        assert_eq!(one("taxId", "123-45-6789"), "123456789");
        // A name is not an identifier: its spaces are the person's.
        assert_eq!(one("firstName", " Mary Ann "), "Mary Ann");
    }

    #[test]
    fn dates_are_padded_only_when_the_order_is_certain() {
        assert_eq!(one("birthDate", "1990-1-1"), "1990-01-01");
        assert_eq!(one("birthDate", "1990/12/5"), "1990-12-05");
        assert_eq!(one("birthDate", "1990.01.31"), "1990-01-31");
        assert_eq!(one("birthDate", "01/02/1990"), "01/02/1990");
        assert_eq!(one("birthDate", "1990-1-1-1"), "1990-1-1-1");
        assert_eq!(one("birthDate", "90-1-1"), "90-1-1");
    }

    #[test]
    fn countries_occupations_and_selects() {
        assert_eq!(one("countryOfIssue", "us"), "US");
        assert_eq!(one("countryOfIssue", "Germany"), "DE");
        assert_eq!(one("countryOfIssue", "XX"), "XX");
        assert_eq!(one("address.countryCode", " gb"), "GB");
        assert_eq!(one("occupation", "Automotive Service Technicians and Mechanics"), "49-3023");
        assert_eq!(one("occupation", "nurse"), "nurse");
        // Select values are never touched, not even their spaces.
        assert_eq!(one("annualSalary", " 50k\u{2013}99k"), " 50k\u{2013}99k");
        // Inputs the form does not have are dropped.
        assert!(tidied(&[("favouriteFood", "pizza")]).is_empty());
    }
}
