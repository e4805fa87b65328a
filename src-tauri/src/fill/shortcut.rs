//! The Fill shortcut (`Ctrl+Alt+F` unless the person chose another or none), registered while the app
//! runs through `tauri-plugin-global-shortcut`, from Rust only: the page gets no global-shortcut
//! permission. (Escape, taken only while a fill is under way, is the fill's own X11 connection's:
//! `x11_window`.)
//!
//! The plugin calls a handler on its X11 thread, the same thread that registers and unregisters keys:
//! a handler that registered or unregistered one itself would wait on its own thread forever. So the
//! handler here only hands the press to the async runtime.

use tauri::{AppHandle, Manager, Runtime};
pub use tauri_plugin_global_shortcut::Shortcut;
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Modifiers, ShortcutEvent, ShortcutState};

use crate::state::AppState;

/// The Fill shortcut as the person wrote it (`Ctrl+Alt+F`), read by the plugin's own parser. It must hold
/// Ctrl, Alt or Super: a global shortcut without one would take a plain key (or Shift and a letter) from
/// every app, and typing there would stop working.
pub fn parse(accelerator: &str) -> Result<Shortcut, String> {
    let shortcut: Shortcut = accelerator.parse().map_err(|_| {
        format!(
            "\u{201c}{accelerator}\u{201d} is not a key combination the app can listen for. Write it like \
             Ctrl+Alt+F: modifiers first, then one key."
        )
    })?;
    if !shortcut.mods.intersects(Modifiers::CONTROL | Modifiers::ALT | Modifiers::SUPER) {
        return Err("A global shortcut needs Ctrl, Alt or Super, so it does not take a key other apps need.".into());
    }
    Ok(shortcut)
}

/// Registers `shortcut` as the Fill shortcut: a press goes to [`AppState::shortcut_pressed`].
pub fn register_fill<R: Runtime>(app: &AppHandle<R>, shortcut: Shortcut) -> Result<(), String> {
    app.global_shortcut().on_shortcut(shortcut, on_press).map_err(refused)
}

/// Gives a shortcut back to the other apps.
///
/// Twice: global-hotkey 0.8 queues the X11 ungrab without flushing its connection, so after one call the
/// key stays taken from every app until the plugin next talks to the X server. The second call begins
/// with a keyboard-mapping request whose reply flushes the first ungrab; its own ungrab of a key no
/// longer held changes nothing.
pub fn give_back<R: Runtime>(app: &AppHandle<R>, shortcut: Shortcut) -> Result<(), String> {
    let shortcuts = app.global_shortcut();
    shortcuts.unregister(shortcut).map_err(refused)?;
    shortcuts.unregister(shortcut).map_err(refused)
}

/// The plugin's refusal in words: another app holds the combination, or the X server refused it.
fn refused(err: tauri_plugin_global_shortcut::Error) -> String {
    format!("The desktop did not give the app this key combination ({err}). Choose another.")
}

/// A press (not the release), handed to the async runtime, off the plugin's thread.
fn on_press<R: Runtime>(app: &AppHandle<R>, _shortcut: &Shortcut, event: ShortcutEvent) {
    if event.state != ShortcutState::Pressed {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Some(state) = app.try_state::<AppState>() {
            state.shortcut_pressed().await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_and_common_spellings_are_read() {
        for accelerator in ["Ctrl+Alt+F", "ctrl+alt+f", "Control+Shift+K", "Super+F9", "Alt+Backquote"] {
            assert!(parse(accelerator).is_ok(), "{accelerator}");
        }
    }

    #[test]
    fn a_combination_the_plugin_cannot_read_is_refused_in_words() {
        let why = parse("Ctrl+Alt+Banana").unwrap_err();
        assert!(why.contains("Ctrl+Alt+Banana") && why.contains("modifiers first"), "{why}");
        assert!(parse("Ctrl+F+Alt").is_err());
    }

    #[test]
    fn a_shortcut_without_ctrl_alt_or_super_is_refused() {
        for accelerator in ["F", "Shift+F", "F9", "Escape"] {
            let why = parse(accelerator).unwrap_err();
            assert!(why.contains("Ctrl, Alt or Super"), "{accelerator}: {why}");
        }
    }
}
