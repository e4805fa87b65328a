//! Identity verification and agreements, and opening their links.

use std::collections::HashMap;

use machines_api::{IdempotencyKey, SecretString};
use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;
use wallet_core::error::{ErrorCode, UiAction, UiError};
use wallet_core::kyc_form::{self, FieldProblem, FormDefinition, FormValues};
use wallet_core::kyc_view::{kyc_view, KycView};

use super::ui;
use crate::state::AppState;

fn form_values(values: HashMap<String, String>) -> FormValues {
    let mut form = FormValues::new();
    for (path, value) in values {
        form.set(path, SecretString::new(value));
    }
    form
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// The form, built from `/kyc/values` at run time.
#[tauri::command]
#[specta::specta]
pub async fn kyc_form(state: State<'_, AppState>) -> Result<FormDefinition, UiError> {
    let (_, form) = state.kyc_form().await?;
    Ok(FormDefinition::clone(&form))
}

/// Client checks, mirroring the server's, for the values typed so far.
#[tauri::command]
#[specta::specta]
pub async fn kyc_check(
    state: State<'_, AppState>,
    values: HashMap<String, String>,
) -> Result<Vec<FieldProblem>, UiError> {
    let (_, def) = state.kyc_form().await?;
    Ok(kyc_form::validate(&def, &form_values(values), today()))
}

/// Checks and submits. Field errors (ours or the server's) come back on their inputs.
#[tauri::command]
#[specta::specta]
pub async fn kyc_submit(state: State<'_, AppState>, values: HashMap<String, String>) -> Result<KycView, UiError> {
    let (user, def) = state.kyc_form().await?;
    let values = form_values(values);
    let problems = kyc_form::validate(&def, &values, today());
    if !problems.is_empty() {
        let mut error = UiError::new(
            ErrorCode::Validation,
            "Check the highlighted fields",
            "Some answers need correcting.",
            UiAction::FixFields,
        );
        error.fields = problems;
        return Err(error);
    }
    let application = kyc_form::to_application(&def, &values);
    match user.submit_kyc(&application, &IdempotencyKey::generate()).await {
        Ok(envelope) => Ok(kyc_view(&envelope.data)),
        Err(err) => {
            let mut error = UiError::from(&err);
            error.fields = kyc_form::server_errors(&def, err.field_errors());
            Err(error)
        }
    }
}

#[tauri::command]
#[specta::specta]
pub async fn kyc_status(state: State<'_, AppState>) -> Result<KycView, UiError> {
    let user = state.user().await?;
    Ok(kyc_view(&user.kyc_status().await.map_err(ui)?.data))
}

/// Opens the verification link in the system browser, if it passes the allowlist.
#[tauri::command]
#[specta::specta]
pub async fn open_verification<R: tauri::Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<(), UiError> {
    let user = state.user().await?;
    let view = kyc_view(&user.kyc_status().await.map_err(ui)?.data);
    let url = view.verification_url.ok_or_else(|| {
        UiError::new(
            ErrorCode::NoLink,
            "No verification link",
            "There is no verification link right now.",
            UiAction::Dismiss,
        )
    })?;
    open_checked(&app, &state, &url).await
}

async fn open_checked<R: tauri::Runtime>(app: &AppHandle<R>, state: &AppState, url: &str) -> Result<(), UiError> {
    let checked = {
        let connection = state.connect().await?;
        connection.links.check(url).map_err(|refusal| {
            UiError::new(ErrorCode::LinkRefused, "Link not opened", refusal.to_string(), UiAction::Dismiss)
        })?
    };
    app.opener().open_url(checked.as_str(), None::<&str>).map_err(|e| {
        UiError::new(
            ErrorCode::Internal,
            "Browser not opened",
            format!("The system browser could not be opened: {e}."),
            UiAction::Retry,
        )
    })
}

/// Opens an agreement's link (same allowlist).
#[tauri::command]
#[specta::specta]
pub async fn open_link<R: tauri::Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    url: String,
) -> Result<(), UiError> {
    state.ensure_unlocked()?;
    open_checked(&app, &state, &url).await
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AgreementLinkView {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AgreementView {
    pub id: String,
    pub text: String,
    pub links: Vec<AgreementLinkView>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AgreementsView {
    pub agreements: Vec<AgreementView>,
    pub accepted: bool,
    pub accepted_at: Option<String>,
}

fn agreements_view(data: machines_api::models::agreements::Agreements) -> AgreementsView {
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

#[tauri::command]
#[specta::specta]
pub async fn agreements(state: State<'_, AppState>) -> Result<AgreementsView, UiError> {
    let user = state.user().await?;
    Ok(agreements_view(user.agreements().await.map_err(ui)?.data))
}

#[tauri::command]
#[specta::specta]
pub async fn accept_agreements(state: State<'_, AppState>) -> Result<AgreementsView, UiError> {
    let user = state.user().await?;
    Ok(agreements_view(user.accept_agreements().await.map_err(ui)?.data))
}
