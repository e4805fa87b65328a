//! The gateway's settings, from environment variables and/or a TOML file.
//!
//! Each setting has one name: `partner_key` in the file is `GATEWAY_PARTNER_KEY` in the environment (the
//! environment wins). `DATABASE_URL` is also read, as most hosts set it. A bad or missing setting stops
//! start-up with a message that names it and never echoes a secret's value.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use machines_api::{BaseUrl, PartnerKey, SecretString};
use url::Url;
use zeroize::Zeroizing;

use crate::purpose::Purpose;

/// Every setting the gateway reads, with what it holds.
pub const SETTINGS: [(&str, &str); 18] = [
    ("partner_key", "the Machines partner key (prefer partner_key_file)"),
    ("partner_key_file", "path of a file holding the partner key"),
    ("machines_api_url", "the Machines API base URL, e.g. https://api.machines.cash/partner/v1"),
    ("oidc_issuer", "the partner's OpenID Connect issuer URL"),
    ("oidc_audience", "the audience the end users' access tokens are issued for"),
    ("user_id_secret", "at least 32 characters; keys the opaque Machines user ids (prefer user_id_secret_file)"),
    ("user_id_secret_file", "path of a file holding user_id_secret"),
    ("database_url", "sqlite://path or postgres://…; default sqlite://machines-gateway.db"),
    ("listen", "address to listen on; default 127.0.0.1:8787"),
    ("rate_per_subject_per_minute", "session and link requests per signed-in user per minute; default 60"),
    ("rate_per_address_per_minute", "link requests per wallet address per minute; default 10"),
    ("request_timeout_secs", "whole-request limit; default 30"),
    ("body_limit_bytes", "largest request body; default 4096"),
    ("session_ttl_onboarding_secs", "lifetime of onboarding sessions; default 1800"),
    ("session_ttl_cards_secs", "lifetime of card sessions; default 300"),
    ("session_ttl_funding_secs", "lifetime of funding sessions; default 900"),
    ("session_ttl_activity_secs", "lifetime of activity sessions; default 900"),
    ("config_file", "path of a TOML file with these settings (environment only: GATEWAY_CONFIG_FILE)"),
];

#[derive(Debug)]
pub struct Config {
    pub partner_key: PartnerKey,
    pub machines_api_url: BaseUrl,
    pub oidc_issuer: String,
    pub oidc_audience: String,
    pub user_id_secret: SecretString,
    /// A secret: a Postgres URL may carry its password (`postgres://user:password@host/db`).
    pub database_url: SecretString,
    pub listen: SocketAddr,
    pub rate_per_subject_per_minute: u32,
    pub rate_per_address_per_minute: u32,
    pub request_timeout: Duration,
    pub body_limit_bytes: usize,
    pub session_ttls: SessionTtls,
}

/// Session lifetime per purpose. The Machines API accepts 60 s to 24 h.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTtls {
    pub onboarding: Duration,
    pub cards: Duration,
    pub funding: Duration,
    pub activity: Duration,
}

impl SessionTtls {
    pub fn of(&self, purpose: Purpose) -> Duration {
        match purpose {
            Purpose::Onboarding => self.onboarding,
            Purpose::Cards => self.cards,
            Purpose::Funding => self.funding,
            Purpose::Activity => self.activity,
        }
    }
}

/// A setting that stopped start-up. `setting` is its name as written in the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration setting `{setting}` (environment GATEWAY_{}): {problem}", .setting.to_ascii_uppercase())]
pub struct ConfigError {
    pub setting: String,
    pub problem: String,
}

fn bad(setting: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError { setting: setting.to_owned(), problem: problem.into() }
}

/// Raw values by setting name; wiped on drop, as one of them may be a secret.
type Raw = BTreeMap<&'static str, Zeroizing<String>>;

