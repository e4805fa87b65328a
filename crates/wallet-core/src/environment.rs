//! Which API the app is connected to, as a type: Demo (the embedded simulator), Sandbox, Production, or a
//! custom server known by its host. Every rule that depends on the environment asks this type, never a
//! string compared with `"production"`.

use serde::Serialize;

use crate::intents::Scope;
use crate::settings::EnvironmentSetting;

/// The environment of an open connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// The simulator embedded in the app; its port changes every run, so it is known by name only.
    Demo,
    Sandbox,
    Production,
    /// Another server: a custom URL in Settings, or the `MACHINES_API_URL` override. `host` tells two
    /// custom servers apart (their accounts are not the same accounts).
    Custom {
        host: String,
    },
    /// The partner's gateway, for the person signed in with the partner's provider. `gateway_host` tells
    /// two partners' users apart; `production` says whether the gateway's sessions are for Production.
    Partner {
        gateway_host: String,
        production: bool,
    },
}

/// The environment without its details, as the header names it. Serialized as `"demo"`, `"sandbox"`,
/// `"production"`, `"custom"` or `"partner"`, which the UI receives as a union type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum EnvironmentKind {
    Demo,
    Sandbox,
    Production,
    Custom,
    Partner,
}

impl Environment {
    pub fn kind(&self) -> EnvironmentKind {
        match self {
            Self::Demo => EnvironmentKind::Demo,
            Self::Sandbox => EnvironmentKind::Sandbox,
            Self::Production => EnvironmentKind::Production,
            Self::Custom { .. } => EnvironmentKind::Custom,
            Self::Partner { .. } => EnvironmentKind::Partner,
        }
    }

    /// The environment half of a [`Scope`], as the unfinished-card journal writes it on disk: the kind's
    /// name, for a custom server `custom <host>` (records written by earlier versions read the same), and
    /// for a partner `partner <gateway host>`.
    pub fn scope_name(&self) -> String {
        match self {
            Self::Custom { host } => format!("custom {host}"),
            Self::Partner { gateway_host, .. } => format!("partner {gateway_host}"),
            other => other.kind().as_str().to_owned(),
        }
    }

    /// The deposit currency this environment's people use most, listed first: USDC in Production (also
    /// through a partner's gateway), the test dollar rUSD in Sandbox, Demo and on custom (test) servers.
    pub fn usual_deposit_currency(&self) -> &'static str {
        match self {
            Self::Production | Self::Partner { production: true, .. } => "usdc",
            Self::Demo | Self::Sandbox | Self::Custom { .. } | Self::Partner { production: false, .. } => "rusd",
        }
    }
}

impl EnvironmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Demo => "demo",
            Self::Sandbox => "sandbox",
            Self::Production => "production",
            Self::Custom => "custom",
            Self::Partner => "partner",
        }
    }

    /// The kind the settings choose (before any connection is made).
    pub fn of_setting(setting: &EnvironmentSetting) -> Self {
        match setting {
            EnvironmentSetting::Demo => Self::Demo,
            EnvironmentSetting::Sandbox => Self::Sandbox,
            EnvironmentSetting::Production => Self::Production,
            EnvironmentSetting::Custom { .. } => Self::Custom,
            EnvironmentSetting::Partner => Self::Partner,
        }
    }

    /// Whether `scope` was written for an environment of this kind (any custom host counts as custom).
    pub fn holds(self, scope: &Scope) -> bool {
        scope.environment.split(' ').next() == Some(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(environment: &str) -> Scope {
        Scope { environment: environment.into(), account: "alice@example.com".into() }
    }

    #[test]
    fn the_view_gets_the_same_words_as_before() {
        let names: Vec<String> = [
            EnvironmentKind::Demo,
            EnvironmentKind::Sandbox,
            EnvironmentKind::Production,
            EnvironmentKind::Custom,
            EnvironmentKind::Partner,
        ]
        .iter()
        .map(|kind| serde_json::to_value(kind).unwrap().as_str().unwrap().to_owned())
        .collect();
        assert_eq!(names, ["demo", "sandbox", "production", "custom", "partner"]);
    }

    #[test]
    fn custom_servers_are_told_apart_by_host_and_demo_by_name() {
        let custom = Environment::Custom { host: "api.partner.example".into() };
        assert_eq!(custom.scope_name(), "custom api.partner.example");
        assert_eq!(Environment::Demo.scope_name(), "demo");
        assert!(EnvironmentKind::Custom.holds(&scope(&custom.scope_name())));
        assert!(!EnvironmentKind::Custom.holds(&scope("demo")));
        assert!(EnvironmentKind::Production.holds(&scope("production")));
        assert!(!EnvironmentKind::Production.holds(&scope("productionish")), "a whole word, not a prefix");
    }

    #[test]
    fn two_partners_users_are_told_apart_by_gateway() {
        let partner = Environment::Partner { gateway_host: "wallet-gateway.acme.example".into(), production: true };
        assert_eq!(partner.scope_name(), "partner wallet-gateway.acme.example");
        assert!(EnvironmentKind::Partner.holds(&scope(&partner.scope_name())));
        assert!(!EnvironmentKind::Custom.holds(&scope(&partner.scope_name())));
        assert_eq!(partner.usual_deposit_currency(), "usdc");
        let local = Environment::Partner { gateway_host: "127.0.0.1".into(), production: false };
        assert_eq!(local.usual_deposit_currency(), "rusd", "a partner's local stack runs on test money");
    }

    #[test]
    fn production_lists_usdc_first_and_every_test_environment_rusd() {
        assert_eq!(Environment::Production.usual_deposit_currency(), "usdc");
        for test in [Environment::Demo, Environment::Sandbox, Environment::Custom { host: "h".into() }] {
            assert_eq!(test.usual_deposit_currency(), "rusd", "{test:?}");
        }
    }

    #[test]
    fn the_settings_name_their_kind() {
        assert_eq!(EnvironmentKind::of_setting(&EnvironmentSetting::Demo), EnvironmentKind::Demo);
        assert_eq!(
            EnvironmentKind::of_setting(&EnvironmentSetting::Custom { url: "https://x.example".into() }),
            EnvironmentKind::Custom
        );
    }
}
