//! The card agreements as the Agreements screen shows them: each agreement's text and its links, and
//! whether (and when) the person accepted them.

use machines_api::models::agreements::Agreements;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AgreementLinkView {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AgreementView {
    pub id: String,
    pub text: String,
    pub links: Vec<AgreementLinkView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AgreementsView {
    pub agreements: Vec<AgreementView>,
    pub accepted: bool,
    pub accepted_at: Option<String>,
}

/// The view of what `/agreements` answered. A link's URL is opened only through the shell's allowlist.
pub fn agreements_view(data: Agreements) -> AgreementsView {
    AgreementsView {
        agreements: data
            .agreements
            .into_iter()
            .map(|a| AgreementView {
                id: a.id,
                text: a.text,
                links: a.links.into_iter().map(|l| AgreementLinkView { label: l.label, url: l.url }).collect(),
            })
            .collect(),
        accepted: data.accepted,
        accepted_at: data.accepted_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_agreement_keeps_its_text_and_links_in_order() {
        let data: Agreements = serde_json::from_value(json!({
            "agreements": [
                {"id": "esign", "text": "I accept the E-Sign consent.",
                 "links": [{"label": "E-Sign", "url": "https://machines.cash/esign"}, {"url": "https://machines.cash/terms"}]},
                {"id": "card", "text": "I accept the card terms."}
            ],
            "accepted": true,
            "acceptedAt": "2026-03-01T10:00:00Z"
        }))
        .unwrap();
        let view = agreements_view(data);
        assert_eq!(view.agreements.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["esign", "card"]);
        assert_eq!(
            view.agreements[0].links,
            [
                AgreementLinkView { label: "E-Sign".into(), url: "https://machines.cash/esign".into() },
                AgreementLinkView {
                    label: "https://machines.cash/terms".into(),
                    url: "https://machines.cash/terms".into()
                },
            ]
        );
        assert!(view.agreements[1].links.is_empty());
        assert_eq!((view.accepted, view.accepted_at.as_deref()), (true, Some("2026-03-01T10:00:00Z")));
        let json = serde_json::to_value(&view).unwrap();
        assert_eq!(json["acceptedAt"], "2026-03-01T10:00:00Z", "camelCase, as the UI reads it");
    }
}
