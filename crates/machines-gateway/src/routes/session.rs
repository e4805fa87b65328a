//! `POST /v1/session {purpose}`: mints a Machines session for the signed-in subject's linked user.
//!
//! The gateway picks the scopes and lifetime from the purpose. If the API says KYC is not approved yet
//! (409 "kyc required"), it mints the onboarding scopes instead and says so, as the app's own session
//! broker does. Every upstream attempt is written to the audit log, without the token.

use std::time::Instant;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use machines_api::models::sessions::{CreateSessionRequest, SessionInfo};
use machines_api::SessionToken;
use serde::{Deserialize, Serialize, Serializer};

use super::body::JsonBody;
use crate::auth::Caller;
use crate::db::{now_ms, Link, MintRecord};
use crate::envelope;
use crate::error::GatewayError;
use crate::purpose::{Grants, Purpose};
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    purpose: Purpose,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionView<'a> {
    #[serde(serialize_with = "expose_token")]
    session_token: &'a SessionToken,
    expires_at: Option<&'a str>,
    scopes: &'a [String],
    api_base_url: &'a str,
    user_id: &'a str,
    /// The purpose the session serves: the one asked for, or `onboarding` after the KYC fallback.
    purpose: &'static str,
    /// True when the purpose asked for needs an approved KYC and the onboarding session came instead.
    kyc_required: bool,
}

/// The one place a session token is written out: into the wiped response buffer (`success_secret`).
fn expose_token<S: Serializer>(token: &&SessionToken, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(token.expose())
}

pub async fn session(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(request): JsonBody<SessionRequest>,
) -> Result<Response, GatewayError> {
    state.limits.check_subject(&caller.issuer, &caller.subject)?;
    let link = state.db.link_of(&caller.issuer, &caller.subject).await?.ok_or(GatewayError::NotLinked)?;
    let asked = request.purpose;
    let (purpose, info) = match mint(&state, &caller, &link, asked).await {
        Err(err) if err.is_kyc_required() && asked != Purpose::Onboarding => {
            (Purpose::Onboarding, mint(&state, &caller, &link, Purpose::Onboarding).await?)
        }
        other => (asked, other?),
    };
    let kyc_required = purpose != asked;
    let summary = if kyc_required {
        format!("identity verification is not approved yet: an onboarding session instead of {}", asked.name())
    } else {
        format!("{} session minted", purpose.name())
    };
    let view = SessionView {
        session_token: &info.session_token,
        expires_at: info.expires_at.as_deref(),
        scopes: &info.scopes,
        api_base_url: state.machines.base_url().as_url().as_str(),
        user_id: &link.user_id,
        purpose: purpose.name(),
        kyc_required,
    };
    Ok(envelope::success_secret(StatusCode::OK, &summary, &view))
}

/// One upstream mint, timed, counted and audited.
async fn mint(state: &AppState, caller: &Caller, link: &Link, purpose: Purpose) -> Result<SessionInfo, GatewayError> {
    let scopes = purpose.scopes();
    let mut request = CreateSessionRequest::new(link.user_id.clone(), scopes.scopes.iter().copied());
    request.wallet_address = Some(link.wallet_address.clone());
    request.ttl_seconds = Some(state.session_ttls.of(purpose).as_secs().clamp(60, 86_400) as u32);
    let started = Instant::now();
    let result =
        state.machines.create_session(&request).await.map(|envelope| envelope.data).map_err(GatewayError::from);
    metrics::histogram!("gateway_mint_seconds", "purpose" => purpose.name()).record(started.elapsed().as_secs_f64());
    let outcome = match &result {
        Ok(_) => "minted".to_owned(),
        Err(err) if err.is_kyc_required() => "kyc_required".to_owned(),
        Err(err) => format!("failed:{}", err.code()),
    };
    metrics::counter!("gateway_mints_total", "purpose" => purpose.name(), "outcome" => if result.is_ok() { "minted" } else { "refused" })
        .increment(1);
    let granted = match &result {
        Ok(info) if !info.scopes.is_empty() => info.scopes.join(" "),
        _ => scopes.scopes.join(" "),
    };
    let record = MintRecord {
        issuer: caller.issuer.clone(),
        subject: caller.subject.clone(),
        user_id: Some(link.user_id.clone()),
        purpose: purpose.name().to_owned(),
        scopes: granted,
        outcome,
        at_ms: now_ms(),
    };
    // A session is handed out only once its mint is on the record.
    state.db.record_mint(&record).await?;
    result
}
