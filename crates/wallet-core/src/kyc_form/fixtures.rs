//! The guide's own form and application, shared by the tests of every part of the form.

// What every test module of the form uses, so each names only what is its own.
pub(crate) use machines_api::models::kyc::{KycApplication, KycValues};
pub(crate) use machines_api::SecretString;
pub(crate) use serde_json::{json, Value};
pub(crate) use time::macros::date;
pub(crate) use time::Date;

pub(crate) use super::{to_application, validate, FormDefinition, FormValues};

/// `data` of the guide's `GET /kyc/values` example (seeds/000, step 3), verbatim.
pub(super) const GUIDE_VALUES: &str = r#"{
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

pub(super) const TODAY: Date = date!(2024 - 06 - 15);

pub(super) fn guide_form() -> FormDefinition {
    let values: KycValues = serde_json::from_str(GUIDE_VALUES).unwrap();
    FormDefinition::from_values(&values)
}

/// The guide's example application (seeds/000, step 4), as the webview would send it.
pub(super) fn guide_values() -> FormValues {
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

pub(super) fn with(mut values: FormValues, path: &str, value: &str) -> FormValues {
    values.set(path, SecretString::from(value));
    values
}

/// The problem on one input, if any.
pub(super) fn problem_on(def: &FormDefinition, values: &FormValues, path: &str) -> Option<String> {
    validate(def, values, TODAY).into_iter().find(|p| p.field == path).map(|p| p.message)
}

pub(super) fn body(application: &KycApplication) -> Value {
    serde_json::from_slice(&application.to_json_body().unwrap()).unwrap()
}

/// A server that adds fields this version has never seen: they all appear, with their rules.
pub(super) fn drifted_values() -> KycValues {
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
