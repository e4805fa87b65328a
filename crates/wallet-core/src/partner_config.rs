//! The partner's sign-in settings (`partner.json`), which a partner who ships the app puts beside it: its
//! name, its wallet gateway, its OpenID provider and the Machines API its gateway serves. Where the file is,
//! how big it may be, and what makes one usable are decided here; the shell only reads the bytes.
//!
//! A file that is absent means no Partner sign-in (Demo stays the default). A file that is present but
//! cannot be used is not fatal either: the person reads why in a note and the app behaves as if it were
//! absent. Nothing here can panic on what the file holds.

use std::io::Read;
use std::path::{Path, PathBuf};

use machines_api::BaseUrl;
use serde::Deserialize;
use url::Url;

/// The variable that names the file (a path), for a partner or a test that keeps it elsewhere.
pub const ENV_PARTNER_CONFIG: &str = "MACHINES_PARTNER_CONFIG";
/// The file's name in the folder of the app's executable, when the variable is not set.
pub const FILE_NAME: &str = "partner.json";
/// The largest file read: a real one is a few hundred bytes, so anything bigger is not one.
pub const MAX_BYTES: u64 = 64 * 1024;
/// The only version of the file's format so far.
const VERSION: u32 = 1;

/// A usable partner configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerConfig {
    /// Shown to the person: "Sign in with <name>".
    pub name: String,
    /// The partner's wallet gateway (https, or http on this computer only).
    pub gateway_url: String,
    /// The OpenID issuer, exactly as the provider spells it (the discovered `issuer` must match it).
    pub issuer: String,
    pub client_id: String,
    /// Scopes beyond `openid` and `offline_access`.
    pub scopes: Vec<String>,
    /// The Machines API the gateway's sessions are for (Production's unless the file names another).
    pub machines_api: BaseUrl,
}

impl PartnerConfig {
    /// The gateway's host, as the person is shown it.
    pub fn gateway_host(&self) -> String {
        host_of(&self.gateway_url)
    }

    /// The provider's host, as the person is shown it ("you will sign in at login.acme.example").
    pub fn provider_host(&self) -> String {
        host_of(&self.issuer)
    }

    /// The keychain account of this provider's refresh token: one per issuer and client, so a partner
    /// that changes provider never sends one provider's token to another.
    pub fn keychain_account(&self) -> String {
        format!("signin:{}#{}", self.issuer, self.client_id)
    }
}

fn host_of(url: &str) -> String {
    Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_default()
}

/// What start-up found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// No file: no Partner sign-in.
    Absent,
    Usable(PartnerConfig),
    /// A file that cannot be used; `note` tells the person why, in words.
    Unusable {
        note: String,
    },
}

impl Found {
    pub fn usable(&self) -> Option<&PartnerConfig> {
        match self {
            Self::Usable(config) => Some(config),
            Self::Absent | Self::Unusable { .. } => None,
        }
    }
}

/// Where the file is looked for: `$MACHINES_PARTNER_CONFIG` (through `lookup`) if set, else `partner.json`
/// in `exe_dir`. The variable set to a path means the file is expected there, so a missing one is a note.
pub fn find(lookup: impl Fn(&str) -> Option<String>, exe_dir: Option<&Path>) -> Found {
    let (path, expected) = match lookup(ENV_PARTNER_CONFIG).filter(|v| !v.trim().is_empty()) {
        Some(path) => (PathBuf::from(path), true),
        None => match exe_dir {
            Some(dir) => (dir.join(FILE_NAME), false),
            None => return Found::Absent,
        },
    };
    match read_capped(&path) {
        Ok(bytes) => match parse(&bytes) {
            Ok(config) => Found::Usable(config),
            Err(why) => Found::Unusable { note: unusable_note(&path, &why) },
        },
        Err(err) if err.kind() == std::io::ErrorKind::NotFound && !expected => Found::Absent,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Found::Unusable {
            note: unusable_note(&path, &format!("there is no such file ({ENV_PARTNER_CONFIG} names it)")),
        },
        Err(err) => Found::Unusable { note: unusable_note(&path, &read_problem(&err)) },
    }
}

fn unusable_note(path: &Path, why: &str) -> String {
    format!(
        "The partner sign-in settings in {} could not be used: {why}. Partner sign-in is not offered; ask whoever \
         set up this app to correct the file.",
        path.display()
    )
}

