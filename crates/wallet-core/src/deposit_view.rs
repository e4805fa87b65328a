//! A deposit as the Fund screen shows it: the address in EIP-55 form and in reading groups, the memo,
//! the minimum, the warning, and for EVM routes an EIP-681 payment URI with its QR code.

use std::str::FromStr;

use alloy_primitives::Address;
use machines_api::models::deposits::{Deposit, DepositStatus};
use qrcode::render::svg;
use qrcode::QrCode;

use crate::money::format_asset_amount;

/// Smallest side of the QR image in pixels: big enough for a phone camera at arm's length on a laptop
/// screen. The renderer picks a whole number of pixels per module, so the result may be a little larger.
const QR_MIN_SIZE: u32 = 240;

/// A deposit for the web UI. Public data only: a deposit address is meant to be shared.
#[derive(Debug, Clone, PartialEq, serde::Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DepositView {
    pub id: String,
    /// The wire status, as sent.
    pub status: String,
    pub status_text: String,
    /// Not finished yet (unknown statuses count as in progress unless they look final, spec Q14).
    pub in_progress: bool,
    pub succeeded: bool,
    pub failed: bool,
    /// The deposit has no address yet: keep polling until it arrives (spec Q15).
    pub awaiting_address: bool,
    /// EVM addresses in EIP-55 checksum form; other formats as the API sent them.
    pub address: Option<String>,
    /// The address split for reading: `["0x969A", "9c0f", "De4a", …]`.
    pub address_groups: Vec<String>,
    /// `"Base"`, `"Base Sepolia"`, …; the network id as sent when we have no name for it, or empty.
    pub network_label: String,
    pub chain_id: Option<u32>,
    /// Upper-case ticker (`"USDC"`), or empty when the API did not say.
    pub currency: String,
    /// `"1 USDC"`: the smallest amount the route accepts, in asset units.
    pub minimum_text: Option<String>,
    /// The memo / destination tag the sending network needs (`payinExtraId`). Without it the deposit
    /// can't be matched, so the UI shows it as prominently as the address.
    pub memo: Option<String>,
    pub warning: String,
    /// EIP-681 `ethereum:` transfer URI, for EVM routes whose token contract is known.
    pub payment_uri: Option<String>,
    /// The payment URI as a self-contained SVG QR code.
    pub qr_svg: Option<String>,
}

/// `0x` followed by exactly 40 hex digits.
fn looks_evm(address: &str) -> bool {
    address.len() == 42
        && address.starts_with("0x")
        && address.as_bytes().get(2..).is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
}

/// The EIP-55 form of an EVM address, or `None` if `address` isn't one. An all-lower or all-upper
/// address carries no checksum and is converted; a mixed-case one must already match its checksum.
/// A mismatch means the text was altered somewhere, so we would rather show it as given and offer no
/// QR code than silently "fix" it into an address nobody checked.
fn checksummed(address: &str) -> Option<String> {
    let address = address.trim();
    if !looks_evm(address) {
        return None;
    }
    let parsed = Address::from_str(address).ok()?;
    let checksum = parsed.to_checksum(None);
    let hex = address.get(2..)?;
    let mixed_case = hex.bytes().any(|b| b.is_ascii_lowercase()) && hex.bytes().any(|b| b.is_ascii_uppercase());
    (!mixed_case || checksum == address).then_some(checksum)
}

/// Splits an address into groups of four for reading it against a wallet's screen. EVM addresses keep
/// `0x` on the first group. Short non-EVM ids (Hedera's `0.0.123456`) stay whole; splitting them would
/// only make them harder to read.
fn reading_groups(address: &str, evm: bool) -> Vec<String> {
    let (prefix, body) = match address.strip_prefix("0x") {
        Some(body) if evm => ("0x", body),
        _ => ("", address),
    };
    if !evm && (address.chars().count() <= 12 || address.contains(char::is_whitespace)) {
        return vec![address.to_owned()];
    }
    let chars: Vec<char> = body.chars().collect();
    chars
        .chunks(4)
        .enumerate()
        .map(|(index, chunk)| {
            let group: String = chunk.iter().collect();
            if index == 0 {
                format!("{prefix}{group}")
            } else {
                group
            }
        })
        .collect()
}

