//! The simulator's own hosted verification page, where KYC `completionLink`s point (outside `/partner/v1`).
//!
//! `GET /verify?userId=..&signature=..` shows what the real provider's ID-and-selfie step would do and a
//! button; `POST /verify` (a form with the same two fields) completes verification, moving the user's KYC
//! from `needs_verification` or `needs_information` to `pending`, which then approves on its timer.

use std::collections::HashMap;

use axum::http::StatusCode;

use crate::routes::kyc;
use crate::sim::Sim;
use crate::state::{KycStatus, State, User};

const BANNER: &str = "Machines Cash \u{2014} demo identity verification (simulator)";

/// `GET /verify`.
pub fn page(sim: &Sim, st: &mut State, query: &HashMap<String, String>) -> (StatusCode, String) {
    let user = match find_user(sim, st, query) {
        Ok(user) => user,
        Err(answer) => return answer,
    };
    if !awaiting(user.kyc.status) {
        return not_awaiting(user.kyc.status);
    }
    let seconds = sim.config.kyc_pending_for.as_secs();
    let review = match seconds {
        0 => "right away".to_owned(),
        1 => "after about a second".to_owned(),
        n => format!("after about {n} seconds"),
    };
    let reason = match user.kyc.reason.as_deref().filter(|r| !r.is_empty()) {
        Some(reason) => format!("<p class=\"note\">Requested: {}.</p>", escape(reason)),
        None => String::new(),
    };
    let body = format!(
        r#"<p>This page stands in for the identity provider's hosted step, where a person would upload an ID
document and take a selfie. In the simulator nothing is uploaded or checked.</p>
<dl>
<dt>Account</dt><dd><code>{account}</code></dd>
<dt>Current status</dt><dd>{status}</dd>
</dl>
{reason}
<p>When you press <strong>Complete verification</strong>, the application moves to <em>pending</em>; it is then
approved {review}. The app picks this up the next time it checks the KYC status.</p>
<form method="post" action="/verify">
<input type="hidden" name="userId" value="{user_id}">
<input type="hidden" name="signature" value="{signature}">
<p class="check"><input type="checkbox" id="understood" name="understood" value="yes" required>
<label for="understood">I understand this is a simulated check and no documents are collected.</label></p>
<button type="submit">Complete verification</button>
</form>"#,
        account = escape(&user.user_id),
        status = escape(&user.kyc.status.as_str().replace('_', " ")),
        reason = reason,
        review = review,
        user_id = escape(&user.internal_id),
        signature = escape(&user.kyc.signature),
    );
    (StatusCode::OK, render("Verify your identity", &body))
}

/// `POST /verify` (form fields `userId`, `signature`).
pub fn submit(sim: &Sim, st: &mut State, form: &HashMap<String, String>) -> (StatusCode, String) {
    let now = sim.clock.now();
    let user = match find_user(sim, st, form) {
        Ok(user) => user,
        Err(answer) => return answer,
    };
    let status = user.kyc.status;
    if !kyc::complete_verification(user, now) {
        return not_awaiting(status);
    }
    let body = "<p class=\"done\">Verification submitted. You can return to Machines Wallet.</p>\n\
<p>Your application is now being reviewed; the app will show it as approved shortly.</p>";
    (StatusCode::OK, render("Verification submitted", body))
}

fn awaiting(status: KycStatus) -> bool {
    matches!(status, KycStatus::NeedsVerification | KycStatus::NeedsInformation)
}

/// The user the link names, after checking its signature; brings the user's timed state up to date.
fn find_user<'s>(
    sim: &Sim,
    st: &'s mut State,
    fields: &HashMap<String, String>,
) -> Result<&'s mut User, (StatusCode, String)> {
    let field = |name: &str| fields.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let (Some(user_id), Some(signature)) = (field("userId"), field("signature")) else {
        return Err(problem(
            StatusCode::BAD_REQUEST,
            "Incomplete link",
            "This verification link is incomplete. Open the link from the app again.",
        ));
    };
    let unknown = || {
        problem(
            StatusCode::NOT_FOUND,
            "Verification not found",
            "We could not find a verification request for this link. Start again from the app.",
        )
    };
    let owner = st.internal_ids.get(user_id).cloned().ok_or_else(unknown)?;
    sim.tick(st, &owner);
    let user = st.user_mut(&owner).ok_or_else(unknown)?;
    if user.kyc.signature != signature {
        return Err(problem(
            StatusCode::FORBIDDEN,
            "Invalid link",
            "This verification link is not valid. Use the most recent link from the app.",
        ));
    }
    Ok(user)
}

