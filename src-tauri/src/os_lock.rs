//! Locking when the OS says so (Linux): the screen saver turning on (`ActiveChanged(true)` of
//! `org.freedesktop.ScreenSaver` or `org.gnome.ScreenSaver` on the session bus) and the machine going to
//! sleep (logind's `PrepareForSleep(true)` on the system bus). Where a bus or service is missing the
//! watcher ends quietly: the idle lock still applies.

use futures_util::{Stream, StreamExt};
use zbus::message::Type;
use zbus::{Connection, MatchRule, MessageStream};

/// Why the OS asked for a lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsLock {
    ScreenLocked,
    Sleeping,
}

const SCREEN_SAVERS: [&str; 2] = ["org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver"];

/// Subscribes on `connection` to `member(bool)` signals of `interfaces` and yields `event` for each `true`.
async fn signals(
    connection: &Connection,
    interfaces: &'static [&'static str],
    member: &'static str,
    event: OsLock,
) -> zbus::Result<impl Stream<Item = OsLock> + use<>> {
    let rule = MatchRule::builder().msg_type(Type::Signal).member(member)?.build();
    let stream = MessageStream::for_match_rule(rule, connection, Some(16)).await?;
    Ok(stream.filter_map(move |message| async move {
        let message = message.ok()?;
        let header = message.header();
        let interface = header.interface()?.to_string();
        let on: bool = message.body().deserialize().ok()?;
        (interfaces.contains(&interface.as_str()) && on).then_some(event)
    }))
}

/// Screen-lock events on the session bus.
pub async fn screen_locks(session: &Connection) -> zbus::Result<impl Stream<Item = OsLock> + use<>> {
    signals(session, &SCREEN_SAVERS, "ActiveChanged", OsLock::ScreenLocked).await
}

/// Sleep events on the system bus.
pub async fn sleeps(system: &Connection) -> zbus::Result<impl Stream<Item = OsLock> + use<>> {
    signals(system, &["org.freedesktop.login1.Manager"], "PrepareForSleep", OsLock::Sleeping).await
}

/// Calls `on_lock` for every screen lock and sleep until the app ends.
pub async fn watch(on_lock: impl Fn(OsLock) + Clone + Send + Sync + 'static) {
    let screen = {
        let on_lock = on_lock.clone();
        async move {
            let Ok(session) = Connection::session().await else { return };
            let Ok(events) = screen_locks(&session).await else { return };
            events
                .for_each(|event| {
                    on_lock(event);
                    async {}
                })
                .await;
        }
    };
    let sleep = async move {
        let Ok(system) = Connection::system().await else { return };
        let Ok(events) = sleeps(&system).await else { return };
        events
            .for_each(|event| {
                on_lock(event);
                async {}
            })
            .await;
    };
    futures_util::future::join(screen, sleep).await;
}
