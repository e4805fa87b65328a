//! The person in the system browser during a Partner sign-in. The app hands the provider's authorization
//! URL to `xdg-open` (the stand-in in `browser.rs` records it); this follows it over HTTP with a cookie jar,
//! fills the provider's real sign-in and consent forms (the form-filling the gateway's and wallet-core's
//! tests use, `oidc_provider::follow_to_redirect`), and ends with the GET of the app's loopback redirect,
//! whose page it keeps.

use std::time::Duration;

use url::Url;

use crate::browser::Browser;
use crate::oidc_provider::follow_to_redirect;
use crate::{Failure, Result};

/// Where a sign-in in the browser ended.
#[derive(Debug, Clone)]
pub struct Landing {
    /// The authorization URL the app opened.
    pub authorization: Url,
    /// The app's loopback redirect, with the code and state the provider sent back.
    pub callback: Url,
    /// What the app's loopback page answered.
    pub status: u16,
    pub page: String,
}

impl Landing {
    /// A query parameter of the authorization URL the app opened.
    pub fn asked(&self, name: &str) -> Option<String> {
        self.authorization.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
    }
}

/// Waits for the `n`th link the app opens (1-based), which must be the authorization URL of the provider
/// at `issuer`, and signs `user` in with `password` through the provider's pages.
pub async fn sign_in(browser: &Browser, n: usize, issuer: &str, user: &str, password: &str) -> Result<Landing> {
    let link = browser.wait_for_link(n).await?;
    let authorization = Url::parse(&link).map_err(|e| Failure::new(format!("the app opened {link:?}: {e}")))?;
    if !link.starts_with(issuer) {
        return Err(Failure::new(format!("the app opened {link}, not a page of the provider {issuer}")));
    }
    let redirect_uri = authorization
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .map(|(_, v)| v.into_owned())
        .ok_or_else(|| Failure::new(format!("the authorization URL has no redirect_uri: {link}")))?;
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()?;
    let callback = follow_to_redirect(&http, authorization.clone(), user, password, &redirect_uri)
        .await
        .map_err(|e| Failure::new(format!("signing in at the provider: {e}")))?;
    let response = http.get(callback.clone()).send().await?;
    let status = response.status().as_u16();
    let page = response.text().await?;
    Ok(Landing { authorization, callback, status, page })
}
