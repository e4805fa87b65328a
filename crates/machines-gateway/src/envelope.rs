//! Answers in the Machines API's own envelope, `{ok, data, summary, errors}`, so a client reads the
//! gateway and the API the same way.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;
use zeroize::Zeroizing;

#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    ok: bool,
    data: &'a T,
    summary: &'a str,
    errors: [(); 0],
}

/// A success answer.
pub fn success<T: Serialize>(status: StatusCode, summary: &str, data: &T) -> Response {
    let body = Envelope { ok: true, data, summary, errors: [] };
    match serde_json::to_vec(&body) {
        Ok(bytes) => json_response(status, Body::from(bytes)),
        Err(err) => failure(StatusCode::INTERNAL_SERVER_ERROR, "encode", &err.to_string(), None),
    }
}

/// A success answer whose `data` holds a secret (a session token): serialized into a buffer that is
/// wiped when the last reference to the sent body is dropped, so no unwiped copy outlives the response.
pub fn success_secret<T: Serialize>(status: StatusCode, summary: &str, data: &T) -> Response {
    let body = Envelope { ok: true, data, summary, errors: [] };
    // Reserved up front so the buffer never grows by reallocation, which would leave the old, unwiped
    // allocation behind.
    let mut buf = Zeroizing::new(Vec::with_capacity(4096));
    match serde_json::to_writer(&mut *buf, &body) {
        Ok(()) => json_response(status, Body::from(Bytes::from_owner(buf))),
        Err(err) => failure(StatusCode::INTERNAL_SERVER_ERROR, "encode", &err.to_string(), None),
    }
}

/// A failure answer with one error.
pub fn failure(status: StatusCode, code: &str, message: &str, field: Option<&str>) -> Response {
    let body = json!({
        "ok": false,
        "data": null,
        "summary": message,
        "errors": [{ "code": code, "message": message, "field": field }],
    });
    (status, axum::Json(body)).into_response()
}

fn json_response(status: StatusCode, body: Body) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    // Session tokens must not sit in a shared or browser cache.
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