/// A name for the chain, when we know it. Chain ids win over network ids because they tell mainnet and
/// testnet apart (the sandbox's `base` is Base Sepolia, 84532).
fn chain_name(chain_id: u64) -> Option<&'static str> {
    Some(match chain_id {
        1 => "Ethereum",
        10 => "OP Mainnet",
        56 => "BNB Smart Chain",
        137 => "Polygon",
        8453 => "Base",
        42161 => "Arbitrum One",
        84532 => "Base Sepolia",
        11155111 => "Sepolia",
        _ => return None,
    })
}

fn network_name(network: &str) -> Option<&'static str> {
    Some(match network.to_ascii_lowercase().as_str() {
        "base" => "Base",
        "eth" | "ethereum" => "Ethereum",
        "arbitrum" | "arb" => "Arbitrum One",
        "optimism" | "op" => "OP Mainnet",
        "polygon" | "matic" => "Polygon",
        "bsc" | "bnb" => "BNB Smart Chain",
        "sol" | "solana" => "Solana",
        "trx" | "tron" => "Tron",
        "hbar" | "hedera" => "Hedera",
        "btc" | "bitcoin" => "Bitcoin",
        _ => return None,
    })
}

fn network_label(network: Option<&str>, chain_id: Option<u64>) -> String {
    let network = network.map(str::trim).filter(|n| !n.is_empty());
    chain_id
        .and_then(chain_name)
        .or_else(|| network.and_then(network_name))
        .map(str::to_owned)
        .or_else(|| network.map(str::to_owned))
        .unwrap_or_default()
}

fn status_text(status: &DepositStatus, has_address: bool) -> String {
    match status {
        DepositStatus::Pending if !has_address => "Preparing your deposit address".to_owned(),
        DepositStatus::Pending | DepositStatus::AwaitingDeposit => "Waiting for your deposit".to_owned(),
        DepositStatus::Processing => "Deposit received, processing".to_owned(),
        DepositStatus::Completed => "Completed".to_owned(),
        DepositStatus::Failed => "Failed".to_owned(),
        DepositStatus::Canceled => "Canceled".to_owned(),
        DepositStatus::Other(raw) => other_status_text(status, raw).to_owned(),
    }
}

/// Words for a status the contract does not list (spec Q14: the list is not exhaustive; `confirming`,
/// `finished`, `refunded`… come from the exchange behind some routes). The wire value is never shown: a
/// value we know gets its own words, any other what it means for the person (still moving, arrived, or
/// ended without arriving).
fn other_status_text(status: &DepositStatus, raw: &str) -> &'static str {
    let key: String = raw.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    match key.as_str() {
        "waiting" | "new" => "Waiting for your deposit",
        "confirming" | "verifying" => "Deposit seen, confirming",
        "exchanging" | "sending" => "Deposit received, converting",
        "refunded" => "Refunded to the sender",
        "expired" => "Expired: nothing arrived in time",
        _ if status.is_success() => "Completed",
        _ if status.is_terminal() => "Ended without arriving",
        _ => "In progress",
    }
}

