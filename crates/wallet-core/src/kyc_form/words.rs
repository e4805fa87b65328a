//! What a field's name tells us: the label and hint a person reads, and which checks and masking apply.

use super::FieldKind;

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
pub(super) fn hint_for(name: &str, kind: FieldKind, server: Option<&str>) -> Option<String> {
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
pub(super) fn is_secret_name(name: &str) -> bool {
    let words = lower_words(name);
    words.iter().any(|w| matches!(w.as_str(), "national" | "ssn" | "taxid" | "tin" | "passport"))
        || words.windows(2).any(|pair| pair[0] == "tax" && pair[1] == "id")
}

pub(super) fn is_email_name(name: &str) -> bool {
    lower_words(name).iter().any(|w| w == "email")
}

pub(super) fn is_birth_name(name: &str) -> bool {
    lower_words(name).iter().any(|w| w == "birth" || w == "dob" || w == "birthdate")
}

pub(super) fn is_phone_name(name: &str) -> bool {
    lower_words(name).first().is_some_and(|w| w == "phone")
}

/// An ISO-3166-1 alpha-2 country field (`countryOfIssue`, `countryCode`, `country`), not a calling code:
/// `phoneCountryCode` starts with "phone" and so is not one.
pub(super) fn is_country_name(name: &str) -> bool {
    lower_words(name).first().is_some_and(|w| w == "country")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kyc_form::fixtures::*;

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
}
