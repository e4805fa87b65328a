//! SIGTERM and SIGINT (a session logging out, `kill`, Ctrl-C in the terminal that started the app) end
//! the app the way Quit does: the clipboard is cleared if it still holds a value we copied, and the app
//! exits through its normal path (which saves Demo's state), with status 0. Without this, the default
//! action of either signal ends the process on the spot, and a clipboard manager or another platform's
//! clipboard keeps the number after we are gone.

use tauri::Manager;

use crate::state::AppState;

/// Starts listening for SIGTERM and SIGINT. The listeners are registered before this returns, so a
/// signal that arrives right after is already ours; it must be called outside the async runtime (from
/// `setup` or the main thread).
#[cfg(unix)]
pub fn quit_on_termination<R: tauri::Runtime>(handle: tauri::AppHandle<R>) {
    use tokio::signal::unix::{signal, SignalKind};
    let listeners = tauri::async_runtime::block_on(async {
        Ok::<_, std::io::Error>((signal(SignalKind::terminate())?, signal(SignalKind::interrupt())?))
    });
    let (mut terminate, mut interrupt) = match listeners {
        Ok(listeners) => listeners,
        Err(err) => {
            tracing::warn!(%err, "cannot listen for SIGTERM and SIGINT; they will end the app without clearing");
            return;
        }
    };
    tauri::async_runtime::spawn(async move {
        let name = tokio::select! {
            _ = terminate.recv() => "SIGTERM",
            _ = interrupt.recv() => "SIGINT",
        };
        tracing::info!(signal = name, "quitting: clearing the clipboard first");
        if let Some(state) = handle.try_state::<AppState>() {
            state.clear_clipboard();
        }
        // Closing the windows is the Quit path: the last one gone ends the run loop, and the run-event
        // handler clears again (a no-op now) and saves Demo's state.
        let windows = handle.webview_windows();
        if windows.is_empty() {
            handle.exit(0);
        }
        for window in windows.into_values() {
            if let Err(err) = window.close() {
                tracing::warn!(%err, "a window did not close; exiting");
                handle.exit(0);
            }
        }
    });
}

/// Windows has no SIGTERM; closing and logging off arrive as window events, which the run-event handler
/// already answers.
#[cfg(not(unix))]
pub fn quit_on_termination<R: tauri::Runtime>(_handle: tauri::AppHandle<R>) {}
