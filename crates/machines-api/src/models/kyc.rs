//! KYC: the form schema and allowed values, the application body (PII, kept secret) and the status.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_with::VecSkipError;
use zeroize::Zeroizing;

use super::common::{null_as_default, open_enum, optional_link, Lenient, Link};
use crate::secret::SecretString;

/// KYC status. Hand-written rather than `open_enum!` because the API spells it in snake_case, camelCase
/// and with synonyms (spec Q3), so parsing normalises before matching.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KycStatus {
    NotSubmitted,
    Pending,
    ManualReview,
    NeedsVerification,
    NeedsInformation,
    Approved,
    Denied,
    Canceled,
    Locked,
    /// A value this client does not know yet, kept as sent.
    Other(String),
}

impl KycStatus {
    /// Parses any spelling: `manual_review`, `manualReview` and `MANUAL-REVIEW` are all `ManualReview`.
    pub fn from_wire(value: &str) -> Self {
        let key: String = value.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
        match key.as_str() {
            "notsubmitted" => Self::NotSubmitted,
            "pending" => Self::Pending,
            "manualreview" => Self::ManualReview,
            "needsverification" => Self::NeedsVerification,
            "needsinformation" => Self::NeedsInformation,
            "approved" | "accepted" => Self::Approved,
            "denied" => Self::Denied,
            "canceled" | "cancelled" => Self::Canceled,
            "locked" => Self::Locked,
            _ => Self::Other(value.to_owned()),
        }
    }

    /// The snake_case spelling for known values; unknown values as sent.
    pub fn as_str(&self) -> &str {
        match self {
            Self::NotSubmitted => "not_submitted",
            Self::Pending => "pending",
            Self::ManualReview => "manual_review",
            Self::NeedsVerification => "needs_verification",
            Self::NeedsInformation => "needs_information",
            Self::Approved => "approved",
            Self::Denied => "denied",
            Self::Canceled => "canceled",
            Self::Locked => "locked",
            Self::Other(other) => other,
        }
    }

    /// No further change is expected: stop polling.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Approved | Self::Denied | Self::Canceled | Self::Locked)
    }

    /// The user has to act (open the verification link or resubmit).
    pub fn needs_action(&self) -> bool {
        matches!(self, Self::NeedsVerification | Self::NeedsInformation)
    }
}

impl fmt::Display for KycStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for KycStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for KycStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|value| Self::from_wire(&value))
    }
}

open_enum! {
    /// The input type of a KYC form field. A field without a type is rendered as a text input.
    #[derive(Default)]
    pub enum KycFieldType {
        #[default]
        String => "string",
        Date => "date",
        Object => "object",
        Number => "number",
        Boolean => "boolean",
        Email => "email",
    }
}

/// One form field of `/kyc/values` or `/kyc/schema`.
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KycField {
    pub name: String,
    #[serde(default)]
    #[serde_as(as = "Lenient")]
    pub required: bool,
    #[serde(rename = "type", default)]
    #[serde_as(as = "Lenient")]
    pub field_type: KycFieldType,
    pub max_length: Option<u32>,
    pub min_length: Option<u32>,
    pub regex: Option<String>,
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<String>>,
    pub description: Option<String>,
    /// Sub-fields of an `object` field, if the server describes them (the guide only names them in prose).
    pub fields: Option<Vec<KycField>>,
}

/// An occupation choice: SOC code (or a code such as `SELFEMP`) and its label. One the server sends
/// without a label is shown by its code (the label is filled with it): the code is what is submitted.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", from = "WireOccupation")]
pub struct Occupation {
    pub code: String,
    pub label: String,
}

impl Occupation {
    /// The text of the choice: "code — label", or the code alone when it has no label of its own.
    pub fn display(&self) -> String {
        if self.label == self.code {
            self.code.clone()
        } else {
            format!("{} \u{2014} {}", self.code, self.label)
        }
    }
}

