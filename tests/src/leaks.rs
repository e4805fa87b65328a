//! Looking for a secret everywhere on the app's side of a launch: the environment of each of its
//! processes, the keychain on its session bus, and its process memory. (Its files: `files.rs`; every IPC
//! answer: `ipc_recorder.rs`.) Each scan counts copies, so a test can assert 0 for the secret and at
//! least 1 for a control it planted the same way a leak would get there.

use std::collections::HashMap;

use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

use crate::{Failure, Result};

/// How many times `needle` occurs in `haystack` (overlapping copies counted once each start).
pub fn count(haystack: &[u8], needle: &[u8]) -> usize {
    if needle.is_empty() {
        return 0;
    }
    haystack.windows(needle.len()).filter(|w| *w == needle).count()
}

/// Copies of `needle` in the environment (`/proc/<pid>/environ`) of each process, as (pid, name, count)
/// for the processes that hold one. Fails if no environment could be read, so that a launch whose
/// processes are already gone cannot pass for a clean one.
pub fn in_environments(processes: &[(i32, String)], needle: &str) -> Result<Vec<(i32, String, usize)>> {
    let mut read = 0;
    let mut hits = Vec::new();
    for (pid, name) in processes {
        let Ok(environ) = std::fs::read(format!("/proc/{pid}/environ")) else { continue };
        read += 1;
        let n = count(&environ, needle.as_bytes());
        if n > 0 {
            hits.push((*pid, name.clone(), n));
        }
    }
    if read == 0 {
        return Err(Failure::new(format!("no environment could be read among {processes:?}")));
    }
    Ok(hits)
}

/// The value of `name` in a process's environment.
pub fn environment_value(pid: i32, name: &str) -> Result<String> {
    let environ = std::fs::read(format!("/proc/{pid}/environ"))?;
    let prefix = format!("{name}=");
    environ
        .split(|b| *b == 0)
        .find_map(|var| var.strip_prefix(prefix.as_bytes()))
        .map(|value| String::from_utf8_lossy(value).into_owned())
        .ok_or_else(|| Failure::new(format!("process {pid} has no {name} in its environment")))
}

/// Copies of `needle` in the writable memory of process `pid` (heap, stacks, anonymous mappings: where a
/// value that arrived at run time can be); see `memory.rs`.
pub fn in_memory(pid: i32, needle: &str) -> Result<usize> {
    Ok(crate::memory::scan_process(pid, needle.as_bytes())?.copies)
}

/// One item of a Secret Service keychain, secret included.
#[derive(Debug, Clone)]
pub struct KeychainItem {
    pub label: String,
    pub attributes: HashMap<String, String>,
    pub secret: Vec<u8>,
}

const SECRETS: &str = "org.freedesktop.secrets";

/// Every item in every collection of the Secret Service on the session bus at `bus_address` (the app's
/// own `dbus-run-session`), with its secret: not only the app's service name, so a secret stored under
/// any name is seen.
pub async fn keychain_items(bus_address: &str) -> Result<Vec<KeychainItem>> {
    let bus = zbus::connection::Builder::address(bus_address)?.build().await?;
    let service = zbus::Proxy::new(&bus, SECRETS, "/org/freedesktop/secrets", "org.freedesktop.Secret.Service").await?;
    // "plain": the secrets come back unencrypted over this private bus, which only this user can reach.
    let (_, session): (OwnedValue, OwnedObjectPath) = service.call("OpenSession", &("plain", Value::from(""))).await?;
    let collections: Vec<OwnedObjectPath> = service.get_property("Collections").await?;
    let mut paths = Vec::new();
    for collection in collections {
        let collection = zbus::Proxy::new(&bus, SECRETS, collection, "org.freedesktop.Secret.Collection").await?;
        let items: Vec<OwnedObjectPath> = collection.get_property("Items").await?;
        paths.extend(items);
    }
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let (_, prompt): (Vec<OwnedObjectPath>, OwnedObjectPath) = service.call("Unlock", &(&paths,)).await?;
    if prompt.as_str() != "/" {
        return Err(Failure::new("the keychain asked for a password to unlock: the scan cannot read it"));
    }
    type Secret = (OwnedObjectPath, Vec<u8>, Vec<u8>, String);
    let mut secrets: HashMap<OwnedObjectPath, Secret> = service.call("GetSecrets", &(&paths, &session)).await?;
    let mut found = Vec::new();
    for path in paths {
        let item = zbus::Proxy::new(&bus, SECRETS, path.clone(), "org.freedesktop.Secret.Item").await?;
        let label: String = item.get_property("Label").await?;
        let attributes: HashMap<String, String> = item.get_property("Attributes").await?;
        let secret = secrets
            .remove(&path)
            .map(|(_, _, value, _)| value)
            .ok_or_else(|| Failure::new(format!("the keychain gave no secret for item {label:?}")))?;
        found.push(KeychainItem { label, attributes, secret });
    }
    Ok(found)
}

/// Stores an item with `secret` in the keychain at `bus_address` through another client (`secret-tool`),
/// as a control the scan must then find.
pub async fn plant_keychain_item(bus_address: &str, label: &str, secret: &str) -> Result<()> {
    use tokio::io::AsyncWriteExt;
    let mut child = tokio::process::Command::new("secret-tool")
        .args(["store", "--label", label, "service", "machines-e2e-control", "account", label])
        .env("DBUS_SESSION_BUS_ADDRESS", bus_address)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| Failure::new(format!("secret-tool could not run (Debian: libsecret-tools): {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(secret.as_bytes()).await?;
    }
    let out = child.wait_with_output().await?;
    if !out.status.success() {
        return Err(Failure::new(format!("secret-tool store failed: {}", String::from_utf8_lossy(&out.stderr))));
    }
    Ok(())
}