impl Config {
    /// Reads the process environment and, if `GATEWAY_CONFIG_FILE` is set, that file.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::read(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup` (an environment), with the file it names under the environment.
    pub fn read(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut raw = match lookup("GATEWAY_CONFIG_FILE").filter(|p| !p.trim().is_empty()) {
            Some(path) => read_file(Path::new(&path))?,
            None => Raw::new(),
        };
        for (name, _) in SETTINGS {
            let env = format!("GATEWAY_{}", name.to_ascii_uppercase());
            let value = lookup(&env).or_else(|| (name == "database_url").then(|| lookup("DATABASE_URL")).flatten());
            if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
                raw.insert(name, Zeroizing::new(value));
            }
        }
        Self::from_raw(&raw)
    }

    fn from_raw(raw: &Raw) -> Result<Self, ConfigError> {
        let get = |name: &str| raw.get(name).map(|v| v.trim().to_owned());
        let partner_key = secret(raw, "partner_key")?;
        let partner_key =
            PartnerKey::parse(partner_key.expose().to_owned()).map_err(|e| bad("partner_key", e.to_string()))?;
        let user_id_secret = secret(raw, "user_id_secret")?;
        if user_id_secret.expose().chars().count() < 32 {
            return Err(bad("user_id_secret", "must be at least 32 characters (e.g. `openssl rand -hex 32`)"));
        }
        let machines_api_url = get("machines_api_url").ok_or_else(|| bad("machines_api_url", "is required"))?;
        let machines_api_url = BaseUrl::parse(&machines_api_url).map_err(|e| bad("machines_api_url", e.to_string()))?;
        let oidc_issuer = get("oidc_issuer").ok_or_else(|| bad("oidc_issuer", "is required"))?;
        check_issuer(&oidc_issuer)?;
        let oidc_audience = get("oidc_audience").ok_or_else(|| bad("oidc_audience", "is required"))?;
        let database_url = get("database_url").unwrap_or_else(|| "sqlite://machines-gateway.db?mode=rwc".to_owned());
        if !["sqlite:", "postgres://", "postgresql://"].iter().any(|p| database_url.starts_with(p)) {
            return Err(bad("database_url", "must start with sqlite: or postgres://"));
        }
        let listen = get("listen").unwrap_or_else(|| "127.0.0.1:8787".to_owned());
        let listen = listen.parse().map_err(|_| bad("listen", "must be an IP address and port, e.g. 0.0.0.0:8787"))?;
        Ok(Self {
            partner_key,
            machines_api_url,
            oidc_issuer,
            oidc_audience,
            user_id_secret,
            database_url: SecretString::new(database_url),
            listen,
            rate_per_subject_per_minute: number(raw, "rate_per_subject_per_minute", 60, 1, 1_000_000)?,
            rate_per_address_per_minute: number(raw, "rate_per_address_per_minute", 10, 1, 1_000_000)?,
            request_timeout: Duration::from_secs(number(raw, "request_timeout_secs", 30, 1, 600)?.into()),
            body_limit_bytes: number(raw, "body_limit_bytes", 4096, 256, 1 << 20)? as usize,
            session_ttls: SessionTtls {
                onboarding: ttl(raw, "session_ttl_onboarding_secs", 1800)?,
                cards: ttl(raw, "session_ttl_cards_secs", 300)?,
                funding: ttl(raw, "session_ttl_funding_secs", 900)?,
                activity: ttl(raw, "session_ttl_activity_secs", 900)?,
            },
        })
    }
}

/// The issuer is compared byte for byte with each token's `iss`, so it must be an https URL (http only on
/// loopback, for a local provider).
fn check_issuer(issuer: &str) -> Result<(), ConfigError> {
    let url = Url::parse(issuer).map_err(|e| bad("oidc_issuer", format!("is not a URL ({e})")))?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(bad("oidc_issuer", "must be an https URL (http only on loopback)")),
    }
}

/// A secret given inline (`name`) or in a file (`name_file`), never both.
fn secret(raw: &Raw, name: &'static str) -> Result<SecretString, ConfigError> {
    let file_setting = format!("{name}_file");
    match (raw.get(name), raw.get(file_setting.as_str())) {
        (Some(_), Some(_)) => Err(bad(name, format!("set either {name} or {file_setting}, not both"))),
        (Some(value), None) => Ok(SecretString::new(value.trim().to_owned())),
        (None, Some(path)) => {
            let text = Zeroizing::new(
                std::fs::read_to_string(path.trim())
                    .map_err(|e| bad(&file_setting, format!("cannot read {}: {e}", path.trim())))?,
            );
            let value = text.trim();
            if value.is_empty() {
                return Err(bad(&file_setting, format!("{} is empty", path.trim())));
            }
            Ok(SecretString::new(value.to_owned()))
        }
        (None, None) => Err(bad(name, format!("is required (or {file_setting})"))),
    }
}

fn number(raw: &Raw, name: &str, default: u32, min: u32, max: u32) -> Result<u32, ConfigError> {
    let Some(value) = raw.get(name) else { return Ok(default) };
    match value.trim().parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(bad(name, format!("must be a whole number from {min} to {max}"))),
    }
}

fn ttl(raw: &Raw, name: &str, default: u32) -> Result<Duration, ConfigError> {
    number(raw, name, default, 60, 86_400).map(|s| Duration::from_secs(s.into()))
}

