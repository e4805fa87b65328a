//! The response envelope `{ok, data, summary, errors[], next}` and the mapping of failures onto
//! [`ApiError`].
//!
//! A call succeeds only when the status is 2xx, `ok` is `true` and `data` is present, as the vendor's own
//! clients decide. Anything else becomes a typed error; a body that is not JSON, is truncated or nests too
//! deeply is a `decode` error, never a panic. `data` is parsed straight into its model, so secret-bearing
//! responses never pass through an intermediate `serde_json::Value`.
//!
//! Open Responses mode (a `response` object whose `function_call_output.output` is the envelope as a JSON
//! string) is unwrapped transparently, so a proxy that turns it on does not break us.

use std::time::Duration;

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::error::{ApiError, Credential, FieldError, Problem};
use crate::secret::SecretString;

/// The optional `next` hint: when to poll again and what to call. Advisory only (spec Q9).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Next {
    pub poll_after: Option<Duration>,
    pub suggested_tool: Option<String>,
    pub suggested_args: Option<Value>,
}

/// A successful response.
#[derive(Debug, Clone)]
pub struct Envelope<T> {
    pub data: T,
    pub summary: String,
    pub next: Option<Next>,
}

impl<T> Envelope<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Envelope<U> {
        Envelope { data: f(self.data), summary: self.summary, next: self.next }
    }
}

#[derive(Deserialize)]
struct Wire<'a> {
    #[serde(default)]
    ok: Option<bool>,
    // Kept as the raw text (borrowed, not copied) until `ok` and the status say it is a success, so a
    // failure whose `data` has another shape still reports the server's own words. Missing and `null`
    // both come out as `None`.
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
    #[serde(default, deserialize_with = "lenient_string")]
    summary: Option<String>,
    #[serde(default, deserialize_with = "lenient_errors")]
    errors: Vec<FieldError>,
    #[serde(default, deserialize_with = "lenient_next")]
    next: Option<Next>,
    // Open Responses wrapper members; absent on a normal envelope.
    #[serde(default)]
    object: Option<String>,
    #[serde(default)]
    output: Option<Vec<OpenResponsesItem>>,
}

#[derive(Deserialize)]
struct OpenResponsesItem {
    #[serde(default, rename = "type")]
    kind: Option<String>,
    /// The inner envelope as a JSON string. It can hold tokens and keys, so it is held in a wiped buffer.
    #[serde(default)]
    output: Option<SecretString>,
}

fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(text) => Some(text),
        _ => None,
    })
}

