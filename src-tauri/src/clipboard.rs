//! The system clipboard through `arboard`, writing secrets with the OS privacy hints (excluded from
//! clipboard history, cloud sync and monitors where the platform supports it).

use wallet_core::clipboard::{Clipboard, ClipboardError};
use zeroize::Zeroizing;

pub struct SystemClipboard(Option<arboard::Clipboard>);

impl SystemClipboard {
    pub fn new() -> Self {
        Self(None)
    }

    fn board(&mut self) -> Result<&mut arboard::Clipboard, ClipboardError> {
        if self.0.is_none() {
            self.0 = Some(arboard::Clipboard::new().map_err(|e| ClipboardError::Unavailable(e.to_string()))?);
        }
        self.0.as_mut().ok_or_else(|| ClipboardError::Unavailable("no clipboard".into()))
    }
}

impl Clipboard for SystemClipboard {
    fn write_secret(&mut self, text: &str) -> Result<(), ClipboardError> {
        let board = self.board()?;
        let set = board.set();
        #[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
        let set = arboard_hints(set);
        set.text(text.to_owned()).map_err(|e| ClipboardError::Unavailable(e.to_string()))
    }

    fn read_text(&mut self) -> Result<Option<Zeroizing<String>>, ClipboardError> {
        match self.board()?.get_text() {
            Ok(text) => Ok(Some(Zeroizing::new(text))),
            Err(arboard::Error::ContentNotAvailable) => Ok(None),
            Err(e) => Err(ClipboardError::Unavailable(e.to_string())),
        }
    }

    fn clear(&mut self) -> Result<(), ClipboardError> {
        self.board()?.clear().map_err(|e| ClipboardError::Unavailable(e.to_string()))
    }
}

/// Marks the write as sensitive: arboard's `exclude_from_history` sets the platform hints (the
/// `x-kde-passwordManagerHint` on Linux, `ExcludeClipboardContentFromMonitorProcessing` and friends on
/// Windows, the concealed type on macOS).
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
fn arboard_hints(set: arboard::Set<'_>) -> arboard::Set<'_> {
    #[cfg(target_os = "macos")]
    use arboard::SetExtApple;
    #[cfg(target_os = "linux")]
    use arboard::SetExtLinux;
    #[cfg(target_os = "windows")]
    use arboard::SetExtWindows;
    set.exclude_from_history()
}
