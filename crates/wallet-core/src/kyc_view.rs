//! The KYC status as a person reads it: a title, a sentence and the one thing to do next, for every
//! status the API documents (in either spelling, spec Q3) and for values it may add later.
//!
//! Whether the verification link may be opened is not decided here: the `links` module checks the scheme
//! and host when the person presses the button. This view only carries the resolved URL.

use machines_api::models::kyc::{KycState, KycStatus};
use serde::Serialize;

/// What the status screen offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum KycNext {
    /// Nothing submitted yet: show the form.
    ShowForm,
    /// Open the hosted verification page (ID upload, selfie) in the browser.
    OpenVerification,
    /// Checks are running: wait, polling, with an "I've finished" button that checks at once.
    Wait,
    /// Correct the details and submit the form again.
    Resubmit,
    /// Verified: accept the card agreements next.
    GoToAgreements,
    /// Blocked: only the provider's support can help.
    Contact,
    /// A status this version does not know: show it as sent and keep checking.
    Unknown,
}

/// One status, ready to show. Holds no secret: the status, the server's reason and the link.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct KycView {
    /// snake_case for known values (`manual_review` whether the server said that or `manualReview`);
    /// unknown values exactly as sent.
    pub status: String,
    pub title: String,
    pub message: String,
    pub next: KycNext,
    /// The server's reason, when it gave a non-empty one (shown for denials and requests for more).
    pub reason: Option<String>,
    /// `completionLink`, else `externalVerificationLink`, with its params as query parameters. Left out
    /// once the status is final, when there is nothing left to verify.
    pub verification_url: Option<String>,
    /// Keep asking `GET /kyc/status`.
    pub poll: bool,
    /// No further change is expected.
    pub terminal: bool,
}

