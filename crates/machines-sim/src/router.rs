//! Methods and paths → handlers. Every API route answers in the envelope, including unknown routes (404)
//! and wrong methods (405).

use std::collections::HashMap;
use std::sync::{Arc, MutexGuard};

use axum::body::{to_bytes, Bytes};
use axum::extract::{FromRequestParts, RawPathParams, RawQuery, Request, State as AxumState};
use axum::http::{Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use axum::Router;

use crate::reply::{Answer, Reply};
use crate::routes::{
    admin, agreements, cards, deposits, encryption, kyc, ledger, refunds, secrets, sessions, spend, users, verify,
    withdrawals,
};
use crate::sim::{Req, Sim};
use crate::state::State;

pub const API_PREFIX: &str = "/partner/v1";

type Handler = fn(&Sim, &mut State, &Req) -> Answer;

/// Takes the state lock. A handler that panicked (a bug) must not take the simulator down with it, so a
/// poisoned lock is recovered rather than propagated.
/// Taking it also tells the saver (if the state is saved) that a request may be changing it.
pub fn lock(sim: &Sim) -> MutexGuard<'_, State> {
    sim.touched.notify_one();
    sim.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn query_map(raw: Option<&str>) -> HashMap<String, String> {
    raw.map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect()).unwrap_or_default()
}

/// Largest request body a handler is given; the API's bodies are small JSON objects.
const MAX_BODY: usize = 1024 * 1024;

async fn run(handler: Handler, sim: Arc<Sim>, request: Request) -> Reply {
    let (mut parts, body) = request.into_parts();
    let params: HashMap<String, String> = match RawPathParams::from_request_parts(&mut parts, &()).await {
        Ok(params) => params.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect(),
        Err(_) => return Reply::bad_request("the path is not valid UTF-8"),
    };
    let Ok(body) = to_bytes(body, MAX_BODY).await else {
        return Reply::bad_request("the body is larger than 1 MiB");
    };
    let query = query_map(parts.uri.query());
    let path = parts.uri.path().strip_prefix(API_PREFIX).unwrap_or(parts.uri.path());
    let req = Req { method: &parts.method, path, params: &params, query: &query, headers: &parts.headers, body: &body };
    let mut st = lock(&sim);
    handler(&sim, &mut st, &req).unwrap_or_else(|refusal| refusal)
}

/// An axum handler (a closure over the extractors) that runs one API handler.
macro_rules! api {
    ($handler:path) => {
        |AxumState(sim): AxumState<Arc<Sim>>, request: Request| async move { run($handler, sim, request).await }
    };
}

async fn not_found(uri: Uri) -> Reply {
    Reply::error(
        StatusCode::NOT_FOUND,
        "not found",
        vec![serde_json::json!({"code": "not_found", "message": format!("no route {}", uri.path())})],
    )
}

async fn method_not_allowed(method: Method, uri: Uri) -> Reply {
    Reply::error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method not allowed",
        vec![
            serde_json::json!({"code": "invalid_request", "message": format!("{method} is not allowed on {}", uri.path())}),
        ],
    )
}

fn api_routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/sessions", post(api!(sessions::create)))
        .route("/users/resolve", post(api!(users::resolve)))
        .route("/kyc/schema", get(api!(kyc::schema)))
        .route("/kyc/values", get(api!(kyc::values)))
        .route("/kyc/applications", post(api!(kyc::submit)))
        .route("/kyc/status", get(api!(kyc::status)))
        .route("/agreements", get(api!(agreements::list)).post(api!(agreements::accept)))
        .route("/cards", get(api!(cards::list)).post(api!(cards::create)))
        .route("/cards/secrets/session", post(api!(secrets::session)))
        .route(
            "/cards/{card_id}",
            get(api!(cards::get)).merge(patch(api!(cards::update))).merge(delete(api!(cards::delete))),
        )
        .route("/cards/{card_id}/secrets", post(api!(secrets::reveal)))
        .route("/encryption/encrypt", post(api!(encryption::encrypt)))
        .route("/encryption/decrypt", post(api!(encryption::decrypt)))
        .route("/encryption/data-key", get(api!(encryption::data_key)))
        .route("/balances", get(api!(ledger::balances)))
        .route("/transactions", get(api!(ledger::transactions)))
        .route("/deposits/assets", get(api!(deposits::assets)))
        .route("/deposits/range", post(api!(deposits::range)))
        .route("/deposits/estimate", post(api!(deposits::estimate)))
        .route("/deposits", get(api!(deposits::list)).post(api!(deposits::create)))
        .route("/deposits/{deposit_id}", get(api!(deposits::get)))
        .route("/withdrawals/assets", get(api!(withdrawals::assets)))
        .route("/withdrawals/range", post(api!(withdrawals::range)))
        .route("/withdrawals/estimate", post(api!(withdrawals::estimate)))
        .route("/withdrawals", post(api!(withdrawals::create)))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

/// Simulator-only routes for tests and Demo mode: fund a deposit, spend on a card, inject faults, move the
/// clock. Documented in the README's simulator section.
fn admin_routes(sim: Arc<Sim>) -> Router<Arc<Sim>> {
    Router::new()
        .route("/deposits/{deposit_id}/fund", post(api!(deposits::fund)))
        .route("/cards/{card_id}/spend", post(api!(spend::spend)))
        .route("/transactions/settle", post(api!(spend::settle)))
        .route("/transactions/{transaction_id}/refund", post(api!(refunds::refund)))
        .route("/faults", get(api!(admin::faults_list)).post(api!(admin::faults_add)).delete(api!(admin::faults_clear)))
        .route("/clock/advance", post(api!(admin::clock_advance)))
        .route("/sessions/expire", post(api!(admin::sessions_expire)))
        .route("/users/{user_id}/kyc", post(api!(admin::set_kyc)))
        .route("/state", get(api!(admin::summary)))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(sim, admin_gate))
}

/// Every `/_sim` route, and its fallbacks, answer only a caller with the admin secret and a JSON body.
async fn admin_gate(AxumState(sim): AxumState<Arc<Sim>>, request: Request, next: axum::middleware::Next) -> Response {
    match admin::refusal(&sim, request.method(), request.headers()) {
        Some(refusal) => refusal.into_response(),
        None => next.run(request).await,
    }
}

async fn verify_page(AxumState(sim): AxumState<Arc<Sim>>, RawQuery(query): RawQuery) -> Response {
    let query = query_map(query.as_deref());
    let (status, html) = verify::page(&sim, &mut lock(&sim), &query);
    (status, Html(html)).into_response()
}

async fn verify_submit(AxumState(sim): AxumState<Arc<Sim>>, body: Bytes) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let (status, html) = verify::submit(&sim, &mut lock(&sim), &form);
    (status, Html(html)).into_response()
}

pub fn router(sim: Arc<Sim>) -> Router {
    Router::new()
        .nest(API_PREFIX, api_routes())
        .nest("/_sim", admin_routes(sim.clone()))
        .route("/verify", get(verify_page).post(verify_submit))
        .fallback(not_found)
        .with_state(sim)
}
