//! A JSON body extractor whose refusals (malformed, wrong field, unknown purpose, too large) come back in
//! the envelope with a code, like every other error, instead of axum's plain-text rejections.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::GatewayError;

pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = GatewayError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(refusal(&rejection)),
        }
    }
}

fn refusal(rejection: &JsonRejection) -> GatewayError {
    let status = rejection.status();
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "content_type",
        _ => "invalid_body",
    };
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "The request body is larger than this gateway accepts.".to_owned(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "Send the body as JSON (Content-Type: application/json).".to_owned(),
        _ => rejection.body_text(),
    };
    GatewayError::BadRequest { status, code, message, field: None }
}
