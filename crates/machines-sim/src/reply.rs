//! Answers in the API's envelope: `{ok, data, summary, errors[], next?}` on success and
//! `{ok: false, summary, errors[]}` (no `data`) on failure, with the documented HTTP codes.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// What a handler gives back. `Err` is a refusal met on the way (no session, a bad body, an unknown id), so a
/// handler can take each step with `?`; `Ok` is its answer. Both are sent as they are (`router::run`).
pub type Answer = Result<Reply, Reply>;

/// One answer. Handlers build these; the server turns them into HTTP.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    /// Extra headers, e.g. `Retry-After`.
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub fn ok(summary: &str, data: Value) -> Self {
        Self {
            status: StatusCode::OK,
            body: json!({"ok": true, "data": data, "summary": summary, "errors": []}),
            headers: Vec::new(),
        }
    }

    /// Success with a polling hint.
    pub fn ok_next(summary: &str, data: Value, poll_after_ms: u64, tool: &str) -> Self {
        let mut reply = Self::ok(summary, data);
        reply.body["next"] = json!({"pollAfterMs": poll_after_ms.max(1), "suggestedTool": tool, "suggestedArgs": {}});
        reply
    }

    pub fn error(status: StatusCode, summary: &str, errors: Vec<Value>) -> Self {
        Self { status, body: json!({"ok": false, "summary": summary, "errors": errors}), headers: Vec::new() }
    }

    fn item(code: &str, message: &str, field: Option<&str>) -> Value {
        match field {
            Some(field) => json!({"code": code, "message": message, "field": field}),
            None => json!({"code": code, "message": message}),
        }
    }

    /// 400 `invalid_request` on one field (a dotted JSON path).
    pub fn invalid(field: &str, message: &str) -> Self {
        Self::invalid_fields(vec![(field.to_owned(), message.to_owned())])
    }

    /// 400 `invalid_request` listing every bad field at once, so a form can mark them all.
    pub fn invalid_fields(fields: Vec<(String, String)>) -> Self {
        let errors = fields.iter().map(|(f, m)| Self::item("invalid_request", m, Some(f))).collect();
        Self::error(StatusCode::BAD_REQUEST, "invalid request", errors)
    }

    /// 400 `invalid_request` not tied to a field (e.g. a body that is not JSON).
    pub fn bad_request(message: &str) -> Self {
        Self::error(StatusCode::BAD_REQUEST, "invalid request", vec![Self::item("invalid_request", message, None)])
    }

    pub fn unauthorized(message: &str) -> Self {
        Self::error(StatusCode::UNAUTHORIZED, "unauthorized", vec![Self::item("unauthorized", message, None)])
    }

    pub fn forbidden(scope: &str) -> Self {
        let message = format!("missing scope {scope}");
        Self::error(StatusCode::FORBIDDEN, "forbidden", vec![Self::item("missing_scope", &message, None)])
    }

    pub fn not_found(what: &str) -> Self {
        Self::error(
            StatusCode::NOT_FOUND,
            "not found",
            vec![Self::item("not_found", &format!("{what} not found"), None)],
        )
    }

    /// 409 `invalid_state`: the user's state does not allow this yet (or any more).
    pub fn invalid_state(summary: &str, message: &str) -> Self {
        Self::error(StatusCode::CONFLICT, summary, vec![Self::item("invalid_state", message, None)])
    }

    /// 409 with a specific code (`idempotency_conflict`, `missing_contract`).
    pub fn conflict(code: &str, summary: &str, message: &str) -> Self {
        Self::error(StatusCode::CONFLICT, summary, vec![Self::item(code, message, None)])
    }

    /// 400 with a specific code (`chain_not_supported`, `wallet_invalid_for_chain`), on a field.
    pub fn rejected(code: &str, field: &str, message: &str) -> Self {
        Self::error(StatusCode::BAD_REQUEST, "invalid request", vec![Self::item(code, message, Some(field))])
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        let mut reply = Self::error(
            StatusCode::TOO_MANY_REQUESTS,
            "rate limited",
            vec![Self::item("rate_limited", "too many requests; retry later", None)],
        );
        reply.headers.push(("retry-after", retry_after_secs.to_string()));
        reply
    }

    pub fn server_error(status: StatusCode) -> Self {
        Self::error(
            status,
            "internal error",
            vec![Self::item("internal_error", "the service is temporarily unavailable", None)],
        )
    }

    pub fn is_success(&self) -> bool {
        self.status.is_success()
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let bytes = serde_json::to_vec(&self.body).unwrap_or_default();
        let mut response = Response::new(Body::from(bytes));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        }
        response
    }
}
