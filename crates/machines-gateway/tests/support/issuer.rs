//! A token issuer the tests control: discovery document and key set served on loopback, signing keys made
//! at test time, and a count of key-set fetches so a test can see when the verifier went back for keys.
//! Include it with `#[path = "support/issuer.rs"] mod issuer;`.
#![allow(dead_code)] // each test file uses a different part

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::routing::get;
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use p256::pkcs8::EncodePrivateKey;
use rand_core::OsRng;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};

/// A private key with its public JWK.
#[derive(Clone)]
pub struct SigningKey {
    pub kid: String,
    pub algorithm: Algorithm,
    pub encoding: EncodingKey,
    pub jwk: Value,
    /// The public key as PEM text: what an attacker would use as an HMAC secret.
    pub public_pem: Vec<u8>,
}

pub fn es256_key(kid: &str) -> SigningKey {
    let private = p256::ecdsa::SigningKey::random(&mut OsRng);
    let der = private.to_pkcs8_der().expect("pkcs8 der");
    let point = private.verifying_key().to_encoded_point(false);
    let public_pem = private.verifying_key().to_public_key_pem(LineEnding::LF).expect("public pem").into_bytes();
    SigningKey {
        kid: kid.to_owned(),
        algorithm: Algorithm::ES256,
        encoding: EncodingKey::from_ec_der(der.as_bytes()),
        jwk: json!({
            "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
            "x": URL_SAFE_NO_PAD.encode(point.x().expect("x")),
            "y": URL_SAFE_NO_PAD.encode(point.y().expect("y")),
        }),
        public_pem,
    }
}

/// An RSA key pair under `kid`. Making a 2048-bit RSA key takes seconds in a debug build, so a test
/// binary makes one and every call shares it; tests that need two different RSA keys at once must not
/// use this.
pub fn rs256_key(kid: &str) -> SigningKey {
    static PRIVATE: OnceLock<rsa::RsaPrivateKey> = OnceLock::new();
    let private = PRIVATE.get_or_init(|| rsa::RsaPrivateKey::new(&mut OsRng, 2048).expect("rsa key"));
    let der = private.to_pkcs1_der().expect("pkcs1 der");
    let public = private.to_public_key();
    SigningKey {
        kid: kid.to_owned(),
        algorithm: Algorithm::RS256,
        encoding: EncodingKey::from_rsa_der(der.as_bytes()),
        jwk: json!({
            "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
            "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        }),
        public_pem: public.to_public_key_pem(LineEnding::LF).expect("public pem").into_bytes(),
    }
}

pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs() as i64
}

/// Claims of an access token valid for five minutes from now.
pub fn claims(issuer: &str, audience: &str, subject: &str) -> Value {
    let now = now();
    json!({ "iss": issuer, "aud": audience, "sub": subject, "iat": now, "nbf": now, "exp": now + 300 })
}

pub fn sign(key: &SigningKey, claims: &Value) -> String {
    let mut header = Header::new(key.algorithm);
    header.kid = Some(key.kid.clone());
    jsonwebtoken::encode(&header, claims, &key.encoding).expect("sign")
}

/// A token put together by hand, for headers `jsonwebtoken` refuses to write (`alg: none`).
pub fn unsigned(header: &Value, claims: &Value, signature: &str) -> String {
    format!("{}.{}.{signature}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()))
}

/// The discovery document and key set on 127.0.0.1, with the published keys swappable mid-test.
pub struct TestIssuer {
    pub url: String,
    published: Arc<Mutex<Vec<Value>>>,
    fetches: Arc<AtomicUsize>,
    server: tokio::task::JoinHandle<()>,
}

impl TestIssuer {
    pub async fn start(keys: &[&SigningKey]) -> TestIssuer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let published = Arc::new(Mutex::new(keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>()));
        let fetches = Arc::new(AtomicUsize::new(0));
        let discovery = json!({ "issuer": url, "jwks_uri": format!("{url}/jwks") });
        let (keys_for_route, fetches_for_route) = (published.clone(), fetches.clone());
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(move || async move { Json(discovery) }))
            .route(
                "/jwks",
                get(move || async move {
                    fetches_for_route.fetch_add(1, Ordering::SeqCst);
                    let keys = keys_for_route.lock().expect("keys").clone();
                    Json(json!({ "keys": keys }))
                }),
            );
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        TestIssuer { url, published, fetches, server }
    }

    /// Publishes exactly these keys from now on (a rotation).
    pub fn publish(&self, keys: &[&SigningKey]) {
        *self.published.lock().expect("keys") = keys.iter().map(|k| k.jwk.clone()).collect();
    }

    /// Publishes raw JWK objects, for keys no honest issuer would publish.
    pub fn publish_raw(&self, jwks: Vec<Value>) {
        *self.published.lock().expect("keys") = jwks;
    }

    /// How many times the key set has been fetched.
    pub fn jwks_fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

impl Drop for TestIssuer {
    fn drop(&mut self) {
        self.server.abort();
    }
}
