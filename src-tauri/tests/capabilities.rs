//! Least privilege for the webview: the capability grants the app's own commands and nothing of Tauri's
//! core or of any plugin. The UI calls only `invoke` on our commands (it listens to no event and drives
//! no window from JavaScript), so every core command is refused, and a new grant fails this test until
//! it is added here on purpose.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail loudly by design

mod common;

use std::collections::BTreeSet;

use common::harness;
use machines_sim::{SimConfig, Simulator};
use serde_json::{json, Value};

/// The commands each permission identifier of the capability grants, expanded through the ACL manifests
/// `tauri-build` generated from the app and its plugins (the same files the runtime authority is built from).
fn granted(manifests: &Value, key: &str, permission: &str, out: &mut BTreeSet<String>) {
    let manifest = &manifests[key];
    let set = if permission == "default" {
        manifest["default_permission"]["permissions"].as_array().cloned()
    } else {
        manifest["permission_sets"][permission]["permissions"].as_array().cloned()
    };
    if let Some(members) = set {
        for member in members {
            expand(manifests, key, member.as_str().unwrap(), out);
        }
        return;
    }
    let commands = manifest["permissions"][permission]["commands"]["allow"]
        .as_array()
        .unwrap_or_else(|| panic!("unknown permission {key}:{permission}"));
    for command in commands {
        out.insert(format!("{key}|{}", command.as_str().unwrap()));
    }
}

/// `core:default` → key `core`, permission `default`; `core:event:allow-listen` → `core:event`,
/// `allow-listen`; an unprefixed identifier is the app's own (`__app-acl__`), resolved relative to `key`.
fn expand(manifests: &Value, key: &str, identifier: &str, out: &mut BTreeSet<String>) {
    match identifier.rsplit_once(':') {
        Some((prefix, permission)) => granted(manifests, prefix, permission, out),
        None => granted(manifests, key, identifier, out),
    }
}

fn read_json(path: &str) -> Value {
    let path = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

#[test]
fn the_capability_grants_only_the_apps_own_commands_and_no_core_or_plugin_command() {
    let capabilities = read_json("gen/schemas/capabilities.json");
    let manifests = read_json("gen/schemas/acl-manifests.json");
    let names: Vec<&str> = capabilities.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(names, ["main"], "one capability, for the main window");
    let main = &capabilities["main"];
    assert_eq!(main["windows"], json!(["main"]));
    assert_eq!(main["local"], json!(true), "only the app's own pages");
    assert!(main.get("remote").is_none_or(Value::is_null), "no remote origin: {main}");

    let mut commands = BTreeSet::new();
    for permission in main["permissions"].as_array().unwrap() {
        let identifier = permission.as_str().or_else(|| permission["identifier"].as_str()).unwrap();
        expand(&manifests, "__app-acl__", identifier, &mut commands);
    }
    let foreign: Vec<&String> = commands.iter().filter(|c| !c.starts_with("__app-acl__|")).collect();
    assert!(foreign.is_empty(), "the webview is granted commands beyond the app's own: {foreign:?}");
    let app: BTreeSet<&str> = commands.iter().filter_map(|c| c.strip_prefix("__app-acl__|")).collect();
    for ours in ["app_state", "get_settings", "reveal_card", "copy_card", "panic_button"] {
        assert!(app.contains(ours), "{ours} must stay granted: {app:?}");
    }
}

#[test]
fn the_webview_cannot_call_tauris_core_commands() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sim = runtime.block_on(Simulator::start(SimConfig::instant())).unwrap();
    let (_app, mut h) = harness(&sim);
    // One command from each core set `core:default` granted.
    for (cmd, args) in [
        ("plugin:event|listen", json!({"event": "x", "target": {"kind": "Any"}, "handler": 0})),
        ("plugin:event|emit", json!({"event": "x", "payload": null})),
        ("plugin:window|title", json!({"label": "main"})),
        ("plugin:window|get_all_windows", json!({})),
        ("plugin:webview|get_all_webviews", json!({})),
        ("plugin:app|version", json!({})),
        ("plugin:app|name", json!({})),
        ("plugin:path|resolve_directory", json!({"directory": 14, "path": null})),
        ("plugin:image|new", json!({"rgba": [], "width": 0, "height": 0})),
        ("plugin:resources|close", json!({"rid": 0})),
        ("plugin:menu|new", json!({"kind": "Menu", "options": null, "handler": null})),
        ("plugin:tray|new", json!({"options": {}, "handler": 0})),
    ] {
        let refused = h.call(cmd, args).expect_err(cmd);
        assert!(refused.as_str().is_some_and(|m| m.contains("not allowed")), "{cmd}: {refused}");
    }
    assert!(h.call("app_state", json!({})).is_ok(), "the app's own commands still answer");
}