/// Reads a TOML file of settings. Unknown names are refused, so a typo cannot silently fall back to a
/// default.
fn read_file(path: &Path) -> Result<Raw, ConfigError> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(|e| bad("config_file", format!("cannot read {}: {e}", path.display())))?,
    );
    let table: toml::Table =
        text.parse().map_err(|e| bad("config_file", format!("{} is not valid TOML: {e}", path.display())))?;
    let mut raw = Raw::new();
    for (key, value) in table {
        let Some((name, _)) = SETTINGS.iter().find(|(n, _)| *n == key && *n != "config_file") else {
            return Err(bad(&key, format!("is not a setting (see {})", path.display())));
        };
        let text = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            _ => return Err(bad(name, "must be a string or a whole number")),
        };
        raw.insert(name, Zeroizing::new(text));
    }
    Ok(raw)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    const KEY: &str = "pk_test_config_0123456789abcdef";

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let mut map: BTreeMap<String, String> = [
            ("GATEWAY_PARTNER_KEY", KEY),
            ("GATEWAY_MACHINES_API_URL", "http://127.0.0.1:9/partner/v1"),
            ("GATEWAY_OIDC_ISSUER", "https://id.example.com"),
            ("GATEWAY_OIDC_AUDIENCE", "machines-gateway"),
            ("GATEWAY_USER_ID_SECRET", "0123456789abcdef0123456789abcdef"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        for (k, v) in pairs {
            if v.is_empty() {
                map.remove(*k);
            } else {
                map.insert((*k).to_owned(), (*v).to_owned());
            }
        }
        move |name| map.get(name).cloned()
    }

    fn refused(pairs: &[(&str, &str)]) -> ConfigError {
        Config::read(env(pairs)).expect_err("should be refused")
    }

    #[test]
    fn a_minimal_environment_is_enough() {
        let config = Config::read(env(&[])).unwrap();
        assert_eq!(config.partner_key.expose(), KEY);
        assert_eq!(config.database_url.expose(), "sqlite://machines-gateway.db?mode=rwc");
        assert_eq!(config.listen, "127.0.0.1:8787".parse().unwrap());
        assert_eq!(config.session_ttls.cards, Duration::from_secs(300));
        assert!(!format!("{config:?}").contains(KEY), "Debug must redact the partner key");
    }

    #[test]
    fn a_database_password_is_kept_out_of_debug_output() {
        let config =
            Config::read(env(&[("DATABASE_URL", "postgres://gateway:pg-s3cret-pw@db.internal/gateway")])).unwrap();
        assert_eq!(config.database_url.expose(), "postgres://gateway:pg-s3cret-pw@db.internal/gateway");
        let debug = format!("{config:?}");
        assert!(!debug.contains("pg-s3cret-pw"), "{debug}");
        assert!(debug.contains("database_url"), "the scan reads the Debug output that names the field: {debug}");
    }

    #[test]
    fn each_required_setting_is_named_when_missing() {
        for (var, setting) in [
            ("GATEWAY_PARTNER_KEY", "partner_key"),
            ("GATEWAY_MACHINES_API_URL", "machines_api_url"),
            ("GATEWAY_OIDC_ISSUER", "oidc_issuer"),
            ("GATEWAY_OIDC_AUDIENCE", "oidc_audience"),
            ("GATEWAY_USER_ID_SECRET", "user_id_secret"),
        ] {
            let err = refused(&[(var, "")]);
            assert_eq!(err.setting, setting);
            assert!(err.to_string().contains(var), "{err}");
        }
    }

    #[test]
    fn bad_values_are_named_and_secrets_not_echoed() {
        let cases: [(&str, &str, &str); 10] = [
            ("GATEWAY_MACHINES_API_URL", "not a url", "machines_api_url"),
            ("GATEWAY_OIDC_ISSUER", "http://id.example.com", "oidc_issuer"),
            ("GATEWAY_USER_ID_SECRET", "short-secret-value", "user_id_secret"),
            ("GATEWAY_PARTNER_KEY", "has a space in it", "partner_key"),
            ("DATABASE_URL", "mysql://db/x", "database_url"),
            ("GATEWAY_LISTEN", "localhost", "listen"),
            ("GATEWAY_RATE_PER_SUBJECT_PER_MINUTE", "0", "rate_per_subject_per_minute"),
            ("GATEWAY_BODY_LIMIT_BYTES", "lots", "body_limit_bytes"),
            ("GATEWAY_SESSION_TTL_CARDS_SECS", "30", "session_ttl_cards_secs"),
            ("GATEWAY_PARTNER_KEY_FILE", "/nonexistent", "partner_key"),
        ];
        for (var, value, setting) in cases {
            let err = refused(&[(var, value)]);
            assert_eq!(err.setting, setting, "{var}={value}: {err}");
            assert!(!err.to_string().contains("has a space"), "{err}");
            assert!(!err.to_string().contains("short-secret-value"), "{err}");
        }
    }

    #[test]
    fn a_file_supplies_settings_and_the_environment_wins() {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("key");
        std::fs::write(&key_file, format!("{KEY}\n")).unwrap();
        let file = dir.path().join("gateway.toml");
        let toml = format!(
            "partner_key_file = {:?}\nlisten = \"0.0.0.0:9000\"\nrate_per_address_per_minute = 3\n",
            key_file.display().to_string()
        );
        std::fs::write(&file, toml).unwrap();
        let path = file.display().to_string();
        let config = Config::read(env(&[
            ("GATEWAY_CONFIG_FILE", &path),
            ("GATEWAY_PARTNER_KEY", ""),
            ("GATEWAY_LISTEN", "127.0.0.1:9001"),
        ]))
        .unwrap();
        assert_eq!(config.partner_key.expose(), KEY);
        assert_eq!(config.rate_per_address_per_minute, 3);
        assert_eq!(config.listen, "127.0.0.1:9001".parse().unwrap());

        std::fs::write(&file, "partner_kee = \"typo\"\n").unwrap();
        let err = refused(&[("GATEWAY_CONFIG_FILE", &path)]);
        assert_eq!(err.setting, "partner_kee");
    }
}