/// The Fund screen's view of `deposit`. `token_contract` is the route's token (from the assets list,
/// `networks[].tokenContract`); without it there is no payment URI or QR code, because a QR naming only
/// the address would let a wallet default to sending the chain's native coin instead of the token.
///
/// Finished deposits keep their address for reference but lose the URI and QR code: the address
/// belongs to this deposit only, and nothing should invite a second transfer to it.
pub fn deposit_view(deposit: &Deposit, token_contract: Option<&str>) -> DepositView {
    let raw_address = deposit.deposit_address.as_deref().map(str::trim).filter(|a| !a.is_empty());
    let evm_address = raw_address.and_then(checksummed);
    let address = evm_address.clone().or_else(|| raw_address.map(str::to_owned));
    let address_groups = match (&evm_address, raw_address) {
        (Some(evm), _) => reading_groups(evm, true),
        (None, Some(other)) => reading_groups(other, false),
        (None, None) => Vec::new(),
    };

    let status = &deposit.status;
    let terminal = status.is_terminal();
    let succeeded = status.is_success();
    let currency = deposit.from_currency.as_deref().map(str::trim).unwrap_or_default().to_uppercase();
    let network = network_label(deposit.from_network.as_deref(), deposit.chain_id);
    let memo = deposit.payin_extra_id.as_deref().map(str::trim).filter(|m| !m.is_empty()).map(str::to_owned);
    let minimum_text =
        deposit.min_amount.filter(|min| min.is_finite() && *min > 0.0).map(|min| format_asset_amount(min, &currency));

    let payment_uri = match (&evm_address, deposit.chain_id, token_contract.and_then(checksummed)) {
        (Some(to), Some(chain_id), Some(token)) if !terminal => Some(payment_uri(&token, chain_id, to, None)),
        _ => None,
    };
    let qr_svg = payment_uri.as_deref().and_then(qr_svg);

    DepositView {
        id: deposit.id.clone(),
        status: status.as_str().to_owned(),
        status_text: status_text(status, address.is_some()),
        in_progress: !terminal,
        succeeded,
        failed: terminal && !succeeded,
        awaiting_address: !terminal && address.is_none(),
        warning: warning(&currency, &network, memo.as_deref()),
        address,
        address_groups,
        network_label: network,
        chain_id: deposit.chain_id.and_then(|id| u32::try_from(id).ok()),
        currency,
        minimum_text,
        memo,
        payment_uri,
        qr_svg,
    }
}

/// "Send only USDC on Base to this address. It belongs to this deposit only.", plus the memo rule.
fn warning(currency: &str, network: &str, memo: Option<&str>) -> String {
    let currency = if currency.is_empty() { "the deposit's asset" } else { currency };
    let network = if network.is_empty() { "the deposit's network" } else { network };
    let mut text = format!("Send only {currency} on {network} to this address. It belongs to this deposit only.");
    if let Some(memo) = memo {
        text.push_str(&format!(" Include the memo {memo} with your transfer, or the deposit can't be matched to you."));
    }
    text
}

/// An EIP-681 ERC-20 transfer request:
/// `ethereum:<token>@<chainId>/transfer?address=<to>[&uint256=<amount in base units>]`.
///
/// Both addresses are written in EIP-55 form. This builds text only: callers pass addresses they have
/// validated (as [`deposit_view`] does); a value that is not an EVM address is left as given.
pub fn payment_uri(token_contract: &str, chain_id: u64, to: &str, amount_base_units: Option<u128>) -> String {
    let token = checksummed(token_contract).unwrap_or_else(|| token_contract.trim().to_owned());
    let to = checksummed(to).unwrap_or_else(|| to.trim().to_owned());
    let mut uri = format!("ethereum:{token}@{chain_id}/transfer?address={to}");
    if let Some(amount) = amount_base_units {
        uri.push_str(&format!("&uint256={amount}"));
    }
    uri
}

