//! The real OpenID Connect provider (`tests/oidc/provider.mjs`, npm `oidc-provider`) as a child process,
//! and a person signing in to it over HTTP: authorize, the sign-in form, the consent form, the code at the
//! loopback redirect, the token endpoint with PKCE. Include it with
//! `#[path = "support/oidc_provider.rs"] mod oidc_provider;`.
#![allow(dead_code)] // each test file uses a different part

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand_core::{OsRng, RngCore};
use reqwest::header::LOCATION;
use reqwest::redirect::Policy;
use sha2::{Digest, Sha256};
use url::Url;

/// The public client the provider registers for the desktop app, and its loopback redirect.
pub const CLIENT_ID: &str = "machines-wallet";
const REDIRECT_URI: &str = "http://127.0.0.1:7/callback";

pub struct OidcProvider {
    pub issuer: String,
    pub audience: String,
    child: Child,
}

impl OidcProvider {
    /// Starts the provider on a free port, issuing access tokens for `audience` that live `ttl`.
    /// Panics with the reason (no Node.js, no `npm ci`) rather than letting a test pass without it.
    pub fn start(audience: &str, ttl: Duration) -> OidcProvider {
        Self::start_on(audience, ttl, 0)
    }

    /// As [`OidcProvider::start`], on `port` (0: a free one). Started again on the port of one that was
    /// stopped, it is the same issuer with new signing keys, as a provider that rotated its keys.
    pub fn start_on(audience: &str, ttl: Duration, port: u16) -> OidcProvider {
        // Through the gateway crate's own name, so wallet-core's sign-in tests can include this file too; the
        // end-to-end crate (`tests/`, beside `crates/`) reaches it through `crates/`.
        let script = [
            concat!(env!("CARGO_MANIFEST_DIR"), "/../machines-gateway/tests/oidc/provider.mjs"),
            concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/machines-gateway/tests/oidc/provider.mjs"),
        ]
        .into_iter()
        .find(|path| std::path::Path::new(path).is_file())
        .unwrap_or("crates/machines-gateway/tests/oidc/provider.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .arg(port.to_string())
            .env("OIDC_AUDIENCE", audience)
            .env("OIDC_ACCESS_TOKEN_TTL", ttl.as_secs().max(1).to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("the real-parts tests need Node.js to run the OpenID provider (`node`): {e}"));
        let stdout = child.stdout.take().expect("stdout");
        let mut stderr = child.stderr.take().expect("stderr");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut stdout = BufReader::new(stdout);
            let mut line = String::new();
            let _ = stdout.read_line(&mut line);
            let _ = sender.send(line);
            // Kept open and drained: a closed pipe would kill node on its next write.
            let _ = std::io::copy(&mut stdout, &mut std::io::sink());
        });
        let line = receiver.recv_timeout(Duration::from_secs(30)).unwrap_or_default();
        let issuer = line.trim().to_owned();
        if !issuer.starts_with("http://127.0.0.1:") {
            let _ = child.kill();
            let mut err = String::new();
            let _ = stderr.read_to_string(&mut err);
            panic!(
                "the OpenID provider did not start (is `npm ci` done, so node_modules/oidc-provider exists?): \
                 stdout {issuer:?}, stderr:\n{err}"
            );
        }
        // Drained so the child never blocks on a full pipe; oidc-provider's start-up warnings land here.
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        });
        OidcProvider { issuer, audience: audience.to_owned(), child }
    }

    /// Signs `user` in through the forms and returns an access token for the gateway's audience.
    pub async fn sign_in(&self, user: &str, password: &str) -> Result<String, String> {
        self.sign_in_for(user, password, None).await
    }

    /// As [`OidcProvider::sign_in`], for another resource server (`resource`) when given.
    pub async fn sign_in_for(&self, user: &str, password: &str, resource: Option<&str>) -> Result<String, String> {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        let verifier = random_text();
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        let state = random_text();
        let mut authorize = Url::parse(&format!("{}/auth", self.issuer)).map_err(|e| e.to_string())?;
        authorize
            .query_pairs_mut()
            .append_pair("client_id", CLIENT_ID)
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", REDIRECT_URI)
            .append_pair("scope", "openid wallet")
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256")
            .append_pair("state", &state);
        if let Some(resource) = resource {
            authorize.query_pairs_mut().append_pair("resource", resource);
        }

        let next = follow_to_redirect(&http, authorize, user, password, REDIRECT_URI).await?;
        let pairs: Vec<(String, String)> = next.query_pairs().into_owned().collect();
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        if get("state").as_deref() != Some(state.as_str()) {
            return Err(format!("the redirect's state does not match: {next}"));
        }
        let code = get("code").ok_or_else(|| format!("no code in {next}"))?;

        let mut token_form = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT_URI),
            ("client_id", CLIENT_ID),
            ("code_verifier", verifier.as_str()),
        ];
        if let Some(resource) = resource {
            token_form.push(("resource", resource));
        }
        let response =
            http.post(format!("{}/token", self.issuer)).form(&token_form).send().await.map_err(|e| e.to_string())?;
        let status = response.status();
        let body: serde_json::Value = response.json().await.map_err(|e| e.to_string())?;
        body["access_token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("the token endpoint answered {status}: {body}"))
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        // Child::kill signals this child's own pid.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Follows the provider's redirects from `authorize` and fills each form it shows, as a browser and a
/// person would, until it redirects to an address starting with `redirect_uri` (the app's loopback
/// redirect), which it returns without visiting. Bounded: the flow takes 8 steps.
pub async fn follow_to_redirect(
    http: &reqwest::Client,
    authorize: Url,
    user: &str,
    password: &str,
    redirect_uri: &str,
) -> Result<Url, String> {
    let mut request = http.get(authorize);
    for _ in 0..16 {
        let response = request.send().await.map_err(|e| format!("{e:?}"))?;
        let base = response.url().clone();
        if response.status().is_redirection() {
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|l| l.to_str().ok())
                .ok_or("a redirect without a Location")?;
            let next = base.join(location).map_err(|e| e.to_string())?;
            if next.as_str().starts_with(redirect_uri) {
                return Ok(next);
            }
            request = http.get(next);
            continue;
        }
        let status = response.status();
        let page = response.text().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("the provider answered {status}: {page}"));
        }
        let form = Form::parse(&page).ok_or_else(|| format!("no form on the page: {page}"))?;
        let mut fields = Vec::new();
        for name in &form.inputs {
            match name.as_str() {
                "login" => fields.push(("login", user)),
                "password" => fields.push(("password", password)),
                other => return Err(format!("the form asks for an unknown field {other}")),
            }
        }
        request = http.post(base.join(&form.action).map_err(|e| e.to_string())?).form(&fields);
    }
    Err("the sign-in did not reach the redirect in 16 steps".to_owned())
}

/// The first form on a page: where it posts and the names of its inputs.
struct Form {
    action: String,
    inputs: Vec<String>,
}

impl Form {
    fn parse(page: &str) -> Option<Form> {
        let start = page.find("<form")?;
        let end = start + page[start..].find("</form>")?;
        let form = &page[start..end];
        let action = attribute(form, "action")?;
        let inputs = form.match_indices("<input").filter_map(|(i, _)| attribute(&form[i..], "name")).collect();
        Some(Form { action, inputs })
    }
}

/// The value of `name="…"` in the first tag of `html`.
fn attribute(html: &str, name: &str) -> Option<String> {
    let tag = &html[..html.find('>')?];
    let key = format!("{name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(tag[start..start + len].to_owned())
}

fn random_text() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}