fn read_problem(err: &std::io::Error) -> String {
    if err.kind() == std::io::ErrorKind::InvalidData {
        err.to_string()
    } else {
        format!("it could not be read ({err})")
    }
}

/// The file's bytes, refusing one bigger than [`MAX_BYTES`] without reading it all.
fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("it is larger than {} KiB, which no partner file is", MAX_BYTES / 1024),
        ));
    }
    Ok(bytes)
}

/// The file as written; unknown fields are ignored, so a newer app's additions do not break an older one.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stored {
    version: u32,
    name: String,
    gateway_url: String,
    issuer: String,
    client_id: String,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    machines_api_url: Option<String>,
}

/// Checks a file's bytes; the error says what is wrong in words (the field it is about by its name in
/// the file).
pub fn parse(bytes: &[u8]) -> Result<PartnerConfig, String> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| format!("it is not valid JSON ({e})"))?;
    match value.get("version") {
        None => return Err("it has no \"version\"".into()),
        Some(v) if v.as_u64() != Some(u64::from(VERSION)) => {
            return Err(format!("its \"version\" is {v}, and this app reads version {VERSION}"))
        }
        Some(_) => {}
    }
    let stored: Stored = serde_path_to_error::deserialize(value).map_err(|e| match e.path().to_string() {
        path if path == "." => format!("{}", e.inner()),
        path => format!("\"{path}\" {}", e.inner()),
    })?;
    debug_assert_eq!(stored.version, VERSION);
    let text = |field: &str, value: String| -> Result<String, String> {
        let value = value.trim().to_owned();
        if value.is_empty() {
            Err(format!("\"{field}\" is empty"))
        } else {
            Ok(value)
        }
    };
    let name = text("name", stored.name)?;
    let client_id = text("clientId", stored.client_id)?;
    let gateway_url = text("gatewayUrl", stored.gateway_url)?;
    checked_base("gatewayUrl", &gateway_url)?;
    let issuer = text("issuer", stored.issuer)?;
    checked_base("issuer", &issuer)?;
    let mut scopes = Vec::new();
    for scope in stored.scopes {
        let scope = text("scopes", scope)?;
        if scope.contains(char::is_whitespace) {
            return Err(format!("the scope \"{scope}\" has a space in it (list each scope on its own)"));
        }
        scopes.push(scope);
    }
    let machines_api = match stored.machines_api_url {
        Some(url) => {
            let url = text("machinesApiUrl", url)?;
            BaseUrl::parse(&url).map_err(|e| format!("\"machinesApiUrl\": {e}"))?
        }
        None => BaseUrl::parse(machines_api::config::PRODUCTION_URL).map_err(|e| e.to_string())?,
    };
    Ok(PartnerConfig { name, gateway_url, issuer, client_id, scopes, machines_api })
}

