//! Fill: one fill at a time, from the press to the last key. Armed, it watches the active window (every
//! 100 ms, on the blocking pool); once another app's window is active it counts down the start delay
//! (again from the start when the window changes, back to waiting when ours comes back); at the end it
//! fetches the card's details, builds the plan and types it, asking before every key whether the fill was
//! cancelled, the app locked or the window changed. The digits exist only between the reveal and the last
//! key: the plan wipes itself when dropped, and the page never gets them.
//!
//! A new fill cancels the one before. A lock cancels it (`AppState::mark_locked`), and so do Escape (taken
//! from every app by the fill's window reader while it lives), the Cancel button, and a minute with no
//! other window active.
//! The desktop is a [`Desktop`], so all of this runs in tests over a fake one.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use machines_api::UserClient;
use tokio_util::sync::CancellationToken;
use wallet_core::activity::ActivityEvent;
use wallet_core::card_view::card_view;
use wallet_core::error::{ErrorCode, UiAction, UiError};
use wallet_core::fill::{
    type_plan, window_title, FillAvailability, FillCard, FillCardLabel, FillField, FillGuard, FillMode, FillPlan,
    FillScope, FillSettings, FillStop, FillUpdate, Interrupted, KeySink, ARMED_TIMEOUT, NEXT_FIELD_KEPT,
};

use super::{ui, AppState};
use crate::fill::{held, ActiveWindow, ActiveWindows, Desktop, NoDesktop, OwnWindows};
use crate::unlock::{Gate, SecretUse};

/// How a fill's clock runs: the app's are the product's, tests shorten them.
#[derive(Debug, Clone, Copy)]
pub struct FillTimings {
    /// How often the active window is read while armed.
    pub poll: Duration,
    /// How long an armed fill waits for another window before it gives up.
    pub armed_timeout: Duration,
    /// How long, in per-field mode, the next field stays the shortcut's.
    pub next_kept: Duration,
    /// How long a key waits for Shift, Ctrl, Alt or Super to be let go (the shortcut's Ctrl+Alt, still
    /// down as the typing starts) before the fill stops.
    pub modifier_wait: Duration,
}

impl Default for FillTimings {
    fn default() -> Self {
        Self {
            poll: Duration::from_millis(100),
            armed_timeout: ARMED_TIMEOUT,
            next_kept: NEXT_FIELD_KEPT,
            modifier_wait: Duration::from_secs(3),
        }
    }
}

/// Where a window's title is empty.
const NO_TITLE: &str = "a window without a title";

/// The UI's listener: `false` once nobody listens.
type Listener = Box<dyn FnMut(FillUpdate) -> bool + Send>;

/// Fill's state in the app: the desktop, the listener, the fill under way and the next field.
pub struct Fills {
    shared: Arc<Shared>,
}

struct Shared {
    desktop: Arc<dyn Desktop>,
    timings: FillTimings,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    listener: Option<Listener>,
    current: Option<Ticket>,
    next: Option<NextField>,
    serial: u64,
}

/// Per-field mode: the field the next press of the shortcut types, and until when.
struct NextField {
    card: FillCardLabel,
    field: FillField,
    until: Instant,
}

/// One fill's handle: cancelling it says why.
#[derive(Clone)]
struct Ticket {
    serial: u64,
    token: CancellationToken,
    why: Arc<Mutex<Option<FillStop>>>,
}

impl Ticket {
    fn new(serial: u64) -> Self {
        Self { serial, token: CancellationToken::new(), why: Arc::new(Mutex::new(None)) }
    }

    /// Stops the fill; the first reason given is the one told.
    fn cancel(&self, why: FillStop) {
        held(&self.why).get_or_insert(why);
        self.token.cancel();
    }

    fn stopped(&self) -> Option<FillStop> {
        self.token.is_cancelled().then(|| held(&self.why).clone().unwrap_or(FillStop::Cancelled))
    }
}

impl Fills {
    pub fn new(desktop: Arc<dyn Desktop>, timings: FillTimings) -> Self {
        let shared = Shared { desktop, timings, inner: Mutex::new(Inner::default()) };
        Self { shared: Arc::new(shared) }
    }

    /// The desktop fills run on.
    pub fn desktop(&self) -> &Arc<dyn Desktop> {
        &self.shared.desktop
    }

