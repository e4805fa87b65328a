//! The Partner sign-in journey's local stack and browser stand-in on their own, without the app: the
//! gateway is ready and knows the provider, and the stand-in, given an authorization URL as the app would
//! open it, signs alice in through the provider's real pages and lands on a loopback redirect with a code
//! and the state it was sent with (a wrong password is refused there, so the forms are really checked).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::TcpListener;

use machines_wallet_e2e::browser::Browser;
use machines_wallet_e2e::local_stack::{LocalStack, PARTNER_NAME};
use machines_wallet_e2e::oidc_provider::CLIENT_ID;
use machines_wallet_e2e::provider_login;

/// What the app's loopback page says, played here by a one-answer listener.
const APP_PAGE: &str = "You can close this tab";

/// Answers one GET on 127.0.0.1 with the app's page, from a thread, and hands back the request line.
fn app_loopback() -> (String, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let redirect = format!("http://127.0.0.1:{}/callback", listener.local_addr().unwrap().port());
    let served = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = [0u8; 4096];
        let n = stream.read(&mut request).unwrap();
        let body = format!("<p>{APP_PAGE}</p>");
        let answer = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
        stream.write_all(answer.as_bytes()).unwrap();
        String::from_utf8_lossy(&request[..n]).lines().next().unwrap_or_default().to_owned()
    });
    (redirect, served)
}

/// An authorization URL as the app builds it (PKCE S256, state, loopback redirect).
fn authorization(issuer: &str, redirect: &str, state: &str) -> String {
    let mut url = url::Url::parse(&format!("{issuer}/auth")).unwrap();
    url.query_pairs_mut()
        .append_pair("client_id", CLIENT_ID)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", redirect)
        .append_pair("scope", "openid offline_access profile")
        .append_pair("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        .append_pair("code_challenge_method", "S256")
        .append_pair("state", state);
    url.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Node.js and the npm oidc-provider: scripts/test runs it"]
async fn the_stack_serves_and_the_stand_in_signs_in_through_the_providers_pages() {
    let stack = LocalStack::start().await.unwrap();
    let ready = reqwest::get(format!("{}/readyz", stack.gateway_url)).await.unwrap();
    assert!(ready.status().is_success(), "the gateway is ready: {}", ready.status());
    let config: serde_json::Value = serde_json::from_slice(&std::fs::read(stack.config_path()).unwrap()).unwrap();
    assert_eq!(config["name"], PARTNER_NAME);
    assert_eq!(config["gatewayUrl"], stack.gateway_url.as_str());
    assert_eq!(config["issuer"], stack.issuer.as_str());
    let written = std::fs::read_to_string(stack.config_path()).unwrap();
    assert!(!written.contains(stack.partner_key()), "partner.json never names the partner key");

    // The app's part, played by hand: the link handed to xdg-open, and the loopback that receives the code.
    let dir = tempfile::tempdir().unwrap();
    let browser = Browser::install(dir.path()).unwrap();
    let (redirect, served) = app_loopback();
    let link = authorization(&stack.issuer, &redirect, "state-from-the-app");
    std::fs::write(dir.path().join("opened.txt"), format!("{link}\n")).unwrap();

    let wrong = provider_login::sign_in(&browser, 1, &stack.issuer, "alice", "not-her-password").await;
    let refused = wrong.expect_err("a wrong password does not get through the provider's form").to_string();
    assert!(refused.contains("401") && refused.contains("do not match"), "{refused}");

    let landing = provider_login::sign_in(&browser, 1, &stack.issuer, "alice", "alice-password").await.unwrap();
    assert_eq!(landing.status, 200);
    assert!(landing.page.contains(APP_PAGE), "{}", landing.page);
    let back: Vec<(String, String)> = landing.callback.query_pairs().into_owned().collect();
    assert!(back.iter().any(|(k, v)| k == "state" && v == "state-from-the-app"), "{back:?}");
    assert!(back.iter().any(|(k, v)| k == "code" && !v.is_empty()), "{back:?}");
    let request_line = served.join().unwrap();
    assert!(request_line.starts_with("GET /callback?"), "the loopback got the code: {request_line}");
    stack.stop().await;
}
