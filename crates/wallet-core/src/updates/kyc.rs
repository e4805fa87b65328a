//! Watching the KYC status until it settles (approved, denied, canceled, locked).

use machines_api::poll::{self, PollControl, PollEvent, PollPolicy};
use machines_api::{ApiError, UserClient};

use super::{millis, Gate, KycUpdate};
use crate::error::UiError;
use crate::kyc_view::kyc_view;

/// Checks `user`'s KYC status now and then as `policy` says, each check waiting for `gate`, and tells
/// `sink` what it finds. Ends at a terminal status, on an error waiting cannot mend (told as
/// [`KycUpdate::Stopped`]), when `control` is cancelled, or when `sink` answers that nobody listens.
pub async fn watch_kyc(
    user: &UserClient,
    policy: &PollPolicy,
    control: &PollControl,
    gate: &Gate,
    mut sink: impl FnMut(KycUpdate) -> bool,
) {
    let fetch = || {
        let mut gate = gate.clone();
        async move {
            gate.opened().await;
            user.kyc_status().await
        }
    };
    // Whether a status has reached the screen yet; the first check is one the person opened the screen for.
    let mut shown = false;
    let on_event = |event: PollEvent<'_, _>| {
        let update = match event {
            PollEvent::Update(state) => {
                shown = true;
                KycUpdate::Status { view: kyc_view(state) }
            }
            PollEvent::Retrying(error) => KycUpdate::Retrying { error: UiError::from(error) },
            // Before the first status the screen has nothing to show but this: the person is told.
            PollEvent::SlowedDown(error, _) if !shown => KycUpdate::Retrying { error: UiError::from(error) },
            PollEvent::SlowedDown(_, wait) => KycUpdate::SlowedDown { next_check_in_ms: millis(wait) },
        };
        if !sink(update) {
            control.cancel();
        }
    };
    let result = poll::watch(policy, control, fetch, |state| state.status.is_terminal(), on_event).await;
    match result {
        Ok(_) | Err(ApiError::Cancelled) => {}
        Err(error) => {
            sink(KycUpdate::Stopped { error: UiError::from(&error) });
        }
    }
}