    /// Stops the fill under way, if any, for `why`. A lock or Cancel also forgets the next field.
    pub fn cancel(&self, why: FillStop) {
        let mut inner = held(&self.shared.inner);
        inner.next = None;
        if let Some(current) = &inner.current {
            current.cancel(why);
        }
    }
}

impl Default for Fills {
    fn default() -> Self {
        Self::new(Arc::new(NoDesktop), FillTimings::default())
    }
}

impl Shared {
    /// Tells the listener, dropping it once it stops listening.
    fn tell(&self, update: FillUpdate) {
        Self::tell_in(&mut held(&self.inner), update);
    }

    fn tell_in(inner: &mut Inner, update: FillUpdate) {
        if let Some(listener) = inner.listener.as_mut() {
            if !listener(update) {
                inner.listener = None;
            }
        }
    }

    /// Tells the listener about fill `serial` only while it is the fill under way: a replaced fill's news
    /// would land after its successor's.
    fn tell_current(&self, serial: u64, update: FillUpdate) {
        let mut inner = held(&self.inner);
        if inner.current.as_ref().is_some_and(|t| t.serial == serial) {
            Self::tell_in(&mut inner, update);
        }
    }
}

/// What one fill types, for whom, with what.
struct Job {
    ticket: Ticket,
    card: FillCardLabel,
    scope: FillScope,
    settings: FillSettings,
    user: Arc<UserClient>,
    gate: Arc<Gate>,
    locked: Arc<AtomicBool>,
}

impl Job {
    fn should_stop(&self) -> Option<FillStop> {
        lock_or_cancel(&self.locked, &self.ticket)
    }

    fn stopped(&self, stop: FillStop) -> FillUpdate {
        FillUpdate::stopped(Some(self.card.clone()), stop)
    }

    fn start_delay(&self) -> Duration {
        Duration::from_millis(u64::from(self.settings.start_delay_ms))
    }
}

/// Why a fill must stop before its next step, if it must: the lock first, then a cancel (with its reason).
fn lock_or_cancel(locked: &AtomicBool, ticket: &Ticket) -> Option<FillStop> {
    if locked.load(Ordering::SeqCst) {
        return Some(FillStop::Locked);
    }
    ticket.stopped()
}

/// The title as the person reads it while a fill waits and types.
fn shown_title(window: &ActiveWindow) -> String {
    let title = window_title::shown(window.title.as_deref().unwrap_or_default());
    if title.is_empty() {
        NO_TITLE.to_owned()
    } else {
        title
    }
}

/// Runs `read` on the blocking pool with the window reader, and gives the reader back.
async fn on_blocking_pool<T: Send + 'static>(
    mut windows: Box<dyn ActiveWindows>,
    read: impl FnOnce(&mut dyn ActiveWindows) -> T + Send + 'static,
) -> Result<(Box<dyn ActiveWindows>, T), FillStop> {
    tokio::task::spawn_blocking(move || {
        let value = read(&mut *windows);
        (windows, value)
    })
    .await
    .map_err(|_| FillStop::input("reading the active window failed"))
}

/// Asked before every key, on the typing thread.
struct Guard<'a> {
    job_ticket: Ticket,
    locked: Arc<AtomicBool>,
    windows: &'a mut dyn ActiveWindows,
    own: OwnWindows,
    target: u32,
    modifier_wait: Duration,
}

/// How often a key waiting for a modifier's release looks again.
const MODIFIER_POLL: Duration = Duration::from_millis(20);

impl Guard<'_> {
    /// The cancel, the lock, Escape and the window: any of them stops the fill.
    fn may_go_on(&mut self) -> Result<(), FillStop> {
        if let Some(stop) = lock_or_cancel(&self.locked, &self.job_ticket) {
            return Err(stop);
        }
        if self.windows.escape_pressed() {
            return Err(FillStop::Cancelled);
        }
        match self.windows.active() {
            Ok(Some(window)) if window.id == self.target && !window.is_ours(&self.own) => Ok(()),
            Ok(_) => Err(FillStop::WindowChanged),
            Err(why) => Err(FillStop::input(&why)),
        }
    }
}