/// 409: there is nothing to verify for this user right now.
fn not_awaiting(status: KycStatus) -> (StatusCode, String) {
    let message = match status {
        KycStatus::Approved => "This identity is already verified. You can return to Machines Wallet.",
        KycStatus::Pending | KycStatus::ManualReview => {
            "Verification was already submitted and is being reviewed. You can return to Machines Wallet."
        }
        KycStatus::Denied => "This application was declined, so there is nothing to verify.",
        KycStatus::NotSubmitted | KycStatus::NeedsVerification | KycStatus::NeedsInformation => {
            "No verification is waiting for this account. Submit the KYC form in the app first."
        }
    };
    problem(StatusCode::CONFLICT, "Nothing to verify", message)
}

fn problem(status: StatusCode, title: &str, message: &str) -> (StatusCode, String) {
    let body = format!("<p class=\"problem\" role=\"alert\">{}</p>", escape(message));
    (status, render(title, &body))
}

/// A complete page: inline styles only, no external resources.
fn render(title: &str, body: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title} · Machines Cash simulator</title>
<style>
:root {{ color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #f6f8fa; --card: #ffffff;
  --accent: #0b5cad; --accent-fg: #ffffff; --border: #d0d7de; --ok: #1a7f37; --bad: #b42318; }}
@media (prefers-color-scheme: dark) {{ :root {{ --fg: #e6edf3; --muted: #9da7b3; --bg: #0d1117;
  --card: #161b22; --accent: #4493f8; --accent-fg: #0d1117; --border: #30363d; --ok: #3fb950; --bad: #f85149; }} }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; padding: 2rem 1rem; background: var(--bg); color: var(--fg);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }}
main {{ max-width: 34rem; margin: 0 auto; background: var(--card); border: 1px solid var(--border);
  border-radius: 12px; padding: 1.5rem 1.75rem; }}
.banner {{ margin: 0 0 1rem; font-size: .8rem; font-weight: 600; letter-spacing: .02em; color: var(--muted);
  text-transform: uppercase; }}
h1 {{ margin: 0 0 1rem; font-size: 1.5rem; }}
dl {{ display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 1rem 0; }}
dt {{ color: var(--muted); }} dd {{ margin: 0; overflow-wrap: anywhere; }}
.note {{ border-left: 3px solid var(--accent); padding-left: .75rem; }}
.check {{ display: flex; gap: .5rem; align-items: flex-start; }}
.check input {{ margin-top: .3rem; width: 1.1rem; height: 1.1rem; }}
button {{ margin-top: .5rem; padding: .7rem 1.2rem; font: inherit; font-weight: 600; color: var(--accent-fg);
  background: var(--accent); border: 0; border-radius: 8px; cursor: pointer; }}
button:focus-visible, input:focus-visible {{ outline: 3px solid var(--accent); outline-offset: 2px; }}
.done {{ color: var(--ok); font-weight: 600; }}
.problem {{ color: var(--bad); font-weight: 600; }}
</style>
</head>
<body>
<main>
<p class="banner">{banner}</p>
<h1>{title}</h1>
{body}
</main>
</body>
</html>
"#,
        title = escape(title),
        banner = escape(BANNER),
        body = body,
    )
}

/// Escapes text for HTML element content and quoted attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEMO_PARTNER_KEY;
    use crate::routes::sessions::testkit::{new_sim, user_of};

    /// Creates `user_id` in `status`; returns its link parameters.
    fn awaiting_user(sim: &Sim, user_id: &str, status: KycStatus) -> HashMap<String, String> {
        let now = sim.clock.now();
        let mut st = sim.state.lock().unwrap();
        let user = st.ensure_user(DEMO_PARTNER_KEY, user_id, now);
        user.kyc.status = status;
        user.kyc.since = now;
        if status == KycStatus::NeedsInformation {
            user.kyc.reason = Some("proof of address required".to_owned());
        }
        HashMap::from([
            ("userId".to_owned(), user.internal_id.clone()),
            ("signature".to_owned(), user.kyc.signature.clone()),
        ])
    }

    fn get(sim: &Sim, query: &HashMap<String, String>) -> (StatusCode, String) {
        page(sim, &mut sim.state.lock().unwrap(), query)
    }

    fn post(sim: &Sim, form: &HashMap<String, String>) -> (StatusCode, String) {
        submit(sim, &mut sim.state.lock().unwrap(), form)
    }

    #[test]
    fn page_offers_the_form() {
        let sim = new_sim();
        let link = awaiting_user(&sim, "alice", KycStatus::NeedsVerification);
        let (status, html) = get(&sim, &link);
        assert_eq!(status, StatusCode::OK);
        assert!(html.starts_with("<!doctype html>"));
        assert!(html.contains("<html lang=\"en\">"));
        assert!(html.contains("Machines Cash — demo identity verification (simulator)"));
        assert!(html.contains("<form method=\"post\" action=\"/verify\">"));
        assert!(html.contains(&format!("name=\"userId\" value=\"{}\"", link["userId"])));
        assert!(html.contains(&format!("name=\"signature\" value=\"{}\"", link["signature"])));
        assert!(html.contains("<button type=\"submit\">Complete verification</button>"));
        assert!(html.contains("<label for=\"understood\">") && html.contains("id=\"understood\""));
        assert!(html.contains("right away"), "instant config approves without delay");
        // Self-contained: nothing loaded from elsewhere.
        for external in ["src=", "href=", "<link", "@import", "url("] {
            assert!(!html.contains(external), "{external}");
        }
        // Looking does not change anything.
        assert_eq!(user_of(&sim, "alice").kyc.status, KycStatus::NeedsVerification);
    }

    #[test]
    fn page_escapes_what_it_echoes() {
        let sim = new_sim();
        let link = awaiting_user(&sim, "<script>alert(\"x\")</script>&'", KycStatus::NeedsInformation);
        let (status, html) = get(&sim, &link);
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"));
        assert!(html.contains("Requested: proof of address required."));
    }

    #[test]
    fn submit_moves_to_pending_once() {
        let sim = new_sim();
        let link = awaiting_user(&sim, "alice", KycStatus::NeedsVerification);
        let (status, html) = post(&sim, &link);
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Verification submitted. You can return to Machines Wallet."));
        let user = user_of(&sim, "alice");
        assert_eq!(user.kyc.status, KycStatus::Pending);
        // A second visit has nothing left to do (the instant config has approved it by now).
        let (status, html) = post(&sim, &link);
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(html.contains("already verified"));
        let (status, _) = get(&sim, &link);
        assert_eq!(status, StatusCode::CONFLICT);
    }

    #[test]
    fn submit_from_needs_information() {
        let sim = new_sim();
        let link = awaiting_user(&sim, "bob", KycStatus::NeedsInformation);
        assert_eq!(post(&sim, &link).0, StatusCode::OK);
        let user = user_of(&sim, "bob");
        assert_eq!(user.kyc.status, KycStatus::Pending);
        assert_eq!(user.kyc.reason, None);
    }

    #[test]
    fn pending_user_is_told_it_is_under_review() {
        let config = crate::config::SimConfig {
            kyc_pending_for: std::time::Duration::from_secs(60),
            ..crate::config::SimConfig::instant()
        };
        let sim = Sim::new(config, "http://127.0.0.1:9".into());
        let link = awaiting_user(&sim, "carol", KycStatus::NeedsVerification);
        assert!(get(&sim, &link).1.contains("approved after about 60 seconds"));
        assert_eq!(post(&sim, &link).0, StatusCode::OK);
        let (status, html) = post(&sim, &link);
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(html.contains("already submitted and is being reviewed"));
        assert_eq!(user_of(&sim, "carol").kyc.status, KycStatus::Pending);
    }

    #[test]
    fn bad_links() {
        let sim = new_sim();
        let link = awaiting_user(&sim, "alice", KycStatus::NeedsVerification);

        let mut forged = link.clone();
        forged.insert("signature".to_owned(), "0".repeat(32));
        for answer in [get(&sim, &forged), post(&sim, &forged)] {
            assert_eq!(answer.0, StatusCode::FORBIDDEN);
            assert!(answer.1.contains("not valid"));
        }

        let mut unknown = link.clone();
        unknown.insert("userId".to_owned(), "00000000-0000-4000-8000-000000000000".to_owned());
        for answer in [get(&sim, &unknown), post(&sim, &unknown)] {
            assert_eq!(answer.0, StatusCode::NOT_FOUND);
            assert!(answer.1.contains("could not find"));
        }

        let mut missing = link.clone();
        missing.remove("signature");
        assert_eq!(get(&sim, &missing).0, StatusCode::BAD_REQUEST);
        assert_eq!(post(&sim, &HashMap::new()).0, StatusCode::BAD_REQUEST);

        // None of that changed the user.
        assert_eq!(user_of(&sim, "alice").kyc.status, KycStatus::NeedsVerification);
    }

    #[test]
    fn not_awaiting_users_get_409() {
        let sim = new_sim();
        for (i, status) in [KycStatus::NotSubmitted, KycStatus::Denied, KycStatus::Approved].into_iter().enumerate() {
            let link = awaiting_user(&sim, &format!("u{i}"), status);
            let (code, html) = post(&sim, &link);
            assert_eq!(code, StatusCode::CONFLICT, "{status:?}");
            assert!(html.contains("role=\"alert\""));
            assert_eq!(get(&sim, &link).0, StatusCode::CONFLICT);
            assert_eq!(user_of(&sim, &format!("u{i}")).kyc.status, status);
        }
    }
}