/// A gateway or issuer URL under the API's rules: https, or plain http only on this computer (a local
/// stack); no user name, query or fragment.
fn checked_base(field: &str, url: &str) -> Result<(), String> {
    BaseUrl::parse(url).map(|_| ()).map_err(|e| format!("\"{field}\": {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn good() -> serde_json::Value {
        json!({
            "version": 1,
            "name": "Acme Pay",
            "gatewayUrl": "https://wallet-gateway.acme.example",
            "issuer": "https://login.acme.example",
            "clientId": "machines-wallet",
            "scopes": ["profile"],
        })
    }

    fn parse_value(value: &serde_json::Value) -> Result<PartnerConfig, String> {
        parse(value.to_string().as_bytes())
    }

    fn with(field: &str, value: serde_json::Value) -> serde_json::Value {
        let mut config = good();
        config[field] = value;
        config
    }

    fn without(field: &str) -> serde_json::Value {
        let mut config = good();
        config.as_object_mut().unwrap().remove(field);
        config
    }

    #[test]
    fn a_good_file_is_read_with_production_as_its_api() {
        let config = parse_value(&with("futureField", json!(true))).unwrap();
        assert_eq!(config.name, "Acme Pay");
        assert_eq!(config.gateway_host(), "wallet-gateway.acme.example");
        assert_eq!(config.provider_host(), "login.acme.example");
        assert_eq!(config.scopes, ["profile"]);
        assert_eq!(config.machines_api.to_string(), machines_api::config::PRODUCTION_URL);
        assert_eq!(config.keychain_account(), "signin:https://login.acme.example#machines-wallet");
        let local = parse_value(&with("machinesApiUrl", json!("http://127.0.0.1:4010"))).unwrap();
        assert_eq!(local.machines_api.to_string(), "http://127.0.0.1:4010/partner/v1");
        assert!(parse_value(&without("scopes")).unwrap().scopes.is_empty(), "scopes are optional");
    }

    #[test]
    fn each_bad_file_says_what_is_wrong() {
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"{ not json".to_vec(), "not valid JSON"),
            (b"[1, 2]".to_vec(), "no \"version\""),
            (with("version", json!(2)).to_string().into_bytes(), "this app reads version 1"),
            (without("version").to_string().into_bytes(), "no \"version\""),
            (without("issuer").to_string().into_bytes(), "issuer"),
            (with("name", json!("   ")).to_string().into_bytes(), "\"name\" is empty"),
            (with("clientId", json!("")).to_string().into_bytes(), "\"clientId\" is empty"),
            (with("clientId", json!(7)).to_string().into_bytes(), "clientId"),
            (with("gatewayUrl", json!("http://gateway.acme.example")).to_string().into_bytes(), "gatewayUrl"),
            (with("issuer", json!("http://login.acme.example")).to_string().into_bytes(), "http://"),
            (with("issuer", json!("login.acme.example")).to_string().into_bytes(), "issuer"),
            (with("scopes", json!(["a b"])).to_string().into_bytes(), "has a space"),
            (with("machinesApiUrl", json!("ftp://x.example")).to_string().into_bytes(), "machinesApiUrl"),
        ];
        for (bytes, expected) in cases {
            let why = parse(&bytes).unwrap_err();
            assert!(why.contains(expected), "{}: {why}", String::from_utf8_lossy(&bytes));
        }
    }

    #[test]
    fn http_is_taken_on_this_computer_only() {
        let mut local = with("gatewayUrl", json!("http://127.0.0.1:8787"));
        local["issuer"] = json!("http://localhost:9000");
        assert!(parse_value(&local).is_ok());
        local["gatewayUrl"] = json!("http://gateway.acme.example:8787");
        assert!(parse_value(&local).unwrap_err().contains("gatewayUrl"));
    }

    /// A fresh folder per test (they run at once in one process).
    fn folder(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("partner-config-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_file_beside_the_app_is_found_and_none_means_absent() {
        let dir = folder("beside");
        let no_var = |_: &str| None;
        assert_eq!(find(no_var, Some(&dir)), Found::Absent);
        assert_eq!(find(no_var, None), Found::Absent);
        std::fs::write(dir.join(FILE_NAME), good().to_string()).unwrap();
        assert_eq!(find(no_var, Some(&dir)).usable().map(|c| c.name.as_str()), Some("Acme Pay"));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_variable_wins_and_a_missing_or_bad_file_there_is_a_note() {
        let dir = folder("variable");
        std::fs::write(dir.join(FILE_NAME), "not json").unwrap();
        let elsewhere = dir.join("elsewhere.json");
        let named = elsewhere.display().to_string();
        let lookup = |name: &str| (name == ENV_PARTNER_CONFIG).then(|| named.clone());
        let Found::Unusable { note } = find(lookup, Some(&dir)) else { panic!("a named file that is missing") };
        assert!(note.contains(&named) && note.contains("no such file"), "{note}");
        std::fs::write(&elsewhere, good().to_string()).unwrap();
        assert!(find(lookup, Some(&dir)).usable().is_some(), "the variable's file, not the bad one beside the app");
        let Found::Unusable { note } = find(|_| None, Some(&dir)) else { panic!("the bad file beside the app") };
        assert!(note.starts_with("The partner sign-in settings in ") && note.contains("not valid JSON"), "{note}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_file_too_big_is_refused_unread() {
        let dir = folder("big");
        let mut big = good();
        big["padding"] = json!("x".repeat(MAX_BYTES as usize));
        std::fs::write(dir.join(FILE_NAME), big.to_string()).unwrap();
        let Found::Unusable { note } = find(|_| None, Some(&dir)) else { panic!("too big") };
        assert!(note.contains("larger than 64 KiB"), "{note}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
