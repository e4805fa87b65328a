//! The checks a person hears about before submitting, mirroring the server's rules.

use machines_api::SecretString;
use time::{Date, Month};

use super::pattern::ClassPattern;
use super::words::is_birth_name;
use super::{FieldDef, FieldKind, FieldProblem, FormDefinition, FormValues};
use crate::{countries, kyc_tidy, text};

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
pub(super) fn lower_first(label: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kyc_form::fixtures::*;

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
}