fn lenient_errors<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<FieldError>, D::Error> {
    let items = match Value::deserialize(d)? {
        Value::Array(items) => items,
        Value::Object(one) => vec![Value::Object(one)],
        _ => Vec::new(),
    };
    let text = |value: Option<&Value>| match value {
        Some(Value::String(text)) if !text.is_empty() => Some(text.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    Ok(items
        .iter()
        .filter_map(|item| match item {
            Value::Object(map) => Some(FieldError {
                code: text(map.get("code")),
                message: text(map.get("message")).unwrap_or_default(),
                field: text(map.get("field")).or_else(|| text(map.get("path"))),
            }),
            Value::String(message) => Some(FieldError { code: None, message: message.clone(), field: None }),
            _ => None,
        })
        .collect())
}

fn lenient_next<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Next>, D::Error> {
    let Value::Object(map) = Value::deserialize(d)? else {
        return Ok(None);
    };
    // The reference's placeholder is 1 ms; a hint of 0 or a negative or absurd value is ignored so a
    // drifting server cannot make us spin or sleep for a day.
    let poll_after = map
        .get("pollAfterMs")
        .and_then(Value::as_f64)
        .filter(|ms| ms.is_finite() && *ms >= 1.0 && *ms <= 3_600_000.0)
        .map(|ms| Duration::from_millis(ms as u64));
    Ok(Some(Next {
        poll_after,
        suggested_tool: map.get("suggestedTool").and_then(Value::as_str).map(str::to_owned),
        suggested_args: map.get("suggestedArgs").cloned(),
    }))
}

/// How a failed call is described before it becomes an [`ApiError`]: the status, the server's words,
/// and a `Retry-After` if one was sent.
pub(crate) struct Failure {
    pub status: u16,
    pub problem: Problem,
    pub retry_after: Option<Duration>,
}

enum Parsed<T> {
    Ok(Envelope<T>),
    Failed(Problem),
}

fn parse_wire<T: DeserializeOwned>(status: u16, body: &[u8], depth: u8) -> Result<Parsed<T>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::decode(format!("empty body with HTTP {status}")));
    }
    let wire: Wire<'_> = serde_json::from_slice(body).map_err(|e| ApiError::decode(describe_json_error(&e)))?;
    if wire.ok.is_none() && wire.object.as_deref() == Some("response") && depth == 0 {
        return unwrap_open_responses(status, wire.output.unwrap_or_default());
    }
    let problem = Problem { status, summary: wire.summary.clone(), errors: wire.errors, ..Problem::default() };
    match (wire.ok, wire.data) {
        (Some(true), Some(raw)) if (200..300).contains(&status) => {
            let data = parse_data::<T>(raw.get())?;
            Ok(Parsed::Ok(Envelope { data, summary: wire.summary.unwrap_or_default(), next: wire.next }))
        }
        (Some(true), None) if (200..300).contains(&status) => Err(ApiError::decode("the response has no data")),
        (None, _) if (200..300).contains(&status) => Err(ApiError::decode("the response is not an API envelope")),
        _ => Ok(Parsed::Failed(problem)),
    }
}

fn unwrap_open_responses<T: DeserializeOwned>(
    status: u16,
    items: Vec<OpenResponsesItem>,
) -> Result<Parsed<T>, ApiError> {
    let inner = items
        .into_iter()
        .find(|item| item.kind.as_deref() == Some("function_call_output"))
        .and_then(|item| item.output)
        .ok_or_else(|| ApiError::decode("an Open Responses reply without a function_call_output"))?;
    parse_wire(status, inner.expose().as_bytes(), 1)
}

/// Parses `data` into its model. A failure names the field's path below `data` (`data.cards[2].last4`), so
/// a drifting server can be diagnosed from the message alone; the offending value is never quoted.
fn parse_data<T: DeserializeOwned>(raw: &str) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_str(raw);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let at = describe_path(err.path());
        ApiError::decode(format!("{} at {at}", describe_json_error(err.inner())))
    })
}

/// The path of a failed field as `data.cards[2].last4`. Struct fields and map keys look alike to serde, and
/// a map key is data: a key that does not look like a field name (say, a token used as a key) is shown as
/// `?` rather than quoted.
fn describe_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut text = String::from("data");
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => text.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                let named = !key.is_empty()
                    && key.len() <= 64
                    && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                text.push('.');
                text.push_str(if named { key } else { "?" });
            }
            Segment::Unknown => text.push_str(".?"),
        }
    }
    text
}

fn describe_json_error(err: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match err.classify() {
        Category::Eof => "the body ended early (truncated JSON)".to_owned(),
        Category::Syntax => format!("the body is not JSON (line {}, column {})", err.line(), err.column()),
        // serde's message can quote the offending value (a token, a key), so only the position and a
        // missing field's name are reported.
        Category::Data => {
            let text = err.to_string();
            match text.strip_prefix("missing field ") {
                Some(rest) => format!("missing field {}", rest.split(' ').next().unwrap_or_default()),
                None => format!("unexpected shape (line {}, column {})", err.line(), err.column()),
            }
        }
        Category::Io => "the body could not be read".to_owned(),
    }
}

