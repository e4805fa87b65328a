//! What the person does in their browser with the verification link the app handed over: open the
//! simulator's page, tick the box, press "Complete verification".

use crate::{Failure, Result};

/// Completes the simulator's verification page at `link`, as a person would in their browser.
pub async fn complete(link: &str) -> Result<()> {
    let http = reqwest::Client::new();
    let page = http.get(link).send().await?;
    if !page.status().is_success() {
        return Err(Failure::new(format!("the verification page did not open: {}", page.status())));
    }
    let html = page.text().await?;
    if !html.contains("Complete verification") {
        return Err(Failure::new(format!("not the verification page:\n{html}")));
    }
    let hidden = |name: &str| -> Result<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let start = html.find(&marker).ok_or_else(|| Failure::new(format!("the page has no {name}:\n{html}")))?;
        Ok(html[start + marker.len()..].split('"').next().unwrap_or_default().to_owned())
    };
    let origin = link.split("/verify").next().unwrap_or_default();
    let form = [("userId", hidden("userId")?), ("signature", hidden("signature")?), ("understood", "yes".into())];
    let done = http.post(format!("{origin}/verify")).form(&form).send().await?;
    if !done.status().is_success() {
        return Err(Failure::new(format!("the verification page refused the form: {}", done.status())));
    }
    let text = done.text().await?;
    if !text.contains("Verification submitted") {
        return Err(Failure::new(format!("the verification page did not confirm:\n{text}")));
    }
    Ok(())
}
