//! The signed-in person: the flow that signs them in, the access token in memory, the refresh grant, and
//! sign-out. One `SignIn` per configured provider, shared (`Arc`) by the shell and the API client.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use machines_api::{AccessTokens, ApiError, SecretString, TokenFuture};
use openidconnect::core::{
    CoreAuthPrompt, CoreAuthenticationFlow, CoreClient, CoreErrorResponseType, CoreProviderMetadata, CoreTokenResponse,
};
use openidconnect::{
    ClientId, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, HttpClientError, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, RedirectUrl, RefreshToken, RequestTokenError, Scope, StandardErrorResponse,
    TokenResponse,
};
use tokio_util::sync::CancellationToken;

use super::loopback::{Expected, Loopback};
use super::{OpenBrowser, RefreshTokenStore, SignInConfig, SignInError};

/// The client `from_provider_metadata` makes: the authorization endpoint known, the token and userinfo
/// endpoints as the provider's metadata says.
type OidcClient =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

type TokenError = RequestTokenError<HttpClientError<reqwest::Error>, StandardErrorResponse<CoreErrorResponseType>>;

/// An access token counts as spent this long before the provider's `expires_in`, so a call does not
/// leave with a token that expires on the way.
const EXPIRY_MARGIN: Duration = Duration::from_secs(30);
/// One provider request (discovery, keys, a grant): providers answer in well under a second.
const REQUEST_LIMIT: Duration = Duration::from_secs(15);

pub struct SignIn {
    config: SignInConfig,
    http: reqwest::Client,
    store: Arc<dyn RefreshTokenStore>,
    /// The provider's discovered metadata and keys. Fetched again for each sign-in, whose new ID token is
    /// checked with them: a provider rotates its signing keys, and keys kept from an earlier discovery would
    /// refuse every sign-in after that until the app restarts. A refresh (no signature to check) uses the
    /// last ones.
    provider: tokio::sync::Mutex<Option<OidcClient>>,
    access: Mutex<Option<Access>>,
    /// One refresh at a time: providers rotate refresh tokens, and two grants with the same one would make
    /// the provider see a reuse and revoke the whole sign-in.
    refreshing: tokio::sync::Mutex<()>,
}

struct Access {
    token: SecretString,
    /// `None` when the provider did not say; the gateway's 401 then triggers the refresh.
    good_until: Option<Instant>,
}

impl SignIn {
    pub fn new(config: SignInConfig, store: Arc<dyn RefreshTokenStore>) -> Result<Self, SignInError> {
        // Redirects off, as openidconnect asks: a redirect could send a token request somewhere else.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(REQUEST_LIMIT)
            // No idle connection kept: a pooled connection keeps its read buffer, which still holds the last
            // token answer (a refresh token among it) for as long as the pool lives. Closed, its buffers are
            // freed, and the zeroing allocator wipes them. A sign-in or a refresh is worth one handshake.
            .pool_max_idle_per_host(0)
            .build()
            .map_err(|e| SignInError::Config { detail: e.to_string() })?;
        Ok(Self {
            config,
            http,
            store,
            provider: tokio::sync::Mutex::new(None),
            access: Mutex::new(None),
            refreshing: tokio::sync::Mutex::new(()),
        })
    }

    /// Signs the person in: opens the provider's page through `browser`, waits for the loopback redirect
    /// (until `cancel`, or the time limit), trades the code for tokens with the PKCE verifier, and checks
    /// the ID token (signature, issuer, audience, nonce). The refresh token goes to the store.
    pub async fn sign_in(&self, browser: &dyn OpenBrowser, cancel: &CancellationToken) -> Result<(), SignInError> {
        let client = until_cancelled(cancel, self.provider(Discovery::Fresh)).await?;
        let loopback = Loopback::bind().await?;
        let client = client.set_redirect_uri(RedirectUrl::from_url(loopback.redirect_url().clone()));
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .set_pkce_challenge(challenge)
            // offline_access asks for the refresh token; OpenID Connect Core §11 wants consent asked with it.
            .add_scope(Scope::new("offline_access".to_owned()))
            .add_prompt(CoreAuthPrompt::Consent);
        for scope in &self.config.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.url();
        browser.open(&url)?;
        let expected = Expected { state: state.secret().clone(), issuer: self.config.issuer.clone() };
        let code = loopback.wait(expected, cancel, self.config.time_limit).await?;

        let exchange = client.exchange_code(code).map_err(|e| SignInError::Config { detail: e.to_string() })?;
        let response = until_cancelled(cancel, async {
            exchange.set_pkce_verifier(verifier).request_async(&self.http).await.map_err(token_error)
        })
        .await?;
        let id_token =
            response.id_token().ok_or_else(|| SignInError::Refused { reason: "no ID token in the answer".into() })?;
        id_token
            .claims(&client.id_token_verifier(), &nonce)
            .map_err(|e| SignInError::Refused { reason: format!("the ID token did not pass its checks: {e}") })?;
        match response.refresh_token() {
            Some(refresh) => self.store.save(&SecretString::new(refresh.secret().clone()))?,
            // No refresh token this time: one kept from an earlier sign-in belongs to another session.
            None => self.store.forget()?,
        }
        self.keep(&response);
        Ok(())
    }