/// Parses a response body. `Ok` holds the envelope of a successful call; a failed call comes back as a
/// [`Failure`] for the caller to turn into an error (it knows the scopes and retry state).
pub(crate) fn parse<T: DeserializeOwned>(
    status: u16,
    body: &[u8],
    retry_after: Option<Duration>,
) -> Result<Result<Envelope<T>, Failure>, ApiError> {
    if (200..300).contains(&status) {
        return match parse_wire::<T>(status, body, 0)? {
            Parsed::Ok(envelope) => Ok(Ok(envelope)),
            // A 2xx that says `ok: false` is a failure; classify it by its error codes.
            Parsed::Failed(problem) => Ok(Err(Failure { status, problem, retry_after })),
        };
    }
    // A failure body may be anything: HTML from a proxy, an empty 502, a truncated JSON. Keep what can be
    // read and never fail the failure.
    let problem = match parse_wire::<IgnoredAny>(status, body, 0) {
        Ok(Parsed::Failed(problem)) => problem,
        // A 404 that is not the API's envelope means this address does not serve the API at all.
        _ if status == 404 => return Err(ApiError::NotTheApi { status }),
        _ => Problem { status, ..Problem::default() },
    };
    Ok(Err(Failure { status, problem, retry_after }))
}

/// Parses one complete response (status and body) into its envelope or the error a caller would get.
/// The transport uses the parts of this; it is public for contract tests and benchmarks.
pub fn parse_response<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<Envelope<T>, ApiError> {
    parse::<T>(status, body, None)?.map_err(|failure| failure.into_error(&[]))
}

impl Failure {
    /// Classifies the failure. `required` names the scopes the call needed, for a 403 message.
    pub(crate) fn into_error(self, required: &[&str]) -> ApiError {
        let Failure { status, problem, retry_after } = self;
        let code = problem.api_code().map(str::to_owned);
        match (status, code.as_deref()) {
            (401, _) | (_, Some("unauthorized")) => {
                ApiError::Unauthorized { credential: Credential::PartnerKey, problem }
            }
            (403, _) | (_, Some("forbidden" | "missing_scope")) => {
                ApiError::Forbidden { required: required.iter().map(|s| (*s).to_owned()).collect(), problem }
            }
            (404, _) | (_, Some("not_found")) => ApiError::NotFound { problem },
            (_, Some("idempotency_conflict")) => ApiError::Conflict { problem },
            (429, _) | (_, Some("rate_limited")) => ApiError::RateLimited { retry_after, problem },
            (409, _) | (_, Some("invalid_state" | "missing_contract")) => ApiError::invalid_state(problem),
            // A 408 is the server giving up on a slow request: transient, like a 5xx. Its Retry-After (a 503
            // from a busy server sends one) says how long it will be busy.
            (408 | 500..=599, _) => ApiError::Server { problem, retry_after },
            _ => ApiError::Validation { problem },
        }
    }
}