/// An occupation as it arrives; only the code is needed.
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Deserialize)]
struct WireOccupation {
    code: String,
    label: Option<String>,
}

impl From<WireOccupation> for Occupation {
    fn from(wire: WireOccupation) -> Self {
        let label = wire.label.filter(|l| !l.trim().is_empty()).unwrap_or_else(|| wire.code.clone());
        Self { code: wire.code, label }
    }
}

/// `data` of `GET /kyc/values`. The option strings contain U+2013 EN DASH: submit them exactly as received.
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KycValues {
    #[serde(default, deserialize_with = "null_as_default")]
    pub fields: Vec<KycField>,
    /// An occupation without a code cannot be chosen and is left out; the rest of the list still shows.
    #[serde(default)]
    #[serde_as(as = "Lenient<VecSkipError<_>>")]
    pub occupations: Vec<Occupation>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub annual_salary: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub expected_monthly_volume: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub account_purpose: Vec<String>,
}

/// `data` of `GET /kyc/schema`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KycSchema {
    #[serde(default, deserialize_with = "null_as_default")]
    pub fields: Vec<KycField>,
}

/// `data` of `GET /kyc/status` and `POST /kyc/applications`.
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KycState {
    /// The one required field: a state without a status tells the caller nothing.
    pub status: KycStatus,
    pub reason: Option<String>,
    #[serde(default, deserialize_with = "optional_link")]
    #[serde_with(skip_apply)]
    pub completion_link: Option<Link>,
    #[serde(default, deserialize_with = "optional_link")]
    #[serde_with(skip_apply)]
    pub external_verification_link: Option<Link>,
    pub is_active: Option<bool>,
    pub is_terms_of_service_accepted: Option<bool>,
}

impl KycState {
    /// The hosted verification link to open: `completionLink`, else `externalVerificationLink`.
    pub fn verification_link(&self) -> Option<&Link> {
        self.completion_link.as_ref().or(self.external_verification_link.as_ref())
    }
}

/// One value of a KYC application: a string, or a group of strings such as `address`.
#[derive(Debug, Clone, PartialEq)]
pub enum KycValue {
    Text(SecretString),
    Group(BTreeMap<String, SecretString>),
}

/// Body of `POST /kyc/applications`. Every value is PII (the national id among them), so values are
/// secrets: `Debug` shows field names only, there is no `Serialize`, and the body is built by
/// [`KycApplication::to_json_body`] into a buffer that is wiped on drop.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KycApplication {
    fields: BTreeMap<String, KycValue>,
}

impl KycApplication {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set_text(&mut self, name: impl Into<String>, value: SecretString) {
        self.fields.insert(name.into(), KycValue::Text(value));
    }

    pub fn set_group(&mut self, name: impl Into<String>, values: BTreeMap<String, SecretString>) {
        self.fields.insert(name.into(), KycValue::Group(values));
    }

    pub fn get(&self, name: &str) -> Option<&KycValue> {
        self.fields.get(name)
    }

    /// The JSON object to send. Strings go out byte-exact (non-ASCII is not escaped by serde_json).
    pub fn to_json_body(&self) -> Result<Zeroizing<Vec<u8>>, serde_json::Error> {
        // Reserve the worst case up front so the Vec never reallocates: a reallocation would free the old
        // buffer without wiping it.
        let mut body = Zeroizing::new(Vec::with_capacity(self.worst_case_len()));
        let view: BTreeMap<&str, Exposed<'_>> = self.fields.iter().map(|(k, v)| (k.as_str(), Exposed(v))).collect();
        serde_json::to_writer(&mut *body, &view)?;
        Ok(body)
    }

