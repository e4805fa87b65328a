//! The sign-in against the real OpenID provider (npm `oidc-provider`, the gateway's test provider), with a
//! stand-in browser that follows the authorization URL, fills the provider's real sign-in and consent
//! forms over HTTP and lands on the app's loopback redirect. `#[ignore]`d in plain `cargo test` (they need
//! Node.js); `scripts/test` runs them, and they fail, not skip, when node or `npm ci` is missing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

#[path = "support/memory_keychain.rs"]
mod memory_keychain;
#[path = "../../machines-gateway/tests/support/oidc_provider.rs"]
mod oidc_provider;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use memory_keychain::MemoryKeychain as Keychain;
use oidc_provider::{follow_to_redirect, OidcProvider, CLIENT_ID};
use tokio_util::sync::CancellationToken;
use url::Url;
use wallet_core::signin::{BrowserError, OpenBrowser, SignIn, SignInConfig, SignInError};

const AUDIENCE: &str = "http://127.0.0.1/gateway";

/// What the person does in the browser.
#[derive(Clone, Copy)]
enum Person {
    /// Signs in as alice and allows access.
    SignsIn,
    /// Before the real answer arrives, another page sends the loopback a code with a state of its own, then
    /// one with this sign-in's state but another provider's `iss` (a mix-up).
    SignsInAfterAForgedAnswer,
    /// The provider sends the browser back with `error=…` (the person denied, or the provider failed).
    ComesBackWith(&'static str),
    /// Leaves the tab alone.
    Nothing,
}

/// The stand-in for the system browser. Each page it lands on is kept: (URL, status, text).
struct Browser {
    person: Person,
    opened: Arc<Mutex<Option<Url>>>,
    landed: Arc<Mutex<Vec<(Url, u16, String)>>>,
}

impl Browser {
    fn new(person: Person) -> Browser {
        Browser { person, opened: Arc::default(), landed: Arc::default() }
    }

    /// The pages the browser landed on, once there are `count`: the app's answer goes out after the
    /// sign-in has its code, so the browser may still be reading it when `sign_in` returns.
    async fn landed(&self, count: usize) -> Vec<(Url, u16, String)> {
        for _ in 0..100 {
            let landed = self.landed.lock().unwrap().clone();
            if landed.len() >= count {
                return landed;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the browser did not land on {count} pages in 5 s");
    }

    fn redirect_uri(&self) -> Url {
        let opened = self.opened.lock().unwrap().clone().expect("the app opened the browser");
        let redirect = opened.query_pairs().find(|(k, _)| k == "redirect_uri").expect("a redirect_uri").1;
        Url::parse(&redirect).unwrap()
    }
}

impl OpenBrowser for Browser {
    fn open(&self, url: &Url) -> Result<(), BrowserError> {
        *self.opened.lock().unwrap() = Some(url.clone());
        let (url, person, landed) = (url.clone(), self.person, self.landed.clone());
        let query = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned()).unwrap();
        let (redirect_uri, state) = (query("redirect_uri"), query("state"));
        tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let visit = |target: Url| {
                let (http, landed) = (http.clone(), landed.clone());
                async move {
                    let response = http.get(target.clone()).send().await.unwrap();
                    let status = response.status().as_u16();
                    let page = response.text().await.unwrap();
                    landed.lock().unwrap().push((target, status, page));
                }
            };
            match person {
                Person::Nothing => {}
                Person::ComesBackWith(error) => {
                    let mut back = Url::parse(&redirect_uri).unwrap();
                    back.query_pairs_mut().append_pair("error", error).append_pair("state", &state);
                    visit(back).await;
                }
                Person::SignsIn | Person::SignsInAfterAForgedAnswer => {
                    let back = follow_to_redirect(&http, url, "alice", "alice-password", &redirect_uri).await.unwrap();
                    if let Person::SignsInAfterAForgedAnswer = person {
                        let mut forged = Url::parse(&redirect_uri).unwrap();
                        forged.query_pairs_mut().append_pair("code", "forged").append_pair("state", "not-the-apps");
                        visit(forged).await;
                        let mut mixed_up = Url::parse(&redirect_uri).unwrap();
                        mixed_up
                            .query_pairs_mut()
                            .append_pair("code", "from-elsewhere")
                            .append_pair("state", &state)
                            .append_pair("iss", "https://other-provider.example");
                        visit(mixed_up).await;
                    }
                    visit(back).await;
                }
            }
        });
        Ok(())
    }
}

fn config(issuer: &str) -> SignInConfig {
    SignInConfig::new(issuer, CLIENT_ID, vec!["wallet".to_owned()])
}

