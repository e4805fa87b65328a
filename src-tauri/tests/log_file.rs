//! The app's log file as a person (or their support) finds it: in the log folder, named by the day,
//! holding the app's lines in plain text, everything written out once the app closes; and a log folder
//! that cannot be made is no reason for the app not to start.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use machines_wallet::log_file::{self, FILE_PREFIX, FILE_SUFFIX};

#[test]
fn the_log_folder_gets_a_plain_daily_file_and_an_unusable_one_is_skipped() {
    // One subscriber per process: both cases run in this one test.
    let logging = log_file::init();

    // A folder that cannot be made (a file is in the way): no file, no panic, the app goes on.
    let home = Home(std::env::temp_dir().join(format!("machines-wallet-log-file-{}", std::process::id())));
    let blocked = home.0.join("blocked");
    std::fs::create_dir_all(&home.0).unwrap();
    std::fs::write(&blocked, b"").unwrap();
    logging.write_to(Ok(blocked.join("logs"))).close();
    assert!(blocked.is_file(), "the file in the way is left alone");

    // A usable folder, not there yet: made, and a file of today's date in it.
    let dir = home.0.join("data").join("logs");
    let file = logging.write_to(Ok(dir.clone()));
    tracing::warn!(code = "e2e-shaped", "a line from the app");
    file.close();
    let names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    let [name] = names.as_slice() else { panic!("one log file: {names:?}") };
    assert!(name.starts_with(&format!("{FILE_PREFIX}.")) && name.ends_with(&format!(".{FILE_SUFFIX}")), "{name}");
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    assert!(text.contains("Machines Wallet started"), "the app's own first line: {text}");
    assert!(text.contains("a line from the app") && text.contains("e2e-shaped"), "written out on close: {text}");
    assert!(!text.contains('\u{1b}'), "no terminal colours in the file: {text:?}");
}

/// The test's folder, removed when the test ends, passed or not.
struct Home(std::path::PathBuf);

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn rust_log_sets_the_levels_and_one_that_cannot_be_read_leaves_the_default() {
    use tracing::Level;

    // Unset: INFO for the app's own crates, WARN for the rest (Tauri, WebKit's bindings, the HTTP stack).
    let default = log_file::levels(None);
    assert!(default.would_enable("machines_wallet::state", &Level::INFO));
    assert!(!default.would_enable("machines_wallet::state", &Level::DEBUG));
    assert!(default.would_enable("tao::platform_impl", &Level::WARN));
    assert!(!default.would_enable("tao::platform_impl", &Level::INFO));

    // The common form: a level for everything and one for a target.
    let asked = log_file::levels(Some("error,machines_api=debug"));
    assert!(asked.would_enable("machines_api::transport", &Level::DEBUG));
    assert!(!asked.would_enable("machines_api::transport", &Level::TRACE));
    assert!(!asked.would_enable("machines_wallet::state", &Level::WARN));

    // A level no one knows: the default, not nothing and not everything.
    let unreadable = log_file::levels(Some("machines_api=loud"));
    assert!(unreadable.would_enable("machines_wallet::state", &Level::INFO));
    assert!(!unreadable.would_enable("machines_api::transport", &Level::DEBUG));
}
