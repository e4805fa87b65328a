//! The loopback redirect (RFC 8252 §7.3): a listener on `127.0.0.1` with a port the OS picks, that waits
//! for the one answer the provider sends the browser back with, tells the browser it can close the tab,
//! and stops.
//!
//! A redirect whose `state` is not this sign-in's, or whose `iss` (RFC 9207, sent by providers that
//! support it) names another provider, is answered 400 and the wait goes on. Any page the person
//! has open can send a request to a loopback port; if a wrong state ended the sign-in, such a page could
//! cancel every sign-in it guesses the port of. Waiting on keeps the real answer able to arrive, and the
//! time limit still ends a wait that nothing answers.
//!
//! HTTP is hyper's, one connection per request (no keep-alive), each given a few seconds at most.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use openidconnect::AuthorizationCode;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::SignInError;

/// The path the provider redirects to on the loopback port.
const CALLBACK_PATH: &str = "/callback";
/// How long one browser connection may take: a redirect is one small GET.
const CONNECTION_LIMIT: Duration = Duration::from_secs(10);

pub(super) struct Loopback {
    listener: TcpListener,
    redirect: Url,
}

impl Loopback {
    pub(super) async fn bind() -> Result<Self, SignInError> {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .map_err(|e| SignInError::Config { detail: format!("no loopback port for the redirect: {e}") })?;
        let port = listener
            .local_addr()
            .map_err(|e| SignInError::Config { detail: format!("no loopback port for the redirect: {e}") })?
            .port();
        let redirect = Url::parse(&format!("http://127.0.0.1:{port}{CALLBACK_PATH}"))
            .map_err(|e| SignInError::Config { detail: e.to_string() })?;
        Ok(Self { listener, redirect })
    }

    pub(super) fn redirect_url(&self) -> &Url {
        &self.redirect
    }

    /// Waits for the redirect carrying `expected`'s state: its code, or the provider's error. Stops at
    /// once on `cancel` and after `time_limit`; the listener closes when this returns.
    pub(super) async fn wait(
        self,
        expected: Expected,
        cancel: &CancellationToken,
        time_limit: Duration,
    ) -> Result<AuthorizationCode, SignInError> {
        // Capacity one: the first answer ends the wait; a second one arriving meanwhile is dropped.
        let (answers, mut answer) = mpsc::channel::<Result<AuthorizationCode, SignInError>>(1);
        let deadline = tokio::time::sleep(time_limit);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                biased;
                () = cancel.cancelled() => return Err(SignInError::Cancelled),
                Some(outcome) = answer.recv() => return outcome,
                () = &mut deadline => return Err(SignInError::TimedOut { after: time_limit }),
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) => serve(stream, expected.clone(), answers.clone()),
                    // Out of file descriptors or a reset before accept: the next connection may work.
                    Err(error) => {
                        tracing::warn!(%error, "sign-in redirect listener: accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                },
            }
        }
    }
}

/// Serves one connection in its own task, so a slow client cannot hold up the wait.
fn serve(
    stream: tokio::net::TcpStream,
    expected: Expected,
    answers: mpsc::Sender<Result<AuthorizationCode, SignInError>>,
) {
    tokio::spawn(async move {
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            let verdict = judge(&request, &expected);
            let response = page(&verdict);
            if let Verdict::Answer(outcome) = verdict {
                let _ = answers.try_send(outcome);
            }
            async move { Ok::<_, Infallible>(response) }
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .keep_alive(false)
            .serve_connection(TokioIo::new(stream), service);
        let _ = tokio::time::timeout(CONNECTION_LIMIT, connection).await;
    });
}

/// What one request to the loopback port is.
#[derive(Debug)]
enum Verdict {
    /// This sign-in's answer: a code, or the provider's error.
    Answer(Result<AuthorizationCode, SignInError>),
    /// Not the redirect path, or not a GET: not ours.
    NotHere,
    /// The redirect path with a state that is not this sign-in's, or with neither a code nor an error.
    NotThisSignIn,
}

/// What this sign-in's redirect must carry.
#[derive(Debug, Clone)]
pub(super) struct Expected {
    /// The `state` sent in the authorization URL.
    pub(super) state: String,
    /// The provider's issuer: a redirect's `iss`, when there is one, must be it (RFC 9207 §2.4), so an
    /// answer from another provider the person uses cannot be taken for this one's.
    pub(super) issuer: String,
}