    /// The access token, renewed first with the refresh token when it is spent or there is none in
    /// memory (after a restart).
    pub async fn access_token(&self) -> Result<SecretString, SignInError> {
        if let Some(access) = self.access().as_ref() {
            if access.good_until.is_none_or(|until| Instant::now() + EXPIRY_MARGIN < until) {
                return Ok(access.token.clone());
            }
        }
        self.refresh().await
    }

    /// Trades the stored refresh token for a new access token (and the rotated refresh token). A refresh
    /// token the provider rejects is forgotten, and the answer is [`SignInError::SignInAgain`].
    pub async fn refresh(&self) -> Result<SecretString, SignInError> {
        let _one = self.refreshing.lock().await;
        let Some(stored) = self.store.load()? else {
            self.access().take();
            return Err(SignInError::SignInAgain);
        };
        let client = self.provider(Discovery::Kept).await?;
        let refresh = RefreshToken::new(stored.expose().to_owned());
        let exchange =
            client.exchange_refresh_token(&refresh).map_err(|e| SignInError::Config { detail: e.to_string() })?;
        let response = match exchange.request_async(&self.http).await {
            Ok(response) => response,
            Err(RequestTokenError::ServerResponse(answer))
                if *answer.error() == CoreErrorResponseType::InvalidGrant =>
            {
                self.access().take();
                self.store.forget()?;
                return Err(SignInError::SignInAgain);
            }
            Err(error) => return Err(token_error(error)),
        };
        if let Some(rotated) = response.refresh_token() {
            self.store.save(&SecretString::new(rotated.secret().clone()))?;
        }
        Ok(self.keep(&response))
    }

    /// Forgets the access token and the stored refresh token.
    pub fn sign_out(&self) -> Result<(), SignInError> {
        self.access().take();
        self.store.forget()?;
        Ok(())
    }

    /// Whether an access token is in memory (a refresh token in the keychain may still renew one).
    pub fn has_access_token(&self) -> bool {
        self.access().is_some()
    }

    fn keep(&self, response: &CoreTokenResponse) -> SecretString {
        let token = SecretString::new(response.access_token().secret().clone());
        let good_until = response.expires_in().map(|life| Instant::now() + life);
        *self.access() = Some(Access { token: token.clone(), good_until });
        token
    }

    fn access(&self) -> MutexGuard<'_, Option<Access>> {
        // A panic elsewhere while the lock was held leaves the value itself whole.
        self.access.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The provider's endpoints and signing keys from its issuer: discovered now (`Fresh`), or the last
    /// ones when there are some (`Kept`).
    async fn provider(&self, discovery: Discovery) -> Result<OidcClient, SignInError> {
        if discovery == Discovery::Kept {
            if let Some(client) = self.provider.lock().await.clone() {
                return Ok(client);
            }
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone())
            .map_err(|e| SignInError::Config { detail: format!("the issuer is not a URL: {e}") })?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http).await.map_err(discovery_error)?;
        let client = CoreClient::from_provider_metadata(metadata, ClientId::new(self.config.client_id.clone()), None);
        *self.provider.lock().await = Some(client.clone());
        Ok(client)
    }
}

/// Whether [`SignIn::provider`] discovers the provider again.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Discovery {
    Fresh,
    Kept,
}

impl AccessTokens for SignIn {
    fn access_token(&self) -> TokenFuture<'_> {
        Box::pin(async move { SignIn::access_token(self).await.map_err(ApiError::from) })
    }

    fn refresh(&self) -> TokenFuture<'_> {
        Box::pin(async move { SignIn::refresh(self).await.map_err(ApiError::from) })
    }
}

async fn until_cancelled<T>(
    cancel: &CancellationToken,
    work: impl std::future::Future<Output = Result<T, SignInError>>,
) -> Result<T, SignInError> {
    tokio::select! {
        biased;
        () = cancel.cancelled() => Err(SignInError::Cancelled),
        result = work => result,
    }
}

fn discovery_error(error: openidconnect::DiscoveryError<HttpClientError<reqwest::Error>>) -> SignInError {
    use openidconnect::DiscoveryError;
    match error {
        DiscoveryError::Request(error) => SignInError::Unreachable { detail: cause(&error) },
        // A proxy or load balancer in front of a provider that is down answers 5xx.
        DiscoveryError::Response(status, _, _) if status.is_server_error() => {
            SignInError::Unreachable { detail: format!("it answered {status}") }
        }
        DiscoveryError::Response(status, _, _) => {
            SignInError::Config { detail: format!("the issuer's discovery document answered {status}") }
        }
        other => SignInError::Config { detail: format!("the issuer's discovery document: {other}") },
    }
}

/// A token endpoint failure, without the answer's body (it can echo what was sent).
fn token_error(error: TokenError) -> SignInError {
    match error {
        RequestTokenError::ServerResponse(answer) => SignInError::Refused { reason: answer.error().to_string() },
        RequestTokenError::Request(error) => SignInError::Unreachable { detail: cause(&error) },
        RequestTokenError::Parse(_, _) => {
            SignInError::Refused { reason: "an answer that is not a token response".into() }
        }
        RequestTokenError::Other(detail) => SignInError::Refused { reason: detail },
    }
}

/// The innermost cause of a transport error ("Connection refused"), which is what a person can act on.
fn cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut inner = error;
    while let Some(next) = inner.source() {
        inner = next;
    }
    inner.to_string()
}
