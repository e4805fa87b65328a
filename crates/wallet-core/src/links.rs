//! Which links the app opens in the system browser. KYC completion links and agreement links come from
//! the server; a hostile or broken server must not be able to open `file://`, `javascript:`, a local
//! service or an arbitrary site. Only `https` links to hosts on an allowlist open (the Machines hosts and
//! the card issuer's); in Demo mode also the embedded simulator's own origin, exactly.

use url::{Host, Url};

/// Hosts (and their subdomains) that links may open. The issuer's privacy policy is linked from the
/// agreements the API serves.
pub const DEFAULT_HOSTS: [&str; 2] = ["machines.cash", "third-national.com"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkRefusal {
    #[error("This link was not opened: it is not a valid web address.")]
    NotAUrl,
    #[error("This link was not opened: it uses {0}:, and only secure https links are opened.")]
    Scheme(String),
    #[error("This link was not opened: {0} is not a Machines Cash or card-issuer site.")]
    Host(String),
    #[error("This link was not opened: it carries a user name or password.")]
    Credentials,
}

#[derive(Debug, Clone)]
pub struct LinkPolicy {
    hosts: Vec<String>,
    /// The embedded simulator's `http://127.0.0.1:PORT` in Demo mode.
    demo_origin: Option<Url>,
}

impl Default for LinkPolicy {
    fn default() -> Self {
        Self { hosts: DEFAULT_HOSTS.iter().map(|h| (*h).to_owned()).collect(), demo_origin: None }
    }
}

impl LinkPolicy {
    /// Also allows exactly this origin (scheme, host and port), for the Demo simulator's pages.
    pub fn with_demo_origin(mut self, origin: &str) -> Self {
        self.demo_origin = Url::parse(origin).ok();
        self
    }

    /// The URL to open, or why it will not be opened.
    pub fn check(&self, raw: &str) -> Result<Url, LinkRefusal> {
        let url = Url::parse(raw.trim()).map_err(|_| LinkRefusal::NotAUrl)?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(LinkRefusal::Credentials);
        }
        if let Some(origin) = &self.demo_origin {
            if url.origin() == origin.origin() {
                return Ok(url);
            }
        }
        if url.scheme() != "https" {
            return Err(LinkRefusal::Scheme(url.scheme().to_owned()));
        }
        match url.host() {
            Some(Host::Domain(host)) if self.allows(host) => Ok(url),
            Some(host) => Err(LinkRefusal::Host(host.to_string())),
            None => Err(LinkRefusal::NotAUrl),
        }
    }

    fn allows(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.hosts.iter().any(|allowed| host == *allowed || host.ends_with(&format!(".{allowed}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guides_links_open() {
        let policy = LinkPolicy::default();
        for link in [
            "https://kyc.machines.cash/verify?userId=1&signature=s",
            "https://machines.cash/e-sign",
            "https://www.third-national.com/privacypolicy",
        ] {
            assert!(policy.check(link).is_ok(), "{link}");
        }
    }

    #[test]
    fn hostile_links_are_refused_with_a_reason() {
        let policy = LinkPolicy::default();
        let cases = [
            ("file:///etc/passwd", LinkRefusal::Scheme("file".into())),
            ("javascript:alert(1)", LinkRefusal::Scheme("javascript".into())),
            ("http://kyc.machines.cash/verify", LinkRefusal::Scheme("http".into())),
            ("https://evil.example/verify", LinkRefusal::Host("evil.example".into())),
            ("https://machines.cash.evil.example/", LinkRefusal::Host("machines.cash.evil.example".into())),
            ("https://evilmachines.cash/", LinkRefusal::Host("evilmachines.cash".into())),
            ("https://127.0.0.1/", LinkRefusal::Host("127.0.0.1".into())),
            ("https://user:pw@machines.cash/", LinkRefusal::Credentials),
            ("not a url", LinkRefusal::NotAUrl),
        ];
        for (link, refusal) in cases {
            assert_eq!(policy.check(link), Err(refusal), "{link}");
        }
        assert!(policy.check("javascript:alert(1)").unwrap_err().to_string().starts_with("This link was not opened"));
    }

    #[test]
    fn demo_allows_only_its_own_origin() {
        let policy = LinkPolicy::default().with_demo_origin("http://127.0.0.1:4010");
        assert!(policy.check("http://127.0.0.1:4010/verify?userId=1").is_ok());
        assert!(policy.check("http://127.0.0.1:4011/verify").is_err());
        assert!(policy.check("http://localhost:4010/verify").is_err());
        assert!(LinkPolicy::default().check("http://127.0.0.1:4010/verify").is_err());
    }
}
