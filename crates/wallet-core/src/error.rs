//! Errors as a person reads them. Every `machines-api` error code becomes a title, a sentence (with the
//! API's own words when it sent some) and one action the UI offers; field errors go to their inputs. The
//! UI switches on `code` and `action`, never on text, and never sees a Rust debug string or raw JSON.

use machines_api::ApiError;
use serde::Serialize;

use crate::kyc_form::FieldProblem;

/// What the screen offers next to the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum UiAction {
    /// "Try again" (the same action, now or after `retry_after_seconds`).
    Retry,
    /// "Open Settings": the partner key, the environment or the API URL needs attention.
    OpenSettings,
    /// "Continue verification": finish KYC first.
    FinishKyc,
    /// "Review agreements": accept them first.
    AcceptAgreements,
    /// Correct the marked fields.
    FixFields,
    /// Nothing to do but read it.
    Dismiss,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UiError {
    /// The stable machine code (`network`, `timeout`, `unauthorized`, …).
    pub code: String,
    pub title: String,
    pub message: String,
    pub action: UiAction,
    /// Field errors on dotted paths (`address.postalCode`), for the form.
    pub fields: Vec<FieldProblem>,
    pub retry_after_seconds: Option<u32>,
}

impl UiError {
    pub fn new(code: &str, title: &str, message: impl Into<String>, action: UiAction) -> Self {
        Self {
            code: code.to_owned(),
            title: title.to_owned(),
            message: message.into(),
            action,
            fields: Vec::new(),
            retry_after_seconds: None,
        }
    }

    /// A validation error on one input: the message shows in the banner and under the field.
    pub fn on_field(title: &str, field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut error = Self::new("validation", title, message.clone(), UiAction::FixFields);
        error.fields = vec![FieldProblem { field: field.to_owned(), message }];
        error
    }
}

impl From<&ApiError> for UiError {
    fn from(error: &ApiError) -> Self {
        let message = error.to_string();
        let (title, action) = match error {
            ApiError::Network { .. } => ("Can't reach Machines Cash", UiAction::Retry),
            ApiError::Timeout { .. } => ("No answer in time", UiAction::Retry),
            ApiError::Unauthorized { credential: machines_api::Credential::PartnerKey, .. } => {
                ("Partner key refused", UiAction::OpenSettings)
            }
            ApiError::Unauthorized { .. } => ("Signed out by the server", UiAction::Retry),
            ApiError::Forbidden { .. } => ("Permission missing", UiAction::OpenSettings),
            ApiError::InvalidState { problem } if problem.mentions("kyc") => {
                ("Finish verification first", UiAction::FinishKyc)
            }
            ApiError::InvalidState { problem } if problem.mentions("agreement") => {
                ("Accept the agreements first", UiAction::AcceptAgreements)
            }
            ApiError::InvalidState { .. } => ("Not possible right now", UiAction::Retry),
            ApiError::Validation { .. } => ("Check the highlighted fields", UiAction::FixFields),
            ApiError::NotFound { .. } => ("Not found", UiAction::Dismiss),
            ApiError::Conflict { .. } => ("Already done differently", UiAction::Dismiss),
            ApiError::RateLimited { .. } => ("Busy — please wait", UiAction::Retry),
            ApiError::Server { .. } => ("Machines Cash had a problem", UiAction::Retry),
            ApiError::Decode { .. } => ("Unexpected answer", UiAction::Retry),
            ApiError::Crypto(_) => ("Card details unreadable", UiAction::Retry),
            ApiError::Config { .. } => ("Settings need attention", UiAction::OpenSettings),
            ApiError::Cancelled => ("Stopped", UiAction::Dismiss),
        };
        let fields: Vec<FieldProblem> = error
            .field_errors()
            .iter()
            .map(|e| FieldProblem { field: e.field.clone().unwrap_or_default(), message: e.message.clone() })
            .collect();
        // A validation error with no field to point at is read as a message, not a form to fix.
        let action = if action == UiAction::FixFields && fields.iter().all(|f| f.field.is_empty()) {
            UiAction::Dismiss
        } else {
            action
        };
        let retry_after_seconds = match error {
            ApiError::RateLimited { retry_after: Some(after), .. } => {
                Some(after.as_secs().min(u64::from(u32::MAX)) as u32)
            }
            _ => None,
        };
        Self { code: error.code().to_owned(), title: title.to_owned(), message, action, fields, retry_after_seconds }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use machines_api::{Credential, FieldError, Problem};
    use std::time::Duration;

    fn problem(summary: &str, fields: &[(&str, &str)]) -> Problem {
        Problem {
            status: 400,
            summary: Some(summary.into()),
            errors: fields
                .iter()
                .map(|(f, m)| FieldError {
                    code: Some("invalid_request".into()),
                    message: (*m).into(),
                    field: Some((*f).into()),
                })
                .collect(),
        }
    }

    #[test]
    fn every_code_has_a_title_and_an_action() {
        let errors = [
            ApiError::Network { host: "api.machines.cash".into(), detail: "refused".into() },
            ApiError::Timeout { after: Duration::from_secs(20) },
            ApiError::Unauthorized { credential: Credential::PartnerKey, problem: Problem::default() },
            ApiError::Forbidden { required: vec!["cards.read".into()], problem: Problem::default() },
            ApiError::InvalidState { problem: problem("kyc required", &[]) },
            ApiError::Validation { problem: problem("invalid request", &[("address.postalCode", "is required")]) },
            ApiError::NotFound { problem: Problem::default() },
            ApiError::Conflict { problem: Problem::default() },
            ApiError::RateLimited { retry_after: Some(Duration::from_secs(7)), problem: Problem::default() },
            ApiError::Server { problem: Problem::default() },
            ApiError::Decode { detail: "x".into() },
            ApiError::Crypto(machines_api::crypto::CryptoError::Authentication),
            ApiError::Config { detail: "The API URL must start with https://".into() },
            ApiError::Cancelled,
        ];
        let mut codes = Vec::new();
        for error in &errors {
            let ui = UiError::from(error);
            assert!(!ui.title.is_empty() && !ui.message.is_empty(), "{ui:?}");
            assert!(!ui.message.contains("Problem {") && !ui.message.contains("{\""), "no debug or JSON: {ui:?}");
            codes.push(ui.code);
        }
        codes.dedup();
        assert_eq!(codes.len(), errors.len(), "each error keeps its own code");
    }

    #[test]
    fn gates_fields_and_waits_lead_somewhere() {
        assert_eq!(
            UiError::from(&ApiError::InvalidState { problem: problem("kyc required", &[]) }).action,
            UiAction::FinishKyc
        );
        assert_eq!(
            UiError::from(&ApiError::InvalidState { problem: problem("agreements required", &[]) }).action,
            UiAction::AcceptAgreements
        );
        let fields = UiError::from(&ApiError::Validation {
            problem: problem("invalid request", &[("address.postalCode", "is required")]),
        });
        assert_eq!(fields.action, UiAction::FixFields);
        assert_eq!(
            fields.fields,
            vec![FieldProblem { field: "address.postalCode".into(), message: "is required".into() }]
        );
        let limited = UiError::from(&ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(7)),
            problem: Problem::default(),
        });
        assert_eq!((limited.action, limited.retry_after_seconds), (UiAction::Retry, Some(7)));
        let key =
            UiError::from(&ApiError::Unauthorized { credential: Credential::PartnerKey, problem: Problem::default() });
        assert_eq!(key.action, UiAction::OpenSettings);
    }
}
