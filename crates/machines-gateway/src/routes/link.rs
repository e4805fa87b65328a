//! `POST /v1/link {walletAddress, walletLabel?}`: links the signed-in subject to a wallet, once.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use machines_api::models::users::ResolveUserRequest;
use serde::{Deserialize, Serialize};
use wallet_core::address::parse_wallet;

use super::body::JsonBody;
use crate::auth::Caller;
use crate::db::{now_ms, Inserted, Link};
use crate::envelope;
use crate::error::GatewayError;
use crate::state::AppState;
use crate::user_id;

/// Longest wallet label, in characters (the app's own label limit).
pub const MAX_LABEL_CHARS: usize = 64;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LinkRequest {
    wallet_address: String,
    wallet_label: Option<String>,
}

/// A link as the client sees it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkView {
    pub user_id: String,
    pub wallet_address: String,
    pub wallet_label: Option<String>,
    pub linked_at_ms: i64,
}

impl From<Link> for LinkView {
    fn from(link: Link) -> Self {
        Self {
            user_id: link.user_id,
            wallet_address: link.wallet_address,
            wallet_label: link.wallet_label,
            linked_at_ms: link.created_at_ms,
        }
    }
}

pub async fn link(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(request): JsonBody<LinkRequest>,
) -> Result<Response, GatewayError> {
    state.limits.check_subject(&caller.issuer, &caller.subject)?;
    let address =
        parse_wallet(&request.wallet_address).map_err(|e| GatewayError::invalid("walletAddress", e.to_string()))?;
    let label = checked_label(request.wallet_label)?;
    state.limits.check_address(&address)?;

    if let Some(existing) = state.db.link_of(&caller.issuer, &caller.subject).await? {
        return answer_existing(existing, &address);
    }
    if state.db.address_holder(&address).await?.is_some() {
        return Err(GatewayError::AddressTaken);
    }

    let user_id = user_id::derive(&state.user_id_secret, &caller.issuer, &caller.subject);
    let mut resolve = ResolveUserRequest::new(user_id.clone());
    resolve.wallet_address = Some(address.clone());
    resolve.wallet_label = label.clone();
    let resolved = state.machines.resolve_user(&resolve).await;
    metrics::counter!("gateway_links_total", "outcome" => if resolved.is_ok() { "resolved" } else { "failed" })
        .increment(1);
    resolved?;

    let link = Link {
        issuer: caller.issuer.clone(),
        subject: caller.subject.clone(),
        user_id,
        wallet_address: address.clone(),
        wallet_label: label,
        created_at_ms: now_ms(),
    };
    match state.db.insert_link(&link).await? {
        Inserted::Stored => {
            tracing::info!(user_id = %link.user_id, "wallet linked");
            Ok(envelope::success(StatusCode::CREATED, "wallet linked", &LinkView::from(link)))
        }
        // Another request (or gateway process) linked this subject first: answer what it stored. Our
        // users/resolve may have reached the Machines API after the winner's and left our wallet there, so
        // resolve again with the stored one; this call comes after the winner's insert, hence after its
        // resolve, and the API ends with the wallet the database holds.
        Inserted::SubjectTaken => match state.db.link_of(&caller.issuer, &caller.subject).await? {
            Some(existing) => {
                if !existing.wallet_address.eq_ignore_ascii_case(&address) {
                    let mut again = ResolveUserRequest::new(existing.user_id.clone());
                    again.wallet_address = Some(existing.wallet_address.clone());
                    again.wallet_label = existing.wallet_label.clone();
                    state.machines.resolve_user(&again).await?;
                }
                answer_existing(existing, &address)
            }
            None => Err(GatewayError::NotLinked),
        },
        Inserted::AddressTaken => Err(GatewayError::AddressTaken),
    }
}

/// A second link of the same subject answers the stored link; a different wallet is refused.
fn answer_existing(existing: Link, address: &str) -> Result<Response, GatewayError> {
    if existing.wallet_address.eq_ignore_ascii_case(address) {
        Ok(envelope::success(StatusCode::OK, "wallet already linked", &LinkView::from(existing)))
    } else {
        Err(GatewayError::AlreadyLinked { linked: existing.wallet_address })
    }
}

fn checked_label(label: Option<String>) -> Result<Option<String>, GatewayError> {
    let Some(label) = label.map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()) else { return Ok(None) };
    if label.chars().count() > MAX_LABEL_CHARS || label.chars().any(char::is_control) {
        return Err(GatewayError::invalid(
            "walletLabel",
            format!("a wallet label is at most {MAX_LABEL_CHARS} characters, with no control characters"),
        ));
    }
    Ok(Some(label))
}