impl FillGuard for Guard<'_> {
    /// Waits (asking again all the while) as long as a modifier is held: a digit typed with Ctrl or Alt
    /// down is a shortcut of the page, with Shift another character.
    fn check(&mut self) -> Result<(), FillStop> {
        let deadline = Instant::now() + self.modifier_wait;
        loop {
            self.may_go_on()?;
            if !self.windows.modifiers_held().map_err(|why| FillStop::input(&why))? {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(FillStop::input("Ctrl, Alt, Shift or Super stayed held down"));
            }
            std::thread::sleep(MODIFIER_POLL);
        }
    }
}

/// The keyboard, counting the keys that went out: a fill that sent none writes no activity line.
struct Counted<'a> {
    keyboard: &'a mut dyn KeySink,
    sent: usize,
}

impl KeySink for Counted<'_> {
    fn char(&mut self, c: char) -> Result<(), String> {
        self.keyboard.char(c)?;
        self.sent += 1;
        Ok(())
    }

    fn tab(&mut self) -> Result<(), String> {
        self.keyboard.tab()?;
        self.sent += 1;
        Ok(())
    }
}

/// Runs one fill to its end (its window reader, and with it Escape, let go), then tells how it ended.
async fn run(shared: Arc<Shared>, job: Job) {
    let end = drive(&shared, &job).await;
    {
        let mut inner = held(&shared.inner);
        if inner.current.as_ref().is_some_and(|t| t.serial == job.ticket.serial) {
            inner.current = None;
            if let FillUpdate::Typed { next: Some(field), .. } = &end {
                let until = Instant::now() + shared.timings.next_kept;
                inner.next = Some(NextField { card: job.card.clone(), field: *field, until });
            }
            Shared::tell_in(&mut inner, end);
        }
    }
}

/// Waits for another window, counts down, types. Returns the last update: `Typed` or `Stopped`.
async fn drive(shared: &Shared, job: &Job) -> FillUpdate {
    let desktop = shared.desktop.clone();
    let (windows, own) = match tokio::task::spawn_blocking(move || (desktop.windows(), desktop.own_windows())).await {
        Ok((Ok(windows), own)) => (windows, own),
        Ok((Err(why), _)) => return job.stopped(FillStop::input(&why)),
        Err(_) => return job.stopped(FillStop::input("reading the active window failed")),
    };
    match wait_for_target(shared, job, windows, &own).await {
        Ok((windows, target)) => type_into(shared, job, windows, own, target).await,
        Err(stop) => job.stopped(stop),
    }
}

