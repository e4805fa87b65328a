//! `GET /agreements` and `POST /agreements`: the texts a user must accept before cards and money moves.

use serde::{Deserialize, Serialize};

use super::common::lenient;
use super::common::{lenient_or_default, null_as_default};

/// A document an agreement refers to; the UI must let the user open it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgreementLink {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Agreement {
    pub id: String,
    pub text: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub links: Vec<AgreementLink>,
}

/// `data` of both agreements calls. The API accepts all agreements at once.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Agreements {
    #[serde(default, deserialize_with = "null_as_default")]
    pub agreements: Vec<Agreement>,
    /// Missing or malformed reads as `false`: asking again is safe, skipping consent is not.
    #[serde(default, deserialize_with = "lenient_or_default")]
    pub accepted: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub accepted_at: Option<String>,
}

/// Body of `POST /agreements`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AcceptAgreementsRequest {
    pub accepted: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn guide_agreements(accepted: bool, accepted_at: Option<&str>) -> serde_json::Value {
        json!({
            "agreements": [
                {"id": "esignConsent", "text": "I accept the E-Sign Consent",
                 "links": [{"label": "E-Sign Consent", "url": "https://machines.cash/e-sign"}]},
                {"id": "cardTermsAndIssuerPrivacyPolicy",
                 "text": "I accept the Machines Card Terms and the Issuer Privacy Policy",
                 "links": [{"label": "Machines Card Terms", "url": "https://machines.cash/machines-card-terms"},
                           {"label": "Issuer Privacy Policy", "url": "https://www.third-national.com/privacypolicy"}]},
                {"id": "informationCertification", "text": "I certify that the information I have provided is accurate.",
                 "links": []},
                {"id": "solicitationAcknowledgement", "text": "I acknowledge the solicitation notice."}
            ],
            "accepted": accepted,
            "acceptedAt": accepted_at
        })
    }

    #[test]
    fn parses_guide_get_and_post_responses() {
        let pending: Agreements = serde_json::from_value(guide_agreements(false, None)).unwrap();
        assert_eq!(pending.agreements.len(), 4);
        assert_eq!(pending.agreements[1].links[1].label, "Issuer Privacy Policy");
        assert!(pending.agreements[3].links.is_empty());
        assert!(!pending.accepted && pending.accepted_at.is_none());

        let done: Agreements =
            serde_json::from_value(guide_agreements(true, Some("2026-01-16T16:22:48.186Z"))).unwrap();
        assert!(done.accepted);
        assert_eq!(done.accepted_at.as_deref(), Some("2026-01-16T16:22:48.186Z"));
    }

    #[test]
    fn drift_reads_as_not_accepted() {
        let odd: Agreements = serde_json::from_str(r#"{"accepted":null,"agreements":null}"#).unwrap();
        assert!(!odd.accepted && odd.agreements.is_empty());
    }

    #[test]
    fn accept_body() {
        let body = serde_json::to_string(&AcceptAgreementsRequest { accepted: true }).unwrap();
        assert_eq!(body, r#"{"accepted":true}"#);
    }
}
