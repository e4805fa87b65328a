//! Opening the provider's page in the person's own browser. The shell implements it (the Tauri opener);
//! the tests implement it with an HTTP client that fills the provider's forms as a person would.

use url::Url;

/// Shows `url` to the person in their browser. Returning `Ok` means the page was handed over, not that
/// the person signed in: the answer arrives later at the loopback redirect.
pub trait OpenBrowser: Send + Sync {
    fn open(&self, url: &Url) -> Result<(), BrowserError>;
}

/// The browser could not be opened; `detail` says why in the OS's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the browser could not be opened: {detail}")]
pub struct BrowserError {
    pub detail: String,
}
