//! The app starts in Demo mode in a real window, and quitting leaves no process behind.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use machines_wallet_e2e::Launch;

#[tokio::test]
#[ignore = "needs the built app, Xvfb, tauri-driver and WebKitWebDriver: scripts/test runs it"]
async fn first_start_is_demo_mode_on_the_set_up_screen() {
    let wallet = Launch::new("first-start").start().await.unwrap();
    wallet.wait_for_text("Set up your wallet").await.unwrap();
    wallet.wait_for_text("DEMO").await.unwrap();
    wallet.shot("set-up").await.unwrap();
    let stuck = wallet.quit().await.unwrap();
    assert!(stuck.is_empty(), "processes left running after quit: {stuck:?}");
}

/// The start-up bench's like-for-like floor (`bench/bare-window`, `BARE_WINDOW_PAGE=first-screen`) is a
/// still copy of this first screen: the UI's built page, with its markup as the app renders it (the closed
/// dialogs left out: they draw nothing), the attributes the page's script puts on the root before anything
/// is laid out (the font stack, which decides how many font searches the first layout makes), and the UI's
/// built style sheet. This fails when the screen, its page or its styles change and the copy was not made
/// again, so the floor never measures a screen the app no longer shows. To make it again:
/// `BENCH_FIRST_SCREEN=write cargo test -p machines-wallet-e2e --test smoke -- --ignored first_screen`.
#[tokio::test]
#[ignore = "needs the built app, Xvfb, tauri-driver and WebKitWebDriver: scripts/test runs it"]
async fn the_start_up_floor_holds_a_true_copy_of_the_first_screen() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let dist = root.join("bench/bare-window/dist");
    let built_html = std::fs::read_to_string(root.join("ui/dist/index.html")).unwrap();
    let sheet = built_html
        .split("rel=\"stylesheet\"")
        .nth(1)
        .and_then(|rest| rest.split("href=\"./").nth(1))
        .and_then(|rest| rest.split('"').next())
        .expect("the built UI's index.html links no style sheet");
    let css = std::fs::read_to_string(root.join("ui/dist").join(sheet)).unwrap();

    let wallet = Launch::new("first-screen-copy").start().await.unwrap();
    wallet.wait_for_text("Change in Settings").await.unwrap();
    // The screens a first start does not show load once it is drawn, with the dialogs: then it has settled.
    wallet.wait_for_css("dialog", std::time::Duration::from_secs(20)).await.unwrap();
    let live = wallet
        .script(
            "const app = document.getElementById('app').cloneNode(true);
             app.querySelectorAll('dialog').forEach((d) => d.remove());
             const root = Array.from(document.documentElement.attributes)
               .map((a) => a.name + '=\"' + a.value.replaceAll('&', '&amp;').replaceAll('\"', '&quot;') + '\"');
             return [root.join(' '), app.outerHTML];",
        )
        .await
        .unwrap();
    wallet.quit().await.unwrap();
    let (root_attributes, markup) = match live.as_array().map(Vec::as_slice) {
        Some([serde_json::Value::String(attributes), serde_json::Value::String(markup)]) => (attributes, markup),
        _ => panic!("the page answered no root and markup: {live}"),
    };
    assert!(markup.contains("Set up your wallet"), "not the set-up screen: {markup}");
    assert!(
        root_attributes.contains("data-fonts="),
        "the page's script set no font stack on the root: {root_attributes}"
    );
    let page = still_copy(&built_html, root_attributes, markup).unwrap_or_else(|err| panic!("{err}"));
    let (page_file, css_file) = (dist.join("first-screen.html"), dist.join("first-screen.css"));
    if std::env::var_os("BENCH_FIRST_SCREEN").is_some_and(|v| v == "write") {
        std::fs::write(&page_file, &page).unwrap();
        std::fs::write(&css_file, &css).unwrap();
    }
    let stale = "the wallet's first screen changed since the start-up floor's copy was made: make it again with \
                 BENCH_FIRST_SCREEN=write cargo test -p machines-wallet-e2e --test smoke -- --ignored first_screen";
    assert!(std::fs::read_to_string(&page_file).is_ok_and(|kept| kept == page), "{stale} (page)");
    assert!(std::fs::read_to_string(&css_file).is_ok_and(|kept| kept == css), "{stale} (styles)");
}

/// The still copy of the first screen, made from the UI's built page line by line: the root element gets
/// the live page's attributes, the mount point gets the rendered markup, the style sheet is the copy's own
/// file, and the app's scripts give way to the bench's ready report. A line this expects not found exactly
/// once (the built page changed shape, or gained a second style sheet the copy would not carry) is an error
/// rather than a copy that silently differs.
fn still_copy(built: &str, root_attributes: &str, markup: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut found = [0_u8; 5];
    for line in built.lines() {
        let trimmed = line.trim();
        let indent = &line[..line.len() - line.trim_start().len()];
        if trimmed.eq_ignore_ascii_case("<!doctype html>") {
            found[0] += 1;
            out.push_str(line);
            out.push_str(
                "\n<!-- A still copy of Machines Wallet's first screen (Demo, set-up), for the start-up bench's floor. Made by
     tests/tests/smoke.rs (BENCH_FIRST_SCREEN=write) from ui/dist/index.html; do not edit by hand. -->",
            );
        } else if trimmed.starts_with("<html") {
            found[1] += 1;
            out.push_str(&format!("{indent}<html {root_attributes}>"));
        } else if trimmed.starts_with("<script type=\"module\"") || trimmed.contains("rel=\"modulepreload\"") {
            continue;
        } else if trimmed.contains("rel=\"stylesheet\"") {
            found[2] += 1;
            out.push_str(&format!("{indent}<link rel=\"stylesheet\" href=\"first-screen.css\">"));
        } else if trimmed == "<div id=\"app\"></div>" {
            found[3] += 1;
            out.push_str(&format!("{indent}{markup}"));
        } else if trimmed == "</body>" {
            found[4] += 1;
            out.push_str(&format!("{indent}  <script src=\"ready.js\"></script>\n{line}"));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    let names = ["<!doctype html>", "<html …>", "the style sheet's <link>", "<div id=\"app\"></div>", "</body>"];
    match found.iter().zip(names).find(|(seen, _)| **seen != 1) {
        Some((seen, line)) => Err(format!("ui/dist/index.html has {seen} {line} lines where the copy takes one")),
        None => Ok(out),
    }
}