fn provider() -> OidcProvider {
    OidcProvider::start(AUDIENCE, Duration::from_secs(300))
}

async fn signed_in(provider: &OidcProvider) -> (SignIn, Arc<Keychain>, Browser) {
    let keychain = Arc::new(Keychain::default());
    let signin = SignIn::new(config(&provider.issuer), keychain.clone()).unwrap();
    let browser = Browser::new(Person::SignsIn);
    signin.sign_in(&browser, &CancellationToken::new()).await.expect("signed in");
    (signin, keychain, browser)
}

#[tokio::test]
#[ignore = "needs Node.js and the npm oidc-provider: scripts/test runs it"]
async fn a_person_signs_in_and_the_refresh_token_goes_only_to_the_keychain() {
    let provider = provider();
    let (signin, keychain, browser) = signed_in(&provider).await;

    let access = signin.access_token().await.unwrap();
    assert_eq!(access.expose().split('.').count(), 3, "the gateway's access token is a JWT");
    let refresh = keychain.held().expect("the refresh token is in the keychain");
    assert_ne!(refresh, access.expose());
    assert_eq!(*keychain.saves.lock().unwrap(), 1);

    // The browser ended on the app's page, which tells the person to go back; it never saw a token.
    let landed = browser.landed(1).await;
    let (url, status, page) = landed.last().unwrap();
    assert_eq!(url.origin(), browser.redirect_uri().origin());
    assert_eq!(*status, 200);
    assert!(page.contains("You can close this tab"), "{page}");
    assert!(!page.contains(&refresh) && !page.contains(access.expose()));
    // What the app asked for: PKCE with S256, a nonce, the refresh token's scope.
    let opened = browser.opened.lock().unwrap().clone().unwrap();
    let asked = |name: &str| opened.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    assert_eq!(asked("code_challenge_method").as_deref(), Some("S256"));
    assert!(asked("nonce").is_some());
    assert!(asked("scope").unwrap().split(' ').any(|s| s == "offline_access"));
    assert_eq!(browser.redirect_uri().host_str(), Some("127.0.0.1"));
}

#[tokio::test]
#[ignore = "needs Node.js and the npm oidc-provider: scripts/test runs it"]
async fn refresh_renews_the_access_token_and_the_rotated_refresh_token_after_a_restart() {
    let provider = provider();
    let (signin, keychain, _) = signed_in(&provider).await;
    let first = signin.access_token().await.unwrap();
    let first_refresh = keychain.held().unwrap();

    // The app restarts: nothing in memory, the keychain holds the refresh token.
    drop(signin);
    let restarted = SignIn::new(config(&provider.issuer), keychain.clone()).unwrap();
    assert!(!restarted.has_access_token());
    let renewed = restarted.access_token().await.expect("renewed with the refresh token");
    assert_ne!(renewed.expose(), first.expose());
    assert_ne!(keychain.held().unwrap(), first_refresh, "the provider rotated it and the keychain has the new one");
    // Held in memory now: the next call does not spend the refresh token again.
    let saves = *keychain.saves.lock().unwrap();
    assert_eq!(restarted.access_token().await.unwrap().expose(), renewed.expose());
    assert_eq!(*keychain.saves.lock().unwrap(), saves);
}

#[tokio::test]
#[ignore = "needs Node.js and the npm oidc-provider: scripts/test runs it"]
async fn an_answer_with_another_state_or_issuer_is_refused_and_the_real_one_still_signs_in() {
    let provider = provider();
    let keychain = Arc::new(Keychain::default());
    let signin = SignIn::new(config(&provider.issuer), keychain.clone()).unwrap();
    let browser = Browser::new(Person::SignsInAfterAForgedAnswer);
    signin.sign_in(&browser, &CancellationToken::new()).await.expect("the real answer signs in");

    let landed = browser.landed(3).await;
    assert_eq!(landed.len(), 3);
    for (forged, status, page) in &landed[..2] {
        assert_eq!(*status, 400, "{forged}");
        assert!(page.contains("not the sign-in the app is waiting for"), "{page}");
    }
    assert!(landed[1].0.as_str().contains("other-provider"));
    let (real, status, _) = &landed[2];
    assert_eq!(*status, 200);
    assert!(real.query_pairs().any(|(k, v)| k == "iss" && v == provider.issuer), "the provider names itself: {real}");
    assert!(keychain.held().is_some());
}