    /// Upper bound of the JSON length: every byte escaped as `\u00XX`, plus quotes, colons and commas.
    fn worst_case_len(&self) -> usize {
        let text = |s: &str| 6 * s.len() + 2;
        let entries = self.fields.iter().map(|(name, value)| {
            let value = match value {
                KycValue::Text(v) => text(v.expose()),
                KycValue::Group(group) => 2 + group.iter().map(|(k, v)| text(k) + text(v.expose()) + 2).sum::<usize>(),
            };
            text(name) + value + 2
        });
        2 + entries.sum::<usize>()
    }
}

/// Borrowed view that exposes a value to the serializer only, without copying it.
struct Exposed<'a>(&'a KycValue);

impl Serialize for Exposed<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            KycValue::Text(value) => serializer.serialize_str(value.expose()),
            KycValue::Group(group) => serializer.collect_map(group.iter().map(|(k, v)| (k, v.expose()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn status_normalises_every_spelling() {
        for raw in ["manual_review", "manualReview", "MANUAL-REVIEW"] {
            assert_eq!(KycStatus::from_wire(raw), KycStatus::ManualReview);
        }
        assert_eq!(KycStatus::from_wire("needsVerification"), KycStatus::NeedsVerification);
        assert_eq!(KycStatus::from_wire("needs_information"), KycStatus::NeedsInformation);
        assert_eq!(KycStatus::from_wire("accepted"), KycStatus::Approved);
        assert_eq!(KycStatus::from_wire("cancelled"), KycStatus::Canceled);
        let other = KycStatus::from_wire("on_hold");
        assert_eq!(other, KycStatus::Other("on_hold".into()));
        assert_eq!(other.as_str(), "on_hold");
        assert_eq!(KycStatus::NeedsVerification.to_string(), "needs_verification");
        assert_eq!(serde_json::to_string(&KycStatus::NotSubmitted).unwrap(), r#""not_submitted""#);
        assert!(KycStatus::Locked.is_terminal() && !KycStatus::Pending.is_terminal());
        assert!(KycStatus::NeedsInformation.needs_action() && !KycStatus::ManualReview.needs_action());
    }

    #[test]
    fn an_occupation_without_a_label_shows_its_code_and_one_without_a_code_is_left_out() {
        let body = json!({"ok": true, "summary": "kyc values", "data": {
            "occupations": [
                {"code": "49-3023", "label": "Automotive Service Technicians and Mechanics"},
                {"code": "11-1011"},
                {"code": "SELFEMP", "label": null},
                {"label": "An occupation with no code"},
                {"code": "15-1252", "label": ""}
            ],
            "annualSalary": ["<40k", "150k+"]
        }});
        let parsed = crate::envelope::parse_response::<KycValues>(200, body.to_string().as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        let shown: Vec<String> = parsed.data.occupations.iter().map(Occupation::display).collect();
        assert_eq!(
            shown,
            ["49-3023 \u{2014} Automotive Service Technicians and Mechanics", "11-1011", "SELFEMP", "15-1252"]
        );
        assert_eq!(parsed.data.occupations[1].label, "11-1011");
        assert_eq!(parsed.data.annual_salary, ["<40k", "150k+"]);
    }

    #[test]
    fn parses_guide_kyc_values() {
        let values: KycValues = serde_json::from_value(json!({
            "fields": [
                {"name": "firstName", "required": true, "type": "string", "maxLength": 50, "description": "Given name."},
                {"name": "birthDate", "required": true, "type": "date", "description": "YYYY-MM-DD (e.g., 1990-01-01)."},
                {"name": "nationalId", "required": true, "type": "string", "regex": "^[0-9A-Za-z-]+$"},
                {"name": "countryOfIssue", "required": true, "type": "string", "minLength": 2, "maxLength": 2},
                {"name": "address", "required": true, "type": "object",
                 "description": "Object with line1, line2, city, region, postalCode, countryCode."},
                {"name": "phoneNumber", "required": false, "type": "string", "maxLength": 15},
                {"name": "annualSalary", "required": true, "type": "string",
                 "enum": ["<40k", "50k\u{2013}99k", "100k\u{2013}149k", "150k+"]}
            ],
            "occupations": [
                {"code": "49-3023", "label": "Automotive Service Technicians and Mechanics"},
                {"code": "OTHERXX", "label": "Other"}
            ],
            "annualSalary": ["<40k", "50k\u{2013}99k", "100k\u{2013}149k", "150k+"],
            "expectedMonthlyVolume": ["under $1k", "$1k\u{2013}$5k", "$5k\u{2013}$20k", "$20k+"],
            "accountPurpose": ["everyday spend", "subscriptions", "business expenses", "testing", "other"]
        }))
        .unwrap();
        assert_eq!(values.fields.len(), 7);
        assert_eq!(values.fields[1].field_type, KycFieldType::Date);
        assert_eq!(values.fields[2].regex.as_deref(), Some("^[0-9A-Za-z-]+$"));
        assert_eq!((values.fields[3].min_length, values.fields[3].max_length), (Some(2), Some(2)));
        assert_eq!(values.fields[4].field_type, KycFieldType::Object);
        assert!(!values.fields[5].required);
        assert_eq!(values.fields[6].enum_values.as_ref().unwrap()[1], "50k\u{2013}99k");
        assert_eq!(values.occupations[0].code, "49-3023");
        assert_eq!(values.expected_monthly_volume[1].as_bytes(), b"$1k\xE2\x80\x93$5k");
        assert_eq!(values.account_purpose.len(), 5);
    }

    #[test]
    fn field_drift_is_tolerated() {
        let schema: KycSchema = serde_json::from_value(json!({"fields": [
            {"name": "nickname"},
            {"name": "pet", "type": "emoji", "required": null, "maxLength": "12"},
            {"name": "address", "type": "object", "fields": [{"name": "line1", "required": true}]}
        ]}))
        .unwrap();
        let [bare, odd, group] = &schema.fields[..] else { panic!("three fields") };
        assert_eq!((bare.required, &bare.field_type), (false, &KycFieldType::String));
        assert_eq!((odd.required, odd.max_length), (false, None));
        assert_eq!(odd.field_type, KycFieldType::Other("emoji".into()));
        assert_eq!(group.fields.as_ref().unwrap()[0].name, "line1");
        let empty: KycValues = serde_json::from_str(r#"{"occupations":null}"#).unwrap();
        assert_eq!(empty, KycValues::default());
    }

    #[test]
    fn parses_guide_status_examples() {
        let submitted: KycState = serde_json::from_value(json!({
            "status": "needs_verification",
            "reason": "",
            "completionLink": {"url": "https://kyc.machines.cash/verify",
                               "params": {"userId": "18717ac1-c375-4ff6-972d-79dd702b7d44", "signature": "sig"}},
            "externalVerificationLink": {"url": "https://kyc.machines.cash/verify", "params": {"userId": "x"}},
            "isActive": true,
            "isTermsOfServiceAccepted": false
        }))
        .unwrap();
        assert_eq!(submitted.status, KycStatus::NeedsVerification);
        assert_eq!(
            submitted.verification_link().unwrap().resolve().unwrap().as_str(),
            "https://kyc.machines.cash/verify?signature=sig&userId=18717ac1-c375-4ff6-972d-79dd702b7d44"
        );

        let approved: KycState = serde_json::from_value(json!({
            "status": "approved", "reason": "", "completionLink": null, "externalVerificationLink": null,
            "isActive": null, "isTermsOfServiceAccepted": false
        }))
        .unwrap();
        assert!(approved.status.is_terminal());
        assert_eq!(approved.verification_link(), None);
        assert_eq!(approved.is_active, None);
    }

    #[test]
    fn status_drift_variants() {
        // Reference placeholder: plain string links; camelCase status; empty completion link falls back.
        let state: KycState = serde_json::from_value(json!({
            "status": "needsInformation", "completionLink": "",
            "externalVerificationLink": "https://kyc.example/verify?applicantId=a1", "isActive": "yes"
        }))
        .unwrap();
        assert!(state.status.needs_action());
        assert_eq!(state.verification_link(), Some(&Link::Url("https://kyc.example/verify?applicantId=a1".into())));
        assert_eq!(state.is_active, None);
        assert!(serde_json::from_str::<KycState>(r#"{"reason":"x"}"#).is_err());
        assert!(serde_json::from_str::<KycState>(r#"{"status":null}"#).is_err());
    }

    fn guide_application() -> KycApplication {
        let mut app = KycApplication::new();
        for (name, value) in [
            ("firstName", "John"),
            ("lastName", "smith"),
            ("birthDate", "1990-01-01"),
            ("nationalId", "123456789"),
            ("countryOfIssue", "US"),
            ("email", "john@example.com"),
            ("occupation", "49-3023"),
            ("annualSalary", "<40k"),
            ("accountPurpose", "everyday spend"),
            ("expectedMonthlyVolume", "under $1k"),
            ("phoneCountryCode", "1"),
            ("phoneNumber", "4155551234"),
        ] {
            app.set_text(name, SecretString::from(value));
        }
        let address = [
            ("line1", "123 Main St"),
            ("city", "New York"),
            ("region", "NY"),
            ("postalCode", "10001"),
            ("countryCode", "US"),
            ("line2", "Unit 4"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), SecretString::from(v)))
        .collect();
        app.set_group("address", address);
        app
    }

    #[test]
    fn application_body_matches_guide() {
        let body = guide_application().to_json_body().unwrap();
        let parsed: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            parsed,
            json!({
                "firstName": "John", "lastName": "smith", "birthDate": "1990-01-01", "nationalId": "123456789",
                "countryOfIssue": "US", "email": "john@example.com",
                "address": {"line1": "123 Main St", "city": "New York", "region": "NY", "postalCode": "10001",
                            "countryCode": "US", "line2": "Unit 4"},
                "occupation": "49-3023", "annualSalary": "<40k", "accountPurpose": "everyday spend",
                "expectedMonthlyVolume": "under $1k", "phoneCountryCode": "1", "phoneNumber": "4155551234"
            })
        );
    }

    #[test]
    fn application_body_is_byte_exact_and_never_reallocates() {
        let mut app = guide_application();
        app.set_text("annualSalary", SecretString::from("50k\u{2013}99k"));
        app.set_text("note", SecretString::from("quote \" back\\slash \u{1} tab\t"));
        let body = app.to_json_body().unwrap();
        let needle = "\"annualSalary\":\"50k\u{2013}99k\"".as_bytes();
        assert!(body.windows(needle.len()).any(|w| w == needle));
        assert!(!body.windows(6).any(|w| w == b"\\u2013"));
        assert_eq!(serde_json::from_slice::<Value>(&body).unwrap()["note"], "quote \" back\\slash \u{1} tab\t");
        // Capacity still equals the reservation, so growth left no unwiped copy behind.
        assert_eq!(body.capacity(), app.worst_case_len());
        assert_eq!(&KycApplication::new().to_json_body().unwrap()[..], b"{}");
    }

    #[test]
    fn application_debug_hides_values() {
        let app = guide_application();
        let printed = format!("{app:?}");
        assert!(printed.contains("nationalId") && printed.contains("line1"), "{printed}");
        assert!(printed.contains("[redacted]"));
        for secret in ["123456789", "John", "Main St", "4155551234"] {
            assert!(!printed.contains(secret), "{printed}");
        }
        assert!(matches!(app.get("address"), Some(KycValue::Group(g)) if g.len() == 6));
        assert_eq!(app.get("missing"), None);
    }

    static_assertions::assert_not_impl_any!(KycApplication: Serialize);
    static_assertions::assert_not_impl_any!(KycValue: Serialize);
}
