//! What the test person types: a wallet address, and KYC answers the simulator accepts.

/// A valid EIP-55 wallet address.
pub const WALLET: &str = "0x462B1eD1B62F4c282c0EA342BCefcF8f9919226E";

/// The national id the answers give: a secret that must never reach a file or a log.
pub const NATIONAL_ID: &str = "123-45-6789";

/// Every KYC input (by id) and its answer. The last name decides the simulator's outcome
/// (`TestApproved`, `TestDenied`, …; any other name needs verification).
pub fn kyc_answers(last_name: &str) -> Vec<(&'static str, String)> {
    [
        ("kyc-firstName", "Ada"),
        ("kyc-lastName", last_name),
        ("kyc-birthDate", "1990-01-01"),
        ("kyc-nationalId", NATIONAL_ID),
        ("kyc-countryOfIssue", "US"),
        ("kyc-email", "ada@example.com"),
        ("kyc-occupation", "49-3023"),
        ("kyc-annualSalary", "50k\u{2013}99k"),
        ("kyc-accountPurpose", "everyday spend"),
        ("kyc-expectedMonthlyVolume", "$1k\u{2013}$5k"),
        ("kyc-address__line1", "123 Main St"),
        ("kyc-address__city", "New York"),
        ("kyc-address__region", "NY"),
        ("kyc-address__postalCode", "10001"),
        ("kyc-address__countryCode", "US"),
    ]
    .into_iter()
    .map(|(id, value)| (id, value.to_owned()))
    .collect()
}