#[tokio::test]
#[ignore = "needs Node.js and the npm oidc-provider: scripts/test runs it"]
async fn a_redirect_with_an_error_ends_the_sign_in_in_words() {
    let provider = provider();
    for (error, expected) in [("access_denied", "sign_in_cancelled"), ("server_error", "provider_refused")] {
        let keychain = Arc::new(Keychain::default());
        let signin = SignIn::new(config(&provider.issuer), keychain.clone()).unwrap();
        let browser = Browser::new(Person::ComesBackWith(error));
        let failure = signin.sign_in(&browser, &CancellationToken::new()).await.unwrap_err();
        assert_eq!(failure.code(), expected, "{error}: {failure:?}");
        let ui = wallet_core::error::UiError::from(&failure);
        assert!(ui.title.starts_with("Sign-in"), "{}", ui.title);
        assert!(keychain.held().is_none() && !signin.has_access_token());
        assert_eq!(browser.landed(1).await[0].1, 200, "the browser is told to go back to the app");
    }
}

#[tokio::test]
#[ignore = "needs Node.js and the npm oidc-provider: scripts/test runs it"]
async fn a_rejected_refresh_token_asks_to_sign_in_again_and_is_forgotten() {
    let provider = provider();
    // Garbage in the keychain.
    let keychain = Arc::new(Keychain::default());
    keychain.put("not-a-refresh-token");
    let signin = SignIn::new(config(&provider.issuer), keychain.clone()).unwrap();
    assert_eq!(signin.refresh().await.unwrap_err(), SignInError::SignInAgain);
    assert_eq!(keychain.held(), None);
    assert_eq!(signin.access_token().await.unwrap_err(), SignInError::SignInAgain, "nothing left to renew with");

    // A revoked one: after a rotation the old token is spent, and the provider revokes the grant when it
    // comes back.
    let (signin, keychain, _) = signed_in(&provider).await;
    let old = keychain.held().unwrap();
    signin.refresh().await.unwrap();
    keychain.put(&old);
    assert_eq!(signin.refresh().await.unwrap_err(), SignInError::SignInAgain);
    assert_eq!(keychain.held(), None);
    assert!(!signin.has_access_token(), "the ended sign-in's access token is dropped too");
    let api = machines_api::ApiError::from(SignInError::SignInAgain);
    assert!(matches!(api, machines_api::ApiError::Unauthorized { credential: machines_api::Credential::SignIn, .. }));

    // Sign-out forgets both.
    let (signin, keychain, _) = signed_in(&provider).await;
    signin.sign_out().unwrap();
    assert!(keychain.held().is_none() && !signin.has_access_token());
}

#[tokio::test]
#[ignore = "needs Node.js and the npm oidc-provider: scripts/test runs it"]
async fn a_provider_that_is_down_is_unreachable_and_the_sign_in_is_kept() {
    let provider = provider();
    let issuer = provider.issuer.clone();
    let (signin, keychain, _) = signed_in(&provider).await;
    drop(provider);

    let keychain_before = keychain.held();
    let failure = signin.refresh().await.unwrap_err();
    assert_eq!(failure.code(), "provider_unreachable", "{failure:?}");
    assert_eq!(keychain.held(), keychain_before, "a provider that is away does not end the sign-in");

    let fresh = SignIn::new(config(&issuer), Arc::new(Keychain::default())).unwrap();
    let failure = fresh.sign_in(&Browser::new(Person::SignsIn), &CancellationToken::new()).await.unwrap_err();
    assert_eq!(failure.code(), "provider_unreachable", "{failure:?}");
    let ui = wallet_core::error::UiError::from(&failure);
    assert_eq!(ui.title, "Sign-in provider unreachable");
}

#[tokio::test]
#[ignore = "needs Node.js and the npm oidc-provider: scripts/test runs it"]
async fn cancel_stops_the_wait_at_once_and_closes_the_port_and_so_does_the_time_limit() {
    let provider = provider();
    let signin = SignIn::new(config(&provider.issuer), Arc::new(Keychain::default())).unwrap();
    let browser = Browser::new(Person::Nothing);
    let cancel = CancellationToken::new();
    let later = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        later.cancel();
    });
    let started = Instant::now();
    assert_eq!(signin.sign_in(&browser, &cancel).await.unwrap_err(), SignInError::Cancelled);
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    let port = browser.redirect_uri().port().unwrap();
    assert!(tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err(), "the loopback listener is closed");

    let mut quick = config(&provider.issuer);
    quick.time_limit = Duration::from_secs(1);
    let signin = SignIn::new(quick, Arc::new(Keychain::default())).unwrap();
    let failure = signin.sign_in(&Browser::new(Person::Nothing), &CancellationToken::new()).await.unwrap_err();
    assert_eq!(failure.code(), "sign_in_timed_out");
}