/// Parses a `Retry-After` header: delta-seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    // Capped at a day: a larger value is as good as "not now", and stays far from overflow.
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds.min(86_400)));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(86_400.0)));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Thing {
        name: String,
    }

    fn ok<T: DeserializeOwned>(status: u16, body: &str) -> Envelope<T> {
        match parse::<T>(status, body.as_bytes(), None) {
            Ok(Ok(envelope)) => envelope,
            Ok(Err(failure)) => panic!("failed: {:?}", failure.problem),
            Err(err) => panic!("error: {err}"),
        }
    }

    fn err(status: u16, body: &str) -> ApiError {
        match parse::<Thing>(status, body.as_bytes(), Some(Duration::from_secs(3))) {
            Ok(Ok(_)) => panic!("unexpected success"),
            Ok(Err(failure)) => failure.into_error(&["cards.read"]),
            Err(err) => err,
        }
    }

    #[test]
    fn success_envelope_with_next_hint() {
        let env: Envelope<Thing> = ok(
            200,
            r#"{"ok":true,"data":{"name":"a","extra":1},"summary":"kyc status","errors":[],
                "next":{"pollAfterMs":5000,"suggestedTool":"kyc.status","suggestedArgs":{}}}"#,
        );
        assert_eq!(env.data, Thing { name: "a".into() });
        assert_eq!(env.summary, "kyc status");
        let next = env.next.unwrap();
        assert_eq!(next.poll_after, Some(Duration::from_secs(5)));
        assert_eq!(next.suggested_tool.as_deref(), Some("kyc.status"));
    }

    #[test]
    fn bad_poll_hints_are_ignored() {
        for hint in ["0", "-5", "1e300", "\"soon\""] {
            let env: Envelope<Thing> = ok(
                200,
                &format!(
                    r#"{{"ok":true,"data":{{"name":"a"}},"summary":"s","errors":[],"next":{{"pollAfterMs":{hint}}}}}"#
                ),
            );
            assert_eq!(env.next.unwrap().poll_after, None, "{hint}");
        }
    }

    #[test]
    fn official_error_body_maps_to_validation_with_message() {
        let e = err(
            400,
            r#"{"ok":false,"summary":"invalid request","errors":[{"code":"invalid_request","message":"missing wallet"}]}"#,
        );
        assert_eq!(e.code(), "validation");
        assert_eq!(e.to_string(), "invalid request: missing wallet");
    }

    #[test]
    fn field_paths_are_kept() {
        let e = err(
            400,
            r#"{"ok":false,"summary":"invalid request","errors":[{"code":"invalid_request","message":"required","field":"address.postalCode"}]}"#,
        );
        assert_eq!(e.field_errors()[0].field.as_deref(), Some("address.postalCode"));
    }

    #[test]
    fn status_and_codes_choose_the_variant() {
        let cases = [
            (401, "{}", "unauthorized"),
            (403, "{}", "forbidden"),
            (404, r#"{"ok":false,"summary":"not found","errors":[]}"#, "not_found"),
            (409, r#"{"ok":false,"summary":"kyc required","errors":[]}"#, "invalid_state"),
            (
                409,
                r#"{"ok":false,"summary":"conflict","errors":[{"code":"idempotency_conflict","message":"x"}]}"#,
                "conflict",
            ),
            (422, r#"{"ok":false,"summary":"bad","errors":[]}"#, "validation"),
            (429, "", "rate_limited"),
            (502, "<html>Bad gateway</html>", "server"),
            (503, r#"{"ok":false,"#, "server"),
            (
                200,
                r#"{"ok":false,"summary":"x","errors":[{"code":"missing_contract","message":"retry"}]}"#,
                "invalid_state",
            ),
        ];
        for (status, body, code) in cases {
            assert_eq!(err(status, body).code(), code, "{status} {body}");
        }
        match err(429, "") {
            ApiError::RateLimited { retry_after, .. } => assert_eq!(retry_after, Some(Duration::from_secs(3))),
            other => panic!("{other:?}"),
        }
        match err(403, "{}") {
            ApiError::Forbidden { required, .. } => assert_eq!(required, vec!["cards.read".to_owned()]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_busy_503_keeps_its_retry_after_and_one_without_stays_a_plain_server_error() {
        let body = r#"{"ok":false,"summary":"upstream busy","errors":[{"code":"upstream_unavailable","message":"x"}]}"#;
        let busy = match parse::<Thing>(503, body.as_bytes(), Some(Duration::from_secs(45))) {
            Ok(Err(failure)) => failure.into_error(&[]),
            _ => panic!("a 503 is a failure"),
        };
        assert_eq!((busy.code(), busy.retry_after()), ("server", Some(Duration::from_secs(45))));
        assert!(busy.is_transient());
        let broken = match parse::<Thing>(503, body.as_bytes(), None) {
            Ok(Err(failure)) => failure.into_error(&[]),
            _ => panic!("a 503 is a failure"),
        };
        assert_eq!((broken.code(), broken.retry_after()), ("server", None));
    }

    #[test]
    fn malformed_success_bodies_are_decode_errors() {
        for body in [
            "",
            "   ",
            "not json",
            r#"{"ok":true,"data":{"name":"a""#,
            r#"{"ok":true,"summary":"x"}"#,
            r#"{"ok":true,"data":null}"#,
            r#"{"data":{"name":"a"}}"#,
            r#"{"ok":true,"data":{"name":5}}"#,
            "[1,2]",
            "null",
        ] {
            assert_eq!(err(200, body).code(), "decode", "{body:?}");
        }
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(err(200, &deep).code(), "decode");
        assert_eq!(err(500, &deep).code(), "server");
    }

    #[test]
    fn decode_errors_never_quote_values() {
        let e = err(200, r#"{"ok":true,"data":{"name":["eyJhbGciOi.secret"]}}"#);
        assert_eq!(e.code(), "decode");
        assert!(!e.to_string().contains("eyJ") && !format!("{e:?}").contains("eyJ"), "{e}");
        let missing = err(200, r#"{"ok":true,"data":{"other":1}}"#);
        assert!(missing.to_string().contains("missing field `name`"), "{missing}");
    }

    #[test]
    fn a_wrongly_typed_field_names_its_path_and_never_its_value() {
        #[derive(Debug, Deserialize)]
        struct Card {
            #[allow(dead_code)]
            last4: String,
        }
        #[derive(Debug, Deserialize)]
        struct Cards {
            #[allow(dead_code)]
            cards: Vec<Card>,
        }
        let body =
            r#"{"ok":true,"data":{"cards":[{"last4":"4242"},{"last4":"0005"},{"last4":["eyJhbGciOi.secret"]}]}}"#;
        let e = match parse::<Cards>(200, body.as_bytes(), None) {
            Err(err) => err,
            Ok(_) => panic!("a list with a wrongly typed last4 parsed"),
        };
        assert_eq!(e.code(), "decode");
        assert!(e.to_string().contains("data.cards[2].last4"), "{e}");
        assert!(!e.to_string().contains("eyJ") && !format!("{e:?}").contains("eyJ"), "{e}");
        let missing = err(200, r#"{"ok":true,"data":{"other":1}}"#);
        assert!(missing.to_string().contains("missing field `name` at data"), "{missing}");
    }

    #[test]
    fn a_failure_keeps_the_servers_words_whatever_its_data() {
        let e = err(
            200,
            r#"{"ok":false,"data":{},"summary":"kyc required","errors":[{"code":"invalid_state","message":"x"}]}"#,
        );
        assert_eq!(e.code(), "invalid_state");
        assert!(e.to_string().starts_with("kyc required"), "{e}");
    }

    #[test]
    fn a_404_from_something_that_is_not_the_api_says_so() {
        let e = err(404, "<html>Not Found</html>");
        assert!(matches!(e, ApiError::NotTheApi { status: 404 }), "{e:?}");
        assert_eq!(e.to_string(), "The address answered HTTP 404 but does not serve the Machines partner API.");
        // The API's own 404, in its envelope, is an item not found.
        let body =
            r#"{"ok":false,"summary":"card not found","errors":[{"code":"not_found","message":"card not found"}]}"#;
        assert_eq!(err(404, body).code(), "not_found");
        assert_eq!(err(408, "").code(), "server");
    }

    #[test]
    fn open_responses_wrapper_is_unwrapped() {
        let inner = json!({"ok":true,"data":{"name":"wrapped"},"summary":"no cards","errors":[]}).to_string();
        let body = json!({
            "id":"resp_1","object":"response","status":"completed","model":"machinescash.partner",
            "output":[
                {"type":"message","role":"assistant","content":[{"type":"output_text","text":"no cards"}]},
                {"type":"function_call_output","call_id":"call_123","output": inner}
            ]
        })
        .to_string();
        let env: Envelope<Thing> = ok(200, &body);
        assert_eq!(env.data.name, "wrapped");
        assert_eq!(env.summary, "no cards");
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 1.5 ", now), Some(Duration::from_millis(1500)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
        assert_eq!(parse_retry_after("99999999999", now), Some(Duration::from_secs(86_400)));
    }
}
