//! What the header and the first screen need to know about the app.

use wallet_core::app_view::AppStateView;
use wallet_core::environment::EnvironmentKind;
use wallet_core::error::{ErrorCode, UiError};

use super::AppState;

impl AppState {
    /// The environment, the lock, the account and the notes to show once. Connecting may start the Demo
    /// simulator. A missing partner key is not an error here: the view says so, and set-up asks for it;
    /// nor is a partner sign-in still to do: the view's `sign_in` says so, and the first screen asks.
    pub async fn view(&self) -> Result<AppStateView, UiError> {
        let settings = self.settings().await;
        let (environment, demo, api_host, has_partner_key) = match self.connect().await {
            Ok(connection) => (connection.environment.kind(), connection.is_demo(), connection.api_host.clone(), true),
            // A `MACHINES_API_URL` given without its key: the app talks to that server, not the settings' one.
            Err(err) if err.code == ErrorCode::PartnerKey && self.key_for_override_in_keychain().await => {
                (EnvironmentKind::Custom, false, String::new(), false)
            }
            Err(err) if err.code == ErrorCode::PartnerKey => {
                (EnvironmentKind::of_setting(&settings.environment), false, String::new(), false)
            }
            // Partner sign-in before the person signed in: the first screen is the sign-in, not an error.
            Err(err) if err.code == ErrorCode::SignInAgain => {
                let host = self.partner.as_ref().map(|p| p.config().machines_api.host()).unwrap_or_default();
                (EnvironmentKind::Partner, false, host, true)
            }
            Err(err) => return Err(err),
        };
        // Taken after connecting: starting Demo may have something to say (its saved data was unreadable).
        let notes = self.take_notes().await;
        Ok(AppStateView {
            environment,
            demo,
            api_host,
            locked: self.is_locked(),
            has_partner_key,
            needs_passphrase: self.needs_passphrase(demo).await,
            user_id: settings.user_id,
            wallet_address: settings.wallet_address,
            notes,
            sign_in: self.sign_in_view().await,
        })
    }
}
