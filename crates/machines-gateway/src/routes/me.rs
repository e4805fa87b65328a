//! `GET /v1/me`: who the token says you are, and your link if there is one.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use super::link::LinkView;
use crate::auth::Caller;
use crate::envelope;
use crate::error::GatewayError;
use crate::state::AppState;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Me {
    issuer: String,
    subject: String,
    linked: bool,
    link: Option<LinkView>,
}

pub async fn me(State(state): State<AppState>, caller: Caller) -> Result<Response, GatewayError> {
    let link = state.db.link_of(&caller.issuer, &caller.subject).await?;
    let summary = if link.is_some() { "linked" } else { "not linked yet" };
    let me =
        Me { linked: link.is_some(), link: link.map(LinkView::from), issuer: caller.issuer, subject: caller.subject };
    Ok(envelope::success(StatusCode::OK, summary, &me))
}
