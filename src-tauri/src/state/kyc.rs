//! Identity verification: the form built from `/kyc/values` (asked once per connection and user), the
//! checks while typing, the submission, and the links a person may open from it.

use std::collections::HashMap;
use std::sync::Arc;

use machines_api::{IdempotencyKey, SecretString, UserClient};
use wallet_core::error::{ErrorCode, UiAction, UiError};
use wallet_core::kyc_form::{self, FieldProblem, FormDefinition, FormValues};
use wallet_core::kyc_view::{kyc_view, KycView};

use super::{ui, AppState};

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

impl AppState {
    /// The signed-in user's KYC form: from `/kyc/values` the first time, then the one kept on the
    /// connection. The request is made without holding the connection lock, so no other command waits on it.
    pub async fn kyc_form(&self) -> Result<(Arc<UserClient>, Arc<FormDefinition>), UiError> {
        let user = self.user().await?;
        let kept =
            self.connect().await?.kyc_form.as_ref().filter(|(asked_by, _)| Arc::ptr_eq(asked_by, &user)).cloned();
        if let Some(kept) = kept {
            return Ok(kept);
        }
        let values = user.kyc_values().await.map_err(ui)?.data;
        let form = Arc::new(FormDefinition::from_values(&values));
        let mut connection = self.connect().await?;
        // Kept only if that user is still the one signed in (another may have signed in meanwhile).
        if connection.user.as_ref().is_some_and(|current| Arc::ptr_eq(current, &user)) {
            connection.kyc_form = Some((user.clone(), form.clone()));
        }
        Ok((user, form))
    }

    /// Client checks, mirroring the server's, for the values typed so far.
    pub async fn kyc_check(&self, values: HashMap<String, String>) -> Result<Vec<FieldProblem>, UiError> {
        let (_, form) = self.kyc_form().await?;
        Ok(kyc_form::validate(&form, &form_values(values), today()))
    }

    /// Checks and submits. Field errors (ours or the server's) come back on their inputs.
    pub async fn kyc_submit(&self, values: HashMap<String, String>) -> Result<KycView, UiError> {
        let (user, form) = self.kyc_form().await?;
        let values = form_values(values);
        let problems = kyc_form::validate(&form, &values, today());
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
        let application = kyc_form::to_application(&form, &values);
        match user.submit_kyc(&application, &IdempotencyKey::generate()).await {
            Ok(envelope) => Ok(kyc_view(&envelope.data)),
            Err(err) => {
                let mut error = UiError::from(&err);
                error.fields = kyc_form::server_errors(&form, err.field_errors());
                Err(error)
            }
        }
    }

    pub async fn kyc_status(&self) -> Result<KycView, UiError> {
        let user = self.user().await?;
        Ok(kyc_view(&user.kyc_status().await.map_err(ui)?.data))
    }

    /// The verification link to open, if there is one and it passes the allowlist.
    pub async fn verification_link(&self) -> Result<String, UiError> {
        let url = self.kyc_status().await?.verification_url.ok_or_else(|| {
            UiError::new(
                ErrorCode::NoLink,
                "No verification link",
                "There is no verification link right now.",
                UiAction::Dismiss,
            )
        })?;
        self.checked_link(&url).await
    }

    /// `url`, as it will be opened, if the connection's allowlist lets it open in the browser.
    pub async fn checked_link(&self, url: &str) -> Result<String, UiError> {
        let connection = self.connect().await?;
        connection.links.check(url).map(String::from).map_err(|refusal| {
            UiError::new(ErrorCode::LinkRefused, "Link not opened", refusal.to_string(), UiAction::Dismiss)
        })
    }
}
