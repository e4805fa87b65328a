//! Where the client talks to and how patiently: base URL rules, the environments, timeouts and the
//! environment-variable overrides.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use url::{Host, Url};

use crate::error::ApiError;
use crate::retry::RetryPolicy;
use crate::scopes::Spelling;
use crate::secret::PartnerKey;

/// The API's path under a host.
pub const API_PATH: &str = "/partner/v1";
pub const PRODUCTION_URL: &str = "https://api.machines.cash/partner/v1";
pub const SANDBOX_URL: &str = "https://dev-api.machines.cash/partner/v1";

/// Environment variables that override the settings, for development and tests.
pub const ENV_API_URL: &str = "MACHINES_API_URL";
pub const ENV_PARTNER_KEY: &str = "MACHINES_PARTNER_KEY";

/// A base URL the client may send a partner key to: `https://` anywhere, `http://` only on loopback (the
/// simulator). No credentials, query or fragment. A bare host gets the API path appended, so both
/// `https://dev-api.machines.cash` and `https://api-dev.machines.cash/partner/v1` work.
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl(Url);

impl BaseUrl {
    pub fn parse(input: &str) -> Result<Self, ApiError> {
        let input = input.trim();
        // The input is not repeated in the error: a pasted partner key must not come back on screen.
        let mut url =
            Url::parse(input).map_err(|e| ApiError::config(format!("The API URL is not a valid URL ({e})")))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => {
                return Err(ApiError::config(
                    "Plain http:// is only allowed for a server on this computer (localhost); use https://",
                ))
            }
            other => return Err(ApiError::config(format!("The API URL must start with https:// (got {other}://)"))),
        }
        if url.host().is_none() {
            return Err(ApiError::config("The API URL has no host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ApiError::config("The API URL must not contain a user name or password"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(ApiError::config("The API URL must not contain ?query or #fragment"));
        }
        let path = url.path().trim_end_matches('/').to_owned();
        url.set_path(if path.is_empty() { API_PATH } else { &path });
        Ok(Self(url))
    }

    pub fn as_url(&self) -> &Url {
        &self.0
    }

    pub fn host(&self) -> String {
        self.0.host_str().unwrap_or_default().to_owned()
    }

    pub fn is_loopback(&self) -> bool {
        is_loopback(&self.0)
    }

    /// The URL of an API path made of fixed parts and caller-supplied segments. Segments are
    /// percent-encoded one by one, so an id like `../sessions` cannot change the route.
    pub(crate) fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.0.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseUrl({})", self.0)
    }
}

/// Which API the app talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// The in-process simulator on a loopback port; needs no account.
    Demo(BaseUrl),
    Sandbox,
    Production,
    Custom(BaseUrl),
}

impl Environment {
    pub fn base_url(&self) -> Result<BaseUrl, ApiError> {
        match self {
            Self::Demo(url) | Self::Custom(url) => Ok(url.clone()),
            Self::Sandbox => BaseUrl::parse(SANDBOX_URL),
            Self::Production => BaseUrl::parse(PRODUCTION_URL),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Demo(_) => "demo",
            Self::Sandbox => "sandbox",
            Self::Production => "production",
            Self::Custom(_) => "custom",
        }
    }

    /// Sandbox deposits are rUSD on Base Sepolia; production deposits are USDC on Base.
    pub fn is_sandbox_like(&self) -> bool {
        !matches!(self, Self::Production)
    }
}

/// How the client behaves on the wire.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub base_url: BaseUrl,
    /// Whole-request limit, connection to last byte.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub retry: RetryPolicy,
    /// Largest response body read; a larger one is refused as a decode error, not buffered.
    pub max_body_bytes: usize,
    /// Lifetime asked for new sessions (the API allows 60–86,400 s).
    pub session_ttl: Duration,
    /// A session is renewed this long before it expires (or at half its life, if that is sooner).
    pub renew_before: Duration,
    /// The spelling of the label-encryption scopes the first card session is minted with; a 403 on
    /// `/encryption/*` switches to the other one for the life of the client.
    pub card_scope_spelling: Spelling,
}

impl ClientConfig {
    pub fn new(base_url: BaseUrl) -> Self {
        Self {
            base_url,
            timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            max_body_bytes: 4 * 1024 * 1024,
            session_ttl: Duration::from_secs(900),
            renew_before: Duration::from_secs(60),
            card_scope_spelling: Spelling::Reference,
        }
    }

    /// The ttl to request, clamped to what the API accepts.
    pub(crate) fn ttl_seconds(&self) -> u32 {
        self.session_ttl.as_secs().clamp(60, 86_400) as u32
    }
}

