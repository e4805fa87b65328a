//! `GET /agreements` and `POST /agreements`: the texts a user must accept before cards and money moves.

use serde::{Deserialize, Serialize};
use serde_with::VecSkipError;

use super::common::{null_as_default, Lenient};

/// A document an agreement refers to; the UI must let the user open it. A link the server sends without
/// a label is shown by its URL (the label is filled with it), so the person still sees what they agree to.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", from = "WireLink")]
pub struct AgreementLink {
    pub label: String,
    pub url: String,
}

/// A link as it arrives; only the URL is needed.
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Deserialize)]
struct WireLink {
    label: Option<String>,
    url: String,
}

impl From<WireLink> for AgreementLink {
    fn from(wire: WireLink) -> Self {
        let label = wire.label.filter(|l| !l.trim().is_empty()).unwrap_or_else(|| wire.url.clone());
        Self { label, url: wire.url }
    }
}

#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Agreement {
    pub id: String,
    pub text: String,
    /// A link without a URL cannot be opened and is left out; the rest of the agreement still shows.
    #[serde(default)]
    #[serde_as(as = "Lenient<VecSkipError<_>>")]
    pub links: Vec<AgreementLink>,
}

/// `data` of both agreements calls. The API accepts all agreements at once.
#[serde_with::apply(Option => #[serde(default)] #[serde_as(as = "Lenient")])]
#[serde_with::serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Agreements {
    #[serde(default, deserialize_with = "null_as_default")]
    pub agreements: Vec<Agreement>,
    /// Missing or malformed reads as `false`: asking again is safe, skipping consent is not.
    #[serde(default)]
    #[serde_as(as = "Lenient")]
    pub accepted: bool,
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
    fn a_link_without_a_label_shows_its_url_and_one_without_a_url_is_left_out() {
        let body = json!({"ok": true, "summary": "agreements", "data": {"accepted": false, "agreements": [
            {"id": "esignConsent", "text": "I accept the E-Sign Consent",
             "links": [{"url": "https://machines.cash/e-sign"},
                       {"label": null, "url": "https://machines.cash/terms"},
                       {"label": " ", "url": "https://machines.cash/privacy"},
                       {"label": "Issuer Privacy Policy"},
                       {"label": "Card Terms", "url": "https://machines.cash/machines-card-terms"}]}
        ]}});
        let parsed = crate::envelope::parse_response::<Agreements>(200, body.to_string().as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        let shown: Vec<(&str, &str)> =
            parsed.data.agreements[0].links.iter().map(|l| (l.label.as_str(), l.url.as_str())).collect();
        assert_eq!(
            shown,
            [
                ("https://machines.cash/e-sign", "https://machines.cash/e-sign"),
                ("https://machines.cash/terms", "https://machines.cash/terms"),
                ("https://machines.cash/privacy", "https://machines.cash/privacy"),
                ("Card Terms", "https://machines.cash/machines-card-terms"),
            ]
        );
    }

    #[test]
    fn accept_body() {
        let body = serde_json::to_string(&AcceptAgreementsRequest { accepted: true }).unwrap();
        assert_eq!(body, r#"{"accepted":true}"#);
    }
}
