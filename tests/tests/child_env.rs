//! The partner key given in `MACHINES_PARTNER_KEY` stays in the app: WebKit's helper processes, which the
//! app starts after it has read the key, do not inherit it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use machines_sim::{SimConfig, Simulator};
use machines_wallet_e2e::processes::MARKER;
use machines_wallet_e2e::Launch;

/// The environment of `pid`, one `NAME=value` per entry.
fn environ(pid: i32) -> Vec<String> {
    let raw = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
    raw.split(|b| *b == 0).filter(|v| !v.is_empty()).map(|v| String::from_utf8_lossy(v).into_owned()).collect()
}

#[tokio::test]
#[ignore = "needs the built app, Xvfb, tauri-driver, WebKitWebDriver and gnome-keyring: scripts/test runs it"]
async fn webkits_helper_processes_do_not_inherit_the_partner_key() {
    let key = "mk_child_env_partner_key_0123456789";
    let sim = Simulator::start(SimConfig { partner_keys: vec![key.to_owned()], ..SimConfig::instant() }).await.unwrap();
    let w = Launch::new("child-env").against(&sim.base_url(), key).start().await.unwrap();
    // The window is up (outside Demo it first asks for an unlock passphrase), so WebKit's helpers run.
    w.wait_for_text("Set an unlock passphrase").await.unwrap();

    let helpers: Vec<(i32, String)> =
        w.processes().into_iter().filter(|(_, name)| name.starts_with("WebKit") && name != "WebKitWebDriver").collect();
    assert!(
        helpers.iter().any(|(_, name)| name.starts_with("WebKitWebProces")),
        "the app's web process is running: {:?}",
        w.processes()
    );
    for (pid, name) in &helpers {
        let env = environ(*pid);
        assert!(env.iter().any(|v| v.starts_with(MARKER)), "{name} ({pid}): the environment was read: {env:?}");
        assert!(env.iter().any(|v| v.starts_with("MACHINES_API_URL=")), "{name}: the other variable is passed on");
        let leaked: Vec<&String> =
            env.iter().filter(|v| v.starts_with("MACHINES_PARTNER_KEY") || v.contains(key)).collect();
        assert!(leaked.is_empty(), "{name} ({pid}) inherited the partner key: {leaked:?}");
    }
    let stuck = w.quit().await.unwrap();
    assert!(stuck.is_empty(), "processes left running after quit: {stuck:?}");
}
