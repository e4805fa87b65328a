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
/// still copy of this first screen: its markup as the app renders it (the closed dialogs left out: they draw
/// nothing) and the UI's built style sheet. This fails when the screen or its styles change and the copy was
/// not made again, so the floor never measures a screen the app no longer shows. To make it again:
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
    let markup = wallet
        .script(
            "const app = document.getElementById('app').cloneNode(true);
             app.querySelectorAll('dialog').forEach((d) => d.remove());
             return app.outerHTML;",
        )
        .await
        .unwrap();
    wallet.quit().await.unwrap();
    let markup = markup.as_str().expect("the page answered no markup");
    assert!(markup.contains("Set up your wallet"), "not the set-up screen: {markup}");
    let page = format!(
        "<!doctype html>
<!-- A still copy of Machines Wallet's first screen (Demo, set-up), for the start-up bench's floor. Made by
     tests/tests/smoke.rs (BENCH_FIRST_SCREEN=write); do not edit by hand. -->
<html lang=\"en\">
  <head>
    <meta charset=\"UTF-8\" />
    <meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\" />
    <meta name=\"color-scheme\" content=\"light dark\" />
    <title>Machines Wallet</title>
    <link rel=\"stylesheet\" href=\"first-screen.css\">
  </head>
  <body>
    {markup}
    <script src=\"ready.js\"></script>
  </body>
</html>
"
    );
    let (page_file, css_file) = (dist.join("first-screen.html"), dist.join("first-screen.css"));
    if std::env::var_os("BENCH_FIRST_SCREEN").is_some_and(|v| v == "write") {
        std::fs::write(&page_file, &page).unwrap();
        std::fs::write(&css_file, &css).unwrap();
    }
    let stale = "the wallet's first screen changed since the start-up floor's copy was made: make it again with \
                 BENCH_FIRST_SCREEN=write cargo test -p machines-wallet-e2e --test smoke -- --ignored first_screen";
    assert!(std::fs::read_to_string(&page_file).is_ok_and(|kept| kept == page), "{stale} (markup)");
    assert!(std::fs::read_to_string(&css_file).is_ok_and(|kept| kept == css), "{stale} (styles)");
}