/// `text` as a QR code in a self-contained SVG: black modules on white, with the standard quiet zone,
/// at least 240 px square. The XML declaration is removed so the markup can be inlined in the page.
/// The SVG contains only generated geometry (none of `text` appears in it), so inlining it is safe.
/// `None` for empty text or text too long for a QR code.
pub fn qr_svg(text: &str) -> Option<String> {
    if text.is_empty() {
        return None;
    }
    let code = QrCode::new(text.as_bytes()).ok()?;
    let image = code
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .min_dimensions(QR_MIN_SIZE, QR_MIN_SIZE)
        .dark_color(svg::Color("#000"))
        .light_color(svg::Color("#fff"))
        .build();
    let start = image.find("<svg")?;
    Some(image[start..].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SEED_ADDRESS: &str = "0x969A9c0fDe4aD175A6539Ac7Bb6aB0bC3d7e66d3";
    const BASE_USDC: &str = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";

    fn deposit(value: serde_json::Value) -> Deposit {
        serde_json::from_value(value).unwrap()
    }

    /// The deposit from the getting-started guide (seeds/000, step 8).
    fn seed_deposit() -> Deposit {
        deposit(json!({
            "id": "cmkh7ocks0001s601xm7v8ljp", "contractId": "2729a818-64ef-422f-a8e6-6f2785703cd3",
            "changeNowId": "ff65698c01121a", "fromCurrency": "usdc", "fromNetwork": "base",
            "depositAddress": SEED_ADDRESS, "chainId": 8453,
            "minAmount": 1, "maxAmount": null, "status": "awaitingDeposit",
            "createdAt": "2026-01-16T18:27:55.180Z", "updatedAt": "2026-01-16T18:27:55.180Z"
        }))
    }

    #[test]
    fn seed_deposit_view() {
        let view = deposit_view(&seed_deposit(), Some(BASE_USDC));
        assert_eq!(view.id, "cmkh7ocks0001s601xm7v8ljp");
        assert_eq!((view.status.as_str(), view.status_text.as_str()), ("awaitingDeposit", "Waiting for your deposit"));
        assert_eq!((view.in_progress, view.succeeded, view.failed, view.awaiting_address), (true, false, false, false));
        assert_eq!(view.address.as_deref(), Some(SEED_ADDRESS));
        assert_eq!(
            view.address_groups,
            ["0x969A", "9c0f", "De4a", "D175", "A653", "9Ac7", "Bb6a", "B0bC", "3d7e", "66d3"]
        );
        assert_eq!(view.address_groups.concat(), SEED_ADDRESS);
        assert_eq!((view.network_label.as_str(), view.chain_id, view.currency.as_str()), ("Base", Some(8453), "USDC"));
        assert_eq!(view.minimum_text.as_deref(), Some("1 USDC"));
        assert_eq!(view.memo, None);
        assert_eq!(view.warning, "Send only USDC on Base to this address. It belongs to this deposit only.");
        assert_eq!(
            view.payment_uri.as_deref(),
            Some(
                "ethereum:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913@8453/transfer?\
                 address=0x969A9c0fDe4aD175A6539Ac7Bb6aB0bC3d7e66d3"
            )
        );
        let svg = view.qr_svg.as_deref().unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));

        let json = serde_json::to_value(&view).unwrap();
        assert_eq!(json["addressGroups"][0], "0x969A");
        assert_eq!(json["minimumText"], "1 USDC");
        assert_eq!(json["chainId"], 8453);
    }

    #[test]
    fn lower_case_addresses_are_shown_checksummed() {
        let mut lower = seed_deposit();
        lower.deposit_address = Some(SEED_ADDRESS.to_lowercase());
        let view = deposit_view(&lower, Some(&BASE_USDC.to_lowercase()));
        assert_eq!(view.address.as_deref(), Some(SEED_ADDRESS));
        assert!(view.payment_uri.unwrap().starts_with(&format!("ethereum:{BASE_USDC}@8453/")));
    }

    #[test]
    fn a_broken_checksum_gets_no_qr() {
        // One letter's case flipped: same bytes, but the text no longer matches its own checksum.
        let mut altered = seed_deposit();
        altered.deposit_address = Some(SEED_ADDRESS.replace("969A", "969a"));
        let view = deposit_view(&altered, Some(BASE_USDC));
        assert_eq!(view.address.as_deref(), Some("0x969a9c0fDe4aD175A6539Ac7Bb6aB0bC3d7e66d3"));
        assert_eq!((view.payment_uri, view.qr_svg), (None, None));
    }

    #[test]
    fn no_token_contract_or_chain_means_no_qr() {
        let view = deposit_view(&seed_deposit(), None);
        assert_eq!(view.address.as_deref(), Some(SEED_ADDRESS));
        assert_eq!((view.payment_uri, view.qr_svg), (None, None));
        let view = deposit_view(&seed_deposit(), Some("0x1234"));
        assert_eq!(view.payment_uri, None);
        let mut chainless = seed_deposit();
        chainless.chain_id = None;
        let view = deposit_view(&chainless, Some(BASE_USDC));
        assert_eq!((view.payment_uri, view.chain_id, view.network_label.as_str()), (None, None, "Base"));
    }

    #[test]
    fn sandbox_deposit_names_the_testnet() {
        let view = deposit_view(
            &deposit(json!({"id": "dep_sandbox1", "status": "awaitingDeposit", "fromCurrency": "rusd",
                            "fromNetwork": "base", "chainId": 84532, "minAmount": 0.5,
                            "depositAddress": SEED_ADDRESS.to_lowercase()})),
            Some("0x10b5Be494C2962A7B318aFB63f0Ee30b959D000b"),
        );
        assert_eq!((view.currency.as_str(), view.network_label.as_str()), ("RUSD", "Base Sepolia"));
        assert_eq!(view.minimum_text.as_deref(), Some("0.5 RUSD"));
        assert_eq!(
            view.payment_uri.as_deref(),
            Some(&*format!(
                "ethereum:0x10b5Be494C2962A7B318aFB63f0Ee30b959D000b@84532/transfer?address={SEED_ADDRESS}"
            ))
        );
    }

    #[test]
    fn fresh_deposit_waits_for_its_address() {
        let view = deposit_view(
            &deposit(json!({"id": "dep_00000001", "status": "pending", "depositAddress": null,
                            "fromCurrency": "usdc", "fromNetwork": "base", "chainId": 8453})),
            Some(BASE_USDC),
        );
        assert_eq!(view.status_text, "Preparing your deposit address");
        assert!(view.in_progress && view.awaiting_address);
        assert_eq!((view.address, view.address_groups.len(), view.payment_uri, view.qr_svg), (None, 0, None, None));
    }

    #[test]
    fn memo_routes_show_the_memo_and_no_qr() {
        let view = deposit_view(
            &deposit(json!({"id": "dep_00000003", "status": "awaitingDeposit", "depositAddress": "0.0.4515756",
                            "payinExtraId": " 4711 ", "minAmount": 25, "fromCurrency": "hbar", "fromNetwork": "hbar"})),
            None,
        );
        assert_eq!(view.address.as_deref(), Some("0.0.4515756"));
        assert_eq!(view.address_groups, ["0.0.4515756"]);
        assert_eq!(view.memo.as_deref(), Some("4711"));
        assert_eq!(view.minimum_text.as_deref(), Some("25 HBAR"));
        assert_eq!(view.network_label, "Hedera");
        assert_eq!(
            view.warning,
            "Send only HBAR on Hedera to this address. It belongs to this deposit only. \
             Include the memo 4711 with your transfer, or the deposit can't be matched to you."
        );
        assert_eq!((view.payment_uri, view.qr_svg, view.chain_id), (None, None, None));

        let long = deposit_view(
            &deposit(json!({"id": "dep_00000004", "status": "awaitingDeposit", "fromNetwork": "sol",
                            "depositAddress": "7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV"})),
            None,
        );
        assert_eq!(long.address_groups.concat(), "7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV");
        assert_eq!(long.address_groups[0], "7EcD");
        assert_eq!(long.network_label, "Solana");
        assert!(long.warning.starts_with("Send only the deposit's asset on Solana"));
    }

    #[test]
    fn statuses_per_q14() {
        for (status, text, in_progress, succeeded, failed) in [
            ("pending", "Waiting for your deposit", true, false, false),
            ("awaitingDeposit", "Waiting for your deposit", true, false, false),
            ("processing", "Deposit received, processing", true, false, false),
            ("completed", "Completed", false, true, false),
            ("failed", "Failed", false, false, true),
            ("canceled", "Canceled", false, false, true),
            // Values the contract does not list: words, never the wire value.
            ("confirming", "Deposit seen, confirming", true, false, false),
            ("exchanging", "Deposit received, converting", true, false, false),
            ("finished", "Completed", false, true, false),
            ("expired", "Expired: nothing arrived in time", false, false, true),
            ("REFUNDED", "Refunded to the sender", false, false, true),
            ("timed_out", "In progress", true, false, false),
            ("rejected", "Ended without arriving", false, false, true),
        ] {
            let mut value = seed_deposit();
            value.status = DepositStatus::from_wire(status);
            let view = deposit_view(&value, Some(BASE_USDC));
            assert_eq!(view.status, status);
            assert_eq!(view.status_text, text, "{status}");
            assert_eq!((view.in_progress, view.succeeded, view.failed), (in_progress, succeeded, failed), "{status}");
            // Only a deposit still waiting for funds offers a QR code to pay it.
            assert_eq!(view.qr_svg.is_some(), in_progress, "{status}");
            assert!(!view.awaiting_address);
            assert_eq!(view.address.as_deref(), Some(SEED_ADDRESS));
        }
    }

    #[test]
    fn odd_values_are_tolerated() {
        let view = deposit_view(
            &deposit(json!({"id": "dep_00000005", "status": "awaitingDeposit", "chainId": 5_000_000_000u64,
                            "minAmount": 0, "depositAddress": SEED_ADDRESS})),
            Some(BASE_USDC),
        );
        assert_eq!(view.chain_id, None);
        assert_eq!(view.minimum_text, None);
        assert_eq!((view.currency.as_str(), view.network_label.as_str()), ("", ""));
        assert_eq!(
            view.warning,
            "Send only the deposit's asset on the deposit's network to this address. It belongs to this deposit only."
        );
        // An unknown chain still gets a URI: the chain id is in it, so the wallet checks it.
        assert!(view.payment_uri.unwrap().contains("@5000000000/transfer"));
    }

    #[test]
    fn payment_uri_format() {
        assert_eq!(
            payment_uri(&BASE_USDC.to_lowercase(), 8453, &SEED_ADDRESS.to_uppercase().replace("0X", "0x"), None),
            format!("ethereum:{BASE_USDC}@8453/transfer?address={SEED_ADDRESS}")
        );
        assert_eq!(
            payment_uri(BASE_USDC, 8453, SEED_ADDRESS, Some(25_000_000)),
            format!("ethereum:{BASE_USDC}@8453/transfer?address={SEED_ADDRESS}&uint256=25000000")
        );
        assert_eq!(
            payment_uri(BASE_USDC, 1, SEED_ADDRESS, Some(u128::MAX)),
            format!("ethereum:{BASE_USDC}@1/transfer?address={SEED_ADDRESS}&uint256={}", u128::MAX)
        );
    }

    #[test]
    fn checksum_rules() {
        assert_eq!(checksummed(SEED_ADDRESS).as_deref(), Some(SEED_ADDRESS));
        assert_eq!(checksummed(&SEED_ADDRESS.to_lowercase()).as_deref(), Some(SEED_ADDRESS));
        assert_eq!(checksummed(&format!(" {SEED_ADDRESS} ")).as_deref(), Some(SEED_ADDRESS));
        assert_eq!(checksummed(&SEED_ADDRESS[2..]), None);
        assert_eq!(checksummed(&SEED_ADDRESS[..41]), None);
        assert_eq!(checksummed("0xZZ9A9c0fDe4aD175A6539Ac7Bb6aB0bC3d7e66d3"), None);
        assert_eq!(checksummed("0x969A9c0fDe4aD175A6539Ac7Bb6aB0bC3d7e66D3"), None);
    }

    #[test]
    fn qr_codes() {
        let uri = payment_uri(BASE_USDC, 8453, SEED_ADDRESS, None);
        let svg = qr_svg(&uri).unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
        assert!(svg.contains("width=\"") && svg.contains("height=\"") && svg.contains("viewBox="));
        assert!(svg.contains("fill=\"#000\"") && svg.contains("fill=\"#fff\""));
        let width: u32 = svg.split("width=\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap().parse().unwrap();
        assert!(width >= QR_MIN_SIZE, "{width}");
        // Nothing of the input is echoed into the markup.
        assert!(!svg.contains("ethereum"));

        let other = qr_svg(&payment_uri(BASE_USDC, 84532, SEED_ADDRESS, None)).unwrap();
        assert_ne!(svg, other);
        assert_eq!(qr_svg(&uri).unwrap(), svg, "deterministic");

        assert_eq!(qr_svg(""), None);
        assert_eq!(qr_svg(&"x".repeat(8000)), None, "too long for any QR version");
    }

    #[test]
    fn reading_groups_rules() {
        assert_eq!(reading_groups("0xabcdef", true), ["0xabcd", "ef"]);
        assert_eq!(
            reading_groups("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", false).concat(),
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
        );
        assert_eq!(reading_groups("r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk59 tag", false).len(), 1);
    }
}