/// The view of one `GET /kyc/status` (or `POST /kyc/applications`) answer.
pub fn kyc_view(state: &KycState) -> KycView {
    let status = &state.status;
    let terminal = status.is_terminal();
    let verification_url = if terminal {
        None
    } else {
        // A link that does not parse is as good as none: the person cannot use it.
        state.verification_link().and_then(|link| link.resolve().ok()).map(String::from)
    };
    let has_link = verification_url.is_some();
    let (title, message, next): (String, String, KycNext) = match status {
        KycStatus::NotSubmitted => (
            "Verify your identity".into(),
            "Fill in the form so Machines Cash can verify who you are. It takes a few minutes.".into(),
            KycNext::ShowForm,
        ),
        KycStatus::Pending => (
            "Checking your details".into(),
            "Your details are being checked. This usually takes a few minutes; this screen updates by itself.".into(),
            KycNext::Wait,
        ),
        KycStatus::ManualReview => (
            "Under review".into(),
            "A person at Machines Cash is reviewing your application. This can take longer than the automatic \
             checks; this screen updates by itself."
                .into(),
            KycNext::Wait,
        ),
        KycStatus::NeedsVerification if has_link => (
            "Finish verification".into(),
            "Open the verification page to upload your ID and take a selfie, then come back here.".into(),
            KycNext::OpenVerification,
        ),
        // Without a link there is no button to offer; the link usually follows within moments.
        KycStatus::NeedsVerification => (
            "Finish verification".into(),
            "Verification is needed, but the verification page is not ready yet. This screen checks again by \
             itself."
                .into(),
            KycNext::Wait,
        ),
        KycStatus::NeedsInformation => (
            "More information needed".into(),
            if has_link {
                "Machines Cash needs more information. Open the verification page, or correct your details and \
                 submit the form again."
                    .into()
            } else {
                "Machines Cash needs more information. Correct your details and submit the form again.".into()
            },
            KycNext::Resubmit,
        ),
        KycStatus::Approved => (
            "Identity verified".into(),
            "You are verified. Next, read and accept the card agreements.".into(),
            KycNext::GoToAgreements,
        ),
        KycStatus::Denied => (
            "Verification declined".into(),
            "Your application was declined, so a card cannot be issued to this account. Contact Machines Cash \
             support if you think this is a mistake."
                .into(),
            KycNext::Contact,
        ),
        KycStatus::Canceled => (
            "Application canceled".into(),
            "This application was canceled. Contact Machines Cash support to find out what to do next.".into(),
            KycNext::Contact,
        ),
        KycStatus::Locked => (
            "Account locked".into(),
            "Verification is locked for this account. Contact Machines Cash support to unlock it.".into(),
            KycNext::Contact,
        ),
        // The raw value is a developer's word (`on_hold`); the person hears what it means for them.
        KycStatus::Other(_) => (
            "Checking your status".into(),
            "Machines Cash is still working on your application, and this version of the app cannot say more \
             about this step. This screen keeps checking, and the next step will show here."
                .into(),
            KycNext::Unknown,
        ),
    };
    KycView {
        status: status.as_str().to_owned(),
        title,
        message,
        next,
        reason: state.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned),
        verification_url,
        // Before submitting there is nothing to wait for; after a final answer nothing will change.
        poll: !terminal && *status != KycStatus::NotSubmitted,
        terminal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::HashSet;

    fn state(value: serde_json::Value) -> KycState {
        serde_json::from_value(value).unwrap()
    }

    fn status(status: &str) -> KycView {
        kyc_view(&state(json!({"status": status})))
    }

    #[test]
    fn every_status_has_its_own_words_and_action() {
        let expected = [
            ("not_submitted", KycNext::ShowForm, false, false),
            ("pending", KycNext::Wait, true, false),
            ("manual_review", KycNext::Wait, true, false),
            ("needs_verification", KycNext::Wait, true, false),
            ("needs_information", KycNext::Resubmit, true, false),
            ("approved", KycNext::GoToAgreements, false, true),
            ("denied", KycNext::Contact, false, true),
            ("canceled", KycNext::Contact, false, true),
            ("locked", KycNext::Contact, false, true),
        ];
        let mut titles = HashSet::new();
        let mut messages = HashSet::new();
        for (raw, next, poll, terminal) in expected {
            let view = status(raw);
            assert_eq!(view.status, raw);
            assert_eq!((view.next, view.poll, view.terminal), (next, poll, terminal), "{raw}");
            titles.insert(view.title);
            assert!(messages.insert(view.message), "{raw} repeats another status's message");
        }
        // What a person reads is a sentence, never the wire value.
        for raw in ["not_submitted", "needs_verification", "needs_information", "manual_review", "on_hold"] {
            let view = status(raw);
            assert!(!view.title.contains(raw) && !view.message.contains(raw), "{raw}: {}", view.message);
            assert!(view.message.ends_with('.'), "{raw}: {}", view.message);
        }
        // A person switching between two statuses always sees the headline change.
        assert_eq!(titles.len(), expected.len());
    }

    #[test]
    fn camel_case_and_synonyms_read_the_same() {
        for (camel, snake) in [
            ("notSubmitted", "not_submitted"),
            ("manualReview", "manual_review"),
            ("needsVerification", "needs_verification"),
            ("needsInformation", "needs_information"),
            ("accepted", "approved"),
            ("cancelled", "canceled"),
            ("LOCKED", "locked"),
        ] {
            assert_eq!(status(camel), status(snake), "{camel}");
        }
    }

    #[test]
    fn needs_verification_opens_the_guides_link() {
        // The guide's answer to POST /kyc/applications (seeds/000, step 4).
        let view = kyc_view(&state(json!({
            "status": "needs_verification",
            "reason": "",
            "completionLink": {"url": "https://kyc.machines.cash/verify",
                               "params": {"userId": "18717ac1-c375-4ff6-972d-79dd702b7d44", "signature": "sig"}},
            "externalVerificationLink": {"url": "https://kyc.machines.cash/other", "params": {"userId": "x"}},
            "isActive": true,
            "isTermsOfServiceAccepted": false
        })));
        assert_eq!(view.next, KycNext::OpenVerification);
        assert_eq!(view.title, "Finish verification");
        assert_eq!(
            view.verification_url.as_deref(),
            Some("https://kyc.machines.cash/verify?signature=sig&userId=18717ac1-c375-4ff6-972d-79dd702b7d44")
        );
        assert_eq!(view.reason, None, "an empty reason is not shown");
        assert!(view.poll && !view.terminal);
    }

    #[test]
    fn the_alternate_link_is_used_when_the_first_is_missing() {
        let view = kyc_view(&state(json!({
            "status": "needsVerification", "completionLink": "",
            "externalVerificationLink": "https://kyc.example/verify?applicantId=a1"
        })));
        assert_eq!(view.next, KycNext::OpenVerification);
        assert_eq!(view.verification_url.as_deref(), Some("https://kyc.example/verify?applicantId=a1"));
        // A link that is not a URL at all gives no button.
        let broken = kyc_view(&state(json!({"status": "needs_verification", "completionLink": "not a url"})));
        assert_eq!((broken.next, broken.verification_url), (KycNext::Wait, None));
    }

    #[test]
    fn needs_information_shows_the_reason_and_both_ways_forward() {
        let view = kyc_view(&state(json!({
            "status": "needs_information",
            "reason": "  proof of address required ",
            "completionLink": {"url": "https://kyc.machines.cash/verify", "params": {"userId": "u"}}
        })));
        assert_eq!(view.next, KycNext::Resubmit);
        assert_eq!(view.reason.as_deref(), Some("proof of address required"));
        assert_eq!(view.verification_url.as_deref(), Some("https://kyc.machines.cash/verify?userId=u"));
        assert!(view.message.contains("Open the verification page"));
        let without = kyc_view(&state(json!({"status": "needs_information"})));
        assert!(!without.message.contains("verification page"), "{}", without.message);
    }

    #[test]
    fn final_states_stop_polling_and_show_why() {
        let denied = kyc_view(&state(
            json!({"status": "denied", "reason": "identity could not be verified", "completionLink": "https://kyc.machines.cash/verify"}),
        ));
        assert!(denied.terminal && !denied.poll);
        assert_eq!(denied.next, KycNext::Contact);
        assert_eq!(denied.reason.as_deref(), Some("identity could not be verified"));
        assert_eq!(denied.verification_url, None, "nothing left to verify");
        let approved = status("approved");
        assert_eq!((approved.title.as_str(), approved.next), ("Identity verified", KycNext::GoToAgreements));
    }

    #[test]
    fn unknown_statuses_are_explained_in_words_and_polled() {
        let view = kyc_view(&state(json!({"status": "on_hold", "reason": "awaiting documents"})));
        assert_eq!(view.status, "on_hold");
        assert_eq!(view.next, KycNext::Unknown);
        assert!(view.poll && !view.terminal);
        assert!(!view.message.contains("on_hold") && !view.title.contains("on_hold"), "{}", view.message);
        assert!(view.message.contains("keeps checking"), "{}", view.message);
        assert_eq!(view.reason.as_deref(), Some("awaiting documents"));
    }

    #[test]
    fn serializes_for_the_webview() {
        let value = serde_json::to_value(status("manualReview")).unwrap();
        assert_eq!(value["status"], "manual_review");
        assert_eq!(value["next"], "wait");
        assert_eq!(value["verificationUrl"], serde_json::Value::Null);
        assert_eq!(serde_json::to_value(KycNext::GoToAgreements).unwrap(), "goToAgreements");
        let mut types = specta::Types::default();
        let _ = <KycView as specta::Type>::definition(&mut types);
    }
}
