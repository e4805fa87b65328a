//! How WebKitGTK paints the window (Linux).
//!
//! WebKitGTK composites and paints through OpenGL. On a machine with no GPU driver (a virtual machine, a
//! remote desktop, Xvfb) OpenGL is Mesa's llvmpipe, which compiles every shader on the CPU with LLVM: the
//! first frame of the set-up screen then took 1 to 1.5 s of CPU in WebKit's painting thread, on top of a
//! start-up of about 0.5 s. Painting on the CPU directly costs no compilation at all. So when there is no
//! GPU, WebKit is told not to composite; with a GPU nothing changes.
//!
//! It is told through `WEBKIT_DISABLE_COMPOSITING_MODE`, before it starts, and not through the webview's
//! own setting (`HardwareAccelerationPolicy::Never`), which Tauri lets us reach only once the webview
//! exists. By then WebKit's UI process has already set up EGL through llvmpipe, to offer the web process
//! buffers to composite into, before it even launches the web process: 70 to 110 ms of every start here.
//! The variable is read when WebKit starts, so it is set first thing in `main`, while the process has one
//! thread (`std::env::set_var` is safe in this workspace's edition 2021 on exactly that condition; see
//! `environment.rs`). Children inherit it: a WebKit browser opened for a link, on this machine with no
//! GPU, is spared the same compilation.
//!
//! Without compositing WebKit has a trap at start: when GTK draws the view before the page's first
//! paint, WebKit's UI process waits up to 500 ms for a frame the web process cannot give yet
//! (`DrawingAreaProxyCoordinatedGraphics::forceUpdateIfNeeded`), and the page loads no further meanwhile
//! (its files and commands are served on that same thread). That is why the window is created hidden and
//! shown by the page once its first screen is in place (`commands::app::show_window`).

/// Mesa's switch to software rendering, read the way Mesa reads a boolean option.
const ALWAYS_SOFTWARE: &str = "LIBGL_ALWAYS_SOFTWARE";

/// WebKit's switch for painting without compositing, read once when WebKit starts.
const DISABLE_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Whether OpenGL here can only be software: no DRM render node (`/dev/dri/renderD*`), or Mesa told to
/// render in software.
pub fn software_only(dri_entries: impl IntoIterator<Item = String>, always_software: Option<&str>) -> bool {
    let forced = always_software
        .is_some_and(|v| !matches!(v.to_ascii_lowercase().as_str(), "" | "0" | "n" | "no" | "f" | "false"));
    forced || !dri_entries.into_iter().any(|name| name.starts_with("renderD"))
}

fn this_machine_is_software_only() -> bool {
    let entries = std::fs::read_dir("/dev/dri")
        .map(|dir| dir.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect::<Vec<_>>())
        .unwrap_or_default();
    software_only(entries, std::env::var(ALWAYS_SOFTWARE).ok().as_deref())
}

/// Whether WebKit should be told not to composite: a machine with no GPU, unless the person already said
/// either way with the variable itself.
pub fn should_disable_compositing(already_set: bool, software_only: bool) -> bool {
    !already_set && software_only
}

/// Tells WebKit to paint on the CPU when this machine has no GPU. Call it first thing in `main`, before
/// any thread starts and before Tauri starts WebKit.
pub fn choose_before_start() {
    if should_disable_compositing(std::env::var_os(DISABLE_COMPOSITING).is_some(), this_machine_is_software_only()) {
        std::env::set_var(DISABLE_COMPOSITING, "1");
    }
}

/// Says in the log how WebKit paints, once the log exists (`choose_before_start` runs before it does).
pub fn log_choice() {
    match std::env::var_os(DISABLE_COMPOSITING) {
        Some(value) => {
            tracing::info!(value = %value.to_string_lossy(), "WebKit compositing is off: it paints on the CPU")
        }
        None => tracing::debug!("WebKit composites (a GPU, or nothing said)"),
    }
}

#[cfg(test)]
mod tests {
    use super::{should_disable_compositing, software_only};

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_render_node_means_a_gpu() {
        assert!(!software_only(names(&["card0", "renderD128", "by-path"]), None));
        assert!(!software_only(names(&["renderD129"]), Some("0")));
        assert!(!software_only(names(&["renderD128"]), Some("false")));
    }

    #[test]
    fn no_render_node_or_mesa_told_so_means_software() {
        assert!(software_only(names(&[]), None), "no /dev/dri (Xvfb, most VMs)");
        assert!(software_only(names(&["card0"]), None), "a display-only device cannot render");
        assert!(software_only(names(&["renderD128"]), Some("1")));
        assert!(software_only(names(&["renderD128"]), Some("true")));
    }

    #[test]
    fn the_persons_own_choice_is_kept() {
        assert!(should_disable_compositing(false, true), "no GPU, nothing said: paint on the CPU");
        assert!(!should_disable_compositing(true, true), "the variable already set (to anything) is theirs");
        assert!(!should_disable_compositing(false, false), "a GPU: WebKit's default");
    }
}