fn judge<B>(request: &Request<B>, expected: &Expected) -> Verdict {
    if request.method() != Method::GET || request.uri().path() != CALLBACK_PATH {
        return Verdict::NotHere;
    }
    let query = request.uri().query().unwrap_or_default();
    let param = |name: &str| url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v);
    if param("state").as_deref() != Some(expected.state.as_str()) {
        return Verdict::NotThisSignIn;
    }
    if param("iss").is_some_and(|iss| iss != expected.issuer) {
        return Verdict::NotThisSignIn;
    }
    if let Some(error) = param("error") {
        return Verdict::Answer(Err(match error.as_ref() {
            "access_denied" => SignInError::Cancelled,
            // RFC 6749 error codes are short ASCII words; anything else is not repeated to the person.
            code if code.len() <= 64 && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') => {
                SignInError::Refused { reason: code.to_owned() }
            }
            _ => SignInError::Refused { reason: "an unknown error".to_owned() },
        }));
    }
    match param("code") {
        Some(code) if !code.is_empty() => Verdict::Answer(Ok(AuthorizationCode::new(code.into_owned()))),
        _ => Verdict::NotThisSignIn,
    }
}

/// The page the browser shows after the redirect: a sentence, no script, nothing cached.
fn page(verdict: &Verdict) -> Response<String> {
    let (status, text) = match verdict {
        Verdict::Answer(Ok(_)) => (StatusCode::OK, "You are signed in. You can close this tab and return to the app."),
        Verdict::Answer(Err(SignInError::Cancelled)) => {
            (StatusCode::OK, "Sign-in cancelled. You can close this tab and return to the app.")
        }
        Verdict::Answer(Err(_)) => {
            (StatusCode::OK, "The sign-in did not succeed. You can close this tab; the app says what happened.")
        }
        Verdict::NotThisSignIn => {
            (StatusCode::BAD_REQUEST, "This is not the sign-in the app is waiting for. Start again from the app.")
        }
        Verdict::NotHere => (StatusCode::NOT_FOUND, "Nothing here."),
    };
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sign-in</title></head><body><p>{text}</p></body></html>"
    );
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(hyper::header::CACHE_CONTROL, hyper::header::HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(target: &str) -> Verdict {
        let request = Request::get(target).body(()).unwrap();
        judge(&request, &Expected { state: "s1".into(), issuer: "https://id.example".into() })
    }

    #[test]
    fn only_this_sign_ins_state_is_an_answer() {
        assert!(matches!(verdict("/callback?code=c1&state=s1"), Verdict::Answer(Ok(_))));
        assert!(matches!(verdict("/callback?code=c1&state=s2"), Verdict::NotThisSignIn));
        assert!(matches!(verdict("/callback?code=c1"), Verdict::NotThisSignIn));
        assert!(matches!(verdict("/callback?error=access_denied&state=other"), Verdict::NotThisSignIn));
        assert!(matches!(verdict("/callback?state=s1"), Verdict::NotThisSignIn));
        let from = |iss: &str| verdict(&format!("/callback?code=c1&state=s1&iss={iss}"));
        assert!(matches!(from("https%3A%2F%2Fid.example"), Verdict::Answer(Ok(_))));
        assert!(matches!(from("https%3A%2F%2Fother.example"), Verdict::NotThisSignIn));
        assert!(matches!(verdict("/favicon.ico"), Verdict::NotHere));
    }

    #[test]
    fn a_denial_is_a_cancel_and_other_errors_a_refusal_without_echoing_junk() {
        assert!(matches!(
            verdict("/callback?error=access_denied&state=s1"),
            Verdict::Answer(Err(SignInError::Cancelled))
        ));
        match verdict("/callback?error=server_error&state=s1") {
            Verdict::Answer(Err(SignInError::Refused { reason })) => assert_eq!(reason, "server_error"),
            other => panic!("{other:?}"),
        }
        match verdict("/callback?error=%3Cscript%3E&state=s1") {
            Verdict::Answer(Err(SignInError::Refused { reason })) => assert_eq!(reason, "an unknown error"),
            other => panic!("{other:?}"),
        }
    }
}
