//! How WebKitGTK paints the window (Linux).
//!
//! WebKitGTK composites and paints through OpenGL. On a machine with no GPU driver (a virtual machine, a
//! remote desktop, Xvfb) OpenGL is Mesa's llvmpipe, which compiles every shader on the CPU with LLVM: the
//! first frame of the set-up screen then took 1 to 1.5 s of CPU in WebKit's painting thread, on top of a
//! start-up of about 0.5 s. Painting on the CPU directly costs no compilation at all. So when there is no
//! GPU, the window is told never to use hardware acceleration; with a GPU nothing changes.

use tauri::{Runtime, WebviewWindow};

/// Mesa's switch to software rendering, read the way Mesa reads a boolean option.
const ALWAYS_SOFTWARE: &str = "LIBGL_ALWAYS_SOFTWARE";

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

/// Paints `window` on the CPU when this machine has no GPU. Called once the window exists, before its
/// first frame.
pub fn choose_for<R: Runtime>(window: &WebviewWindow<R>) {
    if !this_machine_is_software_only() {
        return;
    }
    let applied = window.with_webview(|webview| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        if let Some(settings) = WebViewExt::settings(&webview.inner()) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
    match applied {
        Ok(()) => tracing::debug!("no GPU: WebKit paints on the CPU"),
        Err(err) => tracing::warn!(%err, "could not set WebKit's painting policy"),
    }
}

#[cfg(test)]
mod tests {
    use super::software_only;

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
}