/// Values taken from `MACHINES_API_URL` and `MACHINES_PARTNER_KEY`.
#[derive(Debug, Default)]
pub struct Overrides {
    pub base_url: Option<BaseUrl>,
    pub partner_key: Option<PartnerKey>,
}

impl Overrides {
    /// Reads the overrides through `lookup` (pass `|k| std::env::var(k).ok()`). An empty variable counts as
    /// unset; a malformed one is an error that names the variable but never echoes a key.
    pub fn read(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ApiError> {
        let present = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let base_url = present(ENV_API_URL)
            .map(|raw| BaseUrl::parse(&raw).map_err(|e| ApiError::config(format!("{ENV_API_URL}: {e}"))))
            .transpose()?;
        let partner_key = present(ENV_PARTNER_KEY)
            .map(|raw| PartnerKey::parse(raw).map_err(|e| ApiError::config(format!("{ENV_PARTNER_KEY}: {e}"))))
            .transpose()?;
        Ok(Self { base_url, partner_key })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_on_loopback() {
        assert_eq!(BaseUrl::parse(PRODUCTION_URL).unwrap().to_string(), PRODUCTION_URL);
        assert_eq!(
            BaseUrl::parse("http://127.0.0.1:4010/partner/v1/").unwrap().to_string(),
            "http://127.0.0.1:4010/partner/v1"
        );
        assert!(BaseUrl::parse("http://localhost:9/partner/v1").is_ok());
        assert!(BaseUrl::parse("http://[::1]:9/partner/v1").is_ok());
        assert!(BaseUrl::parse("http://127.9.9.9:9").is_ok());
        for bad in [
            "http://api.machines.cash/partner/v1",
            "http://10.0.0.1/partner/v1",
            "ftp://x/partner/v1",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "https://user:pw@api.machines.cash",
            "https://x.io/?a=1",
            "https://x.io/#f",
            "api.machines.cash",
            "",
        ] {
            assert_eq!(BaseUrl::parse(bad).unwrap_err().code(), "config", "{bad}");
        }
    }

    #[test]
    fn both_sandbox_spellings_and_bare_hosts() {
        assert_eq!(BaseUrl::parse("https://dev-api.machines.cash").unwrap().to_string(), SANDBOX_URL);
        assert_eq!(
            BaseUrl::parse(" https://api-dev.machines.cash/ ").unwrap().to_string(),
            "https://api-dev.machines.cash/partner/v1"
        );
        assert_eq!(
            BaseUrl::parse("https://api-dev.machines.cash/partner/v1").unwrap().to_string(),
            "https://api-dev.machines.cash/partner/v1"
        );
    }

    #[test]
    fn endpoint_segments_are_encoded() {
        let base = BaseUrl::parse(PRODUCTION_URL).unwrap();
        assert_eq!(
            base.endpoint(&["cards", "../sessions"]).as_str(),
            "https://api.machines.cash/partner/v1/cards/..%2Fsessions"
        );
        assert_eq!(base.endpoint(&["cards", "a b?c"]).as_str(), "https://api.machines.cash/partner/v1/cards/a%20b%3Fc");
    }

    #[test]
    fn overrides_are_validated_without_echoing_the_key() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned())
        };
        let none = Overrides::read(env(&[(ENV_API_URL, " ")])).unwrap();
        assert!(none.base_url.is_none() && none.partner_key.is_none());
        let both = Overrides::read(env(&[(ENV_API_URL, "http://127.0.0.1:1"), (ENV_PARTNER_KEY, "pk_x")])).unwrap();
        assert_eq!(both.base_url.unwrap().to_string(), "http://127.0.0.1:1/partner/v1");
        assert_eq!(both.partner_key.unwrap().expose(), "pk_x");
        let pasted_key = Overrides::read(env(&[(ENV_API_URL, "pk_live_abcdef")])).unwrap_err();
        assert!(!pasted_key.to_string().contains("pk_live"), "{pasted_key}");
        let bad_url = Overrides::read(env(&[(ENV_API_URL, "http://evil.example")])).unwrap_err();
        assert!(bad_url.to_string().starts_with("MACHINES_API_URL: "), "{bad_url}");
        let bad_key = Overrides::read(env(&[(ENV_PARTNER_KEY, "pk secret value")])).unwrap_err();
        assert!(bad_key.to_string().starts_with("MACHINES_PARTNER_KEY: "));
        assert!(!bad_key.to_string().contains("secret"), "{bad_key}");
    }
}
