//! Whether this session lets an app type into another app's window: an X11 display with XTEST. A
//! Wayland session without X11 does not (no protocol there lets one client type into another's window
//! without a portal, which can come later); Wayland with XWayland reaches X11 apps only.

use wallet_core::fill::{NO_X11_REASON, XWAYLAND_CAVEAT};

use super::x11_window::X11Windows;

/// What the session is, from its variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Session {
    /// `DISPLAY` set, no `WAYLAND_DISPLAY`.
    X11,
    /// Both set: XWayland beside a Wayland compositor.
    XWayland,
    /// `WAYLAND_DISPLAY` only.
    WaylandOnly,
    /// Neither.
    NoDisplay,
}

impl Session {
    /// The session `lookup` describes (the app passes the process environment).
    pub fn from_env(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name: &str| lookup(name).is_some_and(|value| !value.is_empty());
        match (set("DISPLAY"), set("WAYLAND_DISPLAY")) {
            (true, false) => Self::X11,
            (true, true) => Self::XWayland,
            (false, true) => Self::WaylandOnly,
            (false, false) => Self::NoDisplay,
        }
    }
}

/// `Ok` with the caveat to show (XWayland), or `Err` with the reason Fill cannot work here.
pub fn availability(session: Session) -> Result<Option<String>, String> {
    match session {
        Session::WaylandOnly => return Err(NO_X11_REASON.to_owned()),
        Session::NoDisplay => {
            return Err("No X11 display is set for this app, so it cannot type into another window. Use the Copy \
                        buttons instead."
                .to_owned())
        }
        Session::X11 | Session::XWayland => {}
    }
    let windows = X11Windows::connect().map_err(|why| {
        format!("The X11 display could not be reached ({why}), so Fill cannot type. Use the Copy buttons instead.")
    })?;
    if !windows.has_xtest() {
        return Err(
            "The X11 server has no XTEST extension, which Fill types through. Use the Copy buttons instead.".to_owned()
        );
    }
    Ok((session == Session::XWayland).then(|| XWAYLAND_CAVEAT.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn a_wayland_session_without_x11_is_told_to_copy_instead() {
        let session = Session::from_env(env(&[("WAYLAND_DISPLAY", "wayland-0")]));
        assert_eq!(session, Session::WaylandOnly);
        let reason = availability(session).unwrap_err();
        assert!(reason.contains("Wayland") && reason.contains("Copy"), "{reason}");
    }

    #[test]
    fn no_display_at_all_is_unavailable_in_words() {
        let session = Session::from_env(env(&[("DISPLAY", "")]));
        assert_eq!(session, Session::NoDisplay);
        assert!(availability(session).unwrap_err().contains("No X11 display"));
    }

    #[test]
    fn both_variables_are_xwayland() {
        assert_eq!(Session::from_env(env(&[("DISPLAY", ":0"), ("WAYLAND_DISPLAY", "wayland-0")])), Session::XWayland);
        assert_eq!(Session::from_env(env(&[("DISPLAY", ":0")])), Session::X11);
    }
}
