//! Where in the journey a user is, decided from the API itself (not from anything stored locally): the
//! screen the app opens on. A user who is approved and has accepted the agreements goes straight to the
//! wallet.

use machines_api::models::kyc::KycStatus;
use machines_api::{ApiError, UserClient};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "stage", rename_all = "camelCase")]
pub enum Stage {
    /// Fill in the KYC form.
    KycForm,
    /// The verification link must be opened and completed.
    Verification,
    /// Checks are running; poll.
    Waiting,
    /// Approved; the agreements are still to accept.
    Agreements,
    /// Ready: funding, balances and cards.
    Wallet,
    /// Denied, canceled or locked: nothing more can be done here.
    Blocked { status: String, reason: Option<String> },
}

/// Reads KYC status (and, once approved, the agreements) and says which screen comes next.
pub async fn current_stage(user: &UserClient) -> Result<Stage, ApiError> {
    let kyc = user.kyc_status().await?.data;
    Ok(match kyc.status {
        KycStatus::NotSubmitted => Stage::KycForm,
        KycStatus::NeedsVerification | KycStatus::NeedsInformation => Stage::Verification,
        KycStatus::Pending | KycStatus::ManualReview | KycStatus::Other(_) => Stage::Waiting,
        KycStatus::Denied | KycStatus::Canceled | KycStatus::Locked => Stage::Blocked {
            status: kyc.status.as_str().to_owned(),
            reason: kyc.reason.filter(|r| !r.trim().is_empty()),
        },
        KycStatus::Approved => {
            if user.agreements().await?.data.accepted {
                Stage::Wallet
            } else {
                Stage::Agreements
            }
        }
    })
}