/// Armed: waits for another app's window to be active for the whole start delay.
async fn wait_for_target(
    shared: &Shared,
    job: &Job,
    mut windows: Box<dyn ActiveWindows>,
    own: &OwnWindows,
) -> Result<(Box<dyn ActiveWindows>, ActiveWindow), FillStop> {
    let serial = job.ticket.serial;
    let (card, scope) = (job.card.clone(), job.scope);
    shared.tell_current(serial, FillUpdate::Waiting { card: card.clone(), scope });
    let mut waiting_since = Instant::now();
    // The window counted down to, the title shown for it and when the countdown began.
    let mut counting: Option<(ActiveWindow, String, Instant)> = None;
    loop {
        if let Some(stop) = job.should_stop() {
            return Err(stop);
        }
        let (back, (active, escape)) =
            on_blocking_pool(windows, |windows| (windows.active(), windows.escape_pressed())).await?;
        windows = back;
        if escape {
            return Err(FillStop::Cancelled);
        }
        let active = active.map_err(|why| FillStop::input(&why))?;
        let now = Instant::now();
        match active.filter(|window| !window.is_ours(own)) {
            None => {
                if counting.take().is_some() {
                    waiting_since = now;
                    shared.tell_current(serial, FillUpdate::Waiting { card: card.clone(), scope });
                }
                if now.duration_since(waiting_since) >= shared.timings.armed_timeout {
                    return Err(FillStop::TimedOut);
                }
            }
            Some(window) => {
                let same = counting.as_ref().is_some_and(|(target, _, _)| target.id == window.id);
                if !same {
                    counting = Some((window.clone(), String::new(), now));
                }
                if let Some((target, title, since)) = counting.as_mut() {
                    let left = job.start_delay().saturating_sub(now.duration_since(*since));
                    if left.is_zero() {
                        return Ok((windows, window));
                    }
                    // A new window, or the same one with a new title (a page finished loading).
                    let window_title = shown_title(&window);
                    if *title != window_title {
                        *title = window_title.clone();
                        *target = window;
                        let starts_in_ms = u32::try_from(left.as_millis()).unwrap_or(u32::MAX);
                        let update = FillUpdate::Counting { card: card.clone(), scope, window_title, starts_in_ms };
                        shared.tell_current(serial, update);
                    }
                }
            }
        }
        let wait = match &counting {
            Some((_, _, since)) => {
                let left = job.start_delay().saturating_sub(since.elapsed());
                shared.timings.poll.min(left.max(Duration::from_millis(1)))
            }
            None => shared.timings.poll,
        };
        tokio::select! {
            () = job.ticket.token.cancelled() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// The countdown ended on `target`: fetch the card, build the plan, type it.
async fn type_into(
    shared: &Shared,
    job: &Job,
    mut windows: Box<dyn ActiveWindows>,
    own: OwnWindows,
    target: ActiveWindow,
) -> FillUpdate {
    if let Some(stop) = job.should_stop() {
        return job.stopped(stop);
    }
    let raw_title = target.title.clone().unwrap_or_default();
    let reveal = match job.user.reveal_card(&job.card.id).await {
        Ok(reveal) => reveal,
        Err(err) => return job.stopped(FillStop::reveal_failed(&ui(err))),
    };
    let mut logged = ActivityEvent::filled(job.scope, reveal.numbers.pan.expose(), &raw_title, true);
    let card = FillCard::from_reveal(&reveal);
    drop(reveal);
    let plan = match card {
        Ok(card) => FillPlan::build(&card, job.scope, &job.settings),
        Err(err) => return job.stopped(FillStop::card_details(err)),
    };
    // The reveal may have waited on a slow server while the person locked or pressed Escape.
    if let Some(stop) = job.should_stop() {
        return job.stopped(stop);
    }
    let window_title = shown_title(&target);
    let (card, scope) = (job.card.clone(), job.scope);
    shared.tell_current(job.ticket.serial, FillUpdate::Typing { card, scope, window_title: window_title.clone() });
    let desktop = shared.desktop.clone();
    let (ticket, locked, modifier_wait) = (job.ticket.clone(), job.locked.clone(), shared.timings.modifier_wait);
    let typed = tokio::task::spawn_blocking(move || {
        let mut keyboard = match desktop.keyboard() {
            Ok(keyboard) => keyboard,
            Err(why) => return (Err(Interrupted { typed: Vec::new(), stop: FillStop::input(&why) }), 0),
        };
        let mut counted = Counted { keyboard: &mut *keyboard, sent: 0 };
        let mut guard =
            Guard { job_ticket: ticket, locked, windows: &mut *windows, own, target: target.id, modifier_wait };
        // The plan is dropped (and wiped) on this thread as the closure ends, the keyboard with it (enigo
        // gives back the keys it bound).
        let typed = type_plan(&plan, &mut counted, &mut guard, &mut std::thread::sleep);
        (typed, counted.sent)
    })
    .await
    .unwrap_or_else(|_| (Err(Interrupted { typed: Vec::new(), stop: FillStop::input("the typing thread failed") }), 0));
    match typed {
        (Ok(()), _) => {
            job.gate.record(&logged);
            let next = match (job.settings.mode, job.scope) {
                (FillMode::PerField, FillScope::One(field)) => field.next(),
                _ => None,
            };
            FillUpdate::Typed { card: job.card.clone(), scope: job.scope, window_title, next }
        }
        (Err(Interrupted { stop, .. }), sent) => {
            if sent > 0 {
                if let ActivityEvent::Filled { complete, .. } = &mut logged {
                    *complete = false;
                }
                job.gate.record(&logged);
            }
            job.stopped(stop)
        }
    }
}

impl AppState {
    /// Arms a fill of card `id`: `field`, or what the mode types first (everything in a sequence, the
    /// number per field). Returns once armed; the rest comes down the listener. A fill under way is
    /// cancelled.
    pub async fn start_fill(&self, id: &str, field: Option<FillField>) -> Result<(), UiError> {
        self.ensure_unlocked()?;
        let availability = self.fill_availability().await;
        if !availability.available {
            return Err(UiError::fill_unavailable(availability.reason.as_deref().unwrap_or_default()));
        }
        let user = self.user().await?;
        self.authorize_secret(SecretUse::Fill).await?;
        let settings = self.settings().await.fill;
        let scope = field.map_or(FillScope::first(settings.mode), FillScope::One);
        let card = fill_label(&user, id).await?;
        let shared = self.fill.shared.clone();
        let ticket = {
            let mut inner = held(&shared.inner);
            inner.serial += 1;
            let ticket = Ticket::new(inner.serial);
            if let Some(before) = inner.current.replace(ticket.clone()) {
                before.cancel(FillStop::Cancelled);
            }
            inner.next = None;
            ticket
        };
        let job = Job { ticket, card, scope, settings, user, gate: self.gate.clone(), locked: self.locked.clone() };
        tokio::spawn(run(shared, job));
        Ok(())
    }

    /// Escape or the Cancel button: stops the fill under way and forgets the next field.
    pub fn cancel_fill(&self) {
        self.fill.cancel(FillStop::Cancelled);
    }

    /// The Fill shortcut: nothing while locked; the next field of a per-field fill, if one is kept;
    /// otherwise the main window comes to the front with the card picker.
    pub async fn shortcut_pressed(&self) {
        if self.is_locked() {
            return;
        }
        let next = {
            let mut inner = held(&self.fill.shared.inner);
            inner.next.take().filter(|next| Instant::now() < next.until)
        };
        if let Some(next) = next {
            if let Err(err) = self.start_fill(&next.card.id, Some(next.field)).await {
                self.fill.shared.tell(FillUpdate::stopped(Some(next.card), FillStop::reveal_failed(&err)));
            }
            return;
        }
        let desktop = self.fill.desktop().clone();
        if tokio::task::spawn_blocking(move || desktop.raise_main_window()).await.is_err() {
            tracing::warn!("the main window could not be brought to the front");
        }
        self.fill.shared.tell(FillUpdate::Pick);
    }

    /// Whether Fill can type here, and the shortcut that starts it.
    pub async fn fill_availability(&self) -> FillAvailability {
        let desktop = self.fill.desktop().clone();
        let answer = tokio::task::spawn_blocking(move || (desktop.availability(), desktop.shortcut())).await;
        match answer {
            Ok((Ok(caveat), shortcut)) => FillAvailability { available: true, reason: caveat, shortcut },
            Ok((Err(reason), _)) => FillAvailability { available: false, reason: Some(reason), shortcut: None },
            Err(_) => FillAvailability {
                available: false,
                reason: Some("The app could not tell whether it can type here. Use the Copy buttons.".to_owned()),
                shortcut: None,
            },
        }
    }

    /// Registers the Fill shortcut the settings name, as the app starts. One the desktop refuses (another
    /// app holds it) becomes a note; the person can choose another in Settings. Where Fill cannot type,
    /// no shortcut is taken.
    pub async fn register_fill_shortcut(&self) {
        let Some(accelerator) = self.settings().await.fill.shortcut else { return };
        if !self.fill_availability().await.available {
            return;
        }
        if let Err(err) = self.set_fill_shortcut(Some(&accelerator)).await {
            self.add_notes([format!(
                "The Fill shortcut {accelerator} is not available: {} Choose another in Settings.",
                err.message
            )])
            .await;
        }
    }

    /// The page listens for fills from now on (a reload replaces the listener before).
    pub fn listen_fill(&self, listener: impl FnMut(FillUpdate) -> bool + Send + 'static) {
        held(&self.fill.shared.inner).listener = Some(Box::new(listener));
    }
}

/// The card as a fill names it: its label and last four, read before any countdown so a card that cannot
/// be filled is refused at the press.
async fn fill_label(user: &UserClient, id: &str) -> Result<FillCardLabel, UiError> {
    let card = user.get_card(id).await.map_err(ui)?.data;
    let label = match card.encrypted_name.as_ref() {
        Some(name) => user.decrypt(name).await.ok().map(|text| text.data),
        None => None,
    };
    let view = card_view(&card, label);
    if !view.can_reveal {
        return Err(UiError::new(
            ErrorCode::InvalidState,
            "This card cannot be filled",
            format!("A card that is {} has no details to type.", view.status_text.to_lowercase()),
            UiAction::Dismiss,
        ));
    }
    Ok(FillCardLabel::new(id, view.label, view.last4.as_deref().unwrap_or_default()))
}
