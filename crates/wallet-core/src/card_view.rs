//! Cards as the web UI shows them, and the one view that carries a card's digits.
//!
//! [`CardView`] is masked: it never holds more than the last four digits. [`RevealView`] holds the full
//! number and security code and exists only for the seconds a person asked to see them. Copying does not
//! need a view at all: [`copy_value`] turns a [`CardReveal`] into the clipboard text inside Rust.

use std::fmt;

use machines_api::models::cards::{Card, CardStatus};
use machines_api::{CardReveal, SecretString};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use zeroize::Zeroize;

use crate::money::format_cents;

/// The longest card label, in characters as a person sees them (the UI's counter uses the same number).
pub const LABEL_MAX_CHARS: usize = 60;

/// Why a card label (already trimmed) cannot be used, or `None`. Counted as a person counts characters, so
/// "🇫🇷" is one of the 60, not four.
pub fn label_problem(label: &str) -> Option<String> {
    crate::text::length_problem(label, None, Some(LABEL_MAX_CHARS), "characters")
}

/// Shown before the last four digits, one bullet per hidden digit of the group.
const MASK: &str = "\u{2022}\u{2022}\u{2022}\u{2022}";

/// A card in the list: public and masked data only, safe to log and to send to the webview.
#[derive(Debug, Clone, PartialEq, serde::Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CardView {
    pub card_id: String,
    /// The decrypted label, when the card has one (the caller decrypts it through `/encryption/decrypt`).
    pub label: Option<String>,
    /// The name a confirmation dialog uses: the label, or brand and masked number.
    pub name: String,
    /// As the API sends it (`"VISA"`); `"Card"` when absent.
    pub brand: String,
    /// Exactly four digits, or `None` when the API sent none or something else.
    pub last4: Option<String>,
    /// `"•••• 4242"`, or `"••••"` when the last four are unknown.
    pub masked: String,
    /// `"MM/YY"`, when the API sent a valid month and year.
    pub expiry: Option<String>,
    /// The wire status (`"active"`, `"locked"`, …, or an unknown value as sent).
    pub status: String,
    /// `"Active"`, `"Locked"`, `"Canceled"`, `"Not activated"`, or an unknown status as sent.
    pub status_text: String,
    pub can_lock: bool,
    pub can_unlock: bool,
    pub can_delete: bool,
    pub can_reveal: bool,
    /// `"$25.00 per transaction"`.
    pub limit_text: Option<String>,
    /// The limit in cents, when it fits an `i32` (every limit this app sets does); the text is always there.
    pub limit_cents: Option<i32>,
    /// How often the limit applies, as the API spells it (`"per7DayPeriod"`), for the edit dialog's choice.
    pub limit_frequency: Option<String>,
    /// Pinned on the server (`isPinned`): such cards lead the list.
    pub pinned: bool,
    /// Where the card sits in the list: the list reads in ascending order of this text. See [`list_order`];
    /// the UI only compares it, so a card it adds or replaces lands where a fresh list would put it.
    pub list_order: String,
    /// The card's colour (`#rrggbb`), decrypted like the label; `None` when it has none.
    pub color: Option<String>,
    /// The card's emoji, decrypted like the label.
    pub emoji: Option<String>,
    /// The person's memo about the card, decrypted like the label.
    pub memo: Option<String>,
    /// `sortOrder` as the server keeps it, when it fits an `i32`.
    pub sort_order: Option<i32>,
}

/// What the status allows. Unknown statuses allow no lock, unlock or reveal (we can't tell whether they
/// would work), but they can be deleted unless they already look deleted, so a card in an odd state can
/// still be got rid of; the server has the last word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Actions {
    lock: bool,
    unlock: bool,
    delete: bool,
    reveal: bool,
}

fn actions(status: &CardStatus) -> Actions {
    match status {
        CardStatus::Active => Actions { lock: true, unlock: false, delete: true, reveal: true },
        // A locked card's number is still the person's to see; only spending is frozen.
        CardStatus::Locked => Actions { lock: false, unlock: true, delete: true, reveal: true },
        // Not activated yet: the number may not exist, and it can't be locked; deleting it is fine.
        CardStatus::NotActivated => Actions { lock: false, unlock: false, delete: true, reveal: false },
        CardStatus::Canceled => Actions { lock: false, unlock: false, delete: false, reveal: false },
        CardStatus::Other(raw) => {
            let key: String = raw.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
            let gone = matches!(key.as_str(), "canceled" | "cancelled" | "deleted" | "terminated" | "closed");
            Actions { lock: false, unlock: false, delete: !gone, reveal: false }
        }
    }
}

/// Human text for a card status; unknown values are shown as sent (product rule).
pub fn status_text(status: &CardStatus) -> String {
    match status {
        CardStatus::Active => "Active".to_owned(),
        CardStatus::Locked => "Locked".to_owned(),
        CardStatus::Canceled => "Canceled".to_owned(),
        CardStatus::NotActivated => "Not activated".to_owned(),
        CardStatus::Other(raw) => raw.clone(),
    }
}

/// `"MM/YY"` from the API's month (1–12) and year (four digits, or two). `None` when either is missing or
/// out of range, so a drifting value such as the reference example's `123` is never shown as a date.
pub fn expiry_mm_yy(month: Option<u8>, year: Option<u16>) -> Option<String> {
    let month = month.filter(|m| (1..=12).contains(m))?;
    let year = year?;
    let yy = match year {
        0..=99 => year,
        // Card expiries are in this century or the next; anything else is a malformed value.
        2000..=2199 => year % 100,
        _ => return None,
    };
    Some(format!("{month:02}/{yy:02}"))
}

/// Keeps a last-four only if it is exactly four ASCII digits. Anything longer could be more of the card
/// number than a masked view may hold.
fn clean_last4(last4: Option<&str>) -> Option<String> {
    let last4 = last4?.trim();
    (last4.len() == 4 && last4.bytes().all(|b| b.is_ascii_digit())).then(|| last4.to_owned())
}

/// Where a card sorts: pinned cards first, then the newest (by `createdAt`), then by id so that cards
/// made in the same millisecond still keep one order. A card without a readable `createdAt` goes after
/// the dated ones of its group. The order never depends on which page or call a card came from, so the
/// list reads the same after a create, a tab switch or a reload.
///
/// Encoded as text because the webview inserts single cards (a create, a lock) into a list it already
/// holds: comparing two strings is all it has to do, and the rule stays here. The prefix is ASCII digits;
/// for the ASCII ids the API sends, JavaScript's text order (UTF-16 units) and Rust's (bytes) agree.
pub fn list_order(card: &Card) -> String {
    /// Above every millisecond timestamp until the year 33658; "newest first" becomes ascending text.
    const CEILING: i128 = 1_000_000_000_000_000;
    let pinned = if card.is_pinned == Some(true) { '0' } else { '1' };
    let millis = card
        .created_at
        .as_deref()
        .and_then(|text| OffsetDateTime::parse(text.trim(), &Rfc3339).ok())
        .map(|at| (at.unix_timestamp_nanos() / 1_000_000).clamp(0, CEILING - 1));
    let age = millis.map_or(CEILING, |m| CEILING - 1 - m);
    format!("{pinned}{age:016}{}", card.card_id)
}

/// Puts list views in the order a person reads them (see [`list_order`]).
pub fn sort_for_list(views: &mut [CardView]) {
    views.sort_by(|a, b| a.list_order.cmp(&b.list_order));
}

/// Builds the list view of `card`. `label` is the decrypted name; blank labels count as none.
pub fn card_view(card: &Card, label: Option<String>) -> CardView {
    let label = label.map(|l| l.trim().to_owned()).filter(|l| !l.is_empty());
    let brand = card.brand.as_deref().map(str::trim).filter(|b| !b.is_empty()).unwrap_or("Card").to_owned();
    let last4 = clean_last4(card.last4.as_deref());
    let masked = match &last4 {
        Some(last4) => format!("{MASK} {last4}"),
        None => MASK.to_owned(),
    };
    let name = label.clone().unwrap_or_else(|| format!("{brand} {masked}"));
    let allowed = actions(&card.status);
    let limit_text = card.limit.as_ref().map(|l| format!("{} {}", format_cents(l.amount_cents), l.frequency.label()));
    let limit_cents = card.limit.as_ref().and_then(|l| i32::try_from(l.amount_cents).ok());
    CardView {
        card_id: card.card_id.clone(),
        label,
        name,
        brand,
        last4,
        masked,
        expiry: expiry_mm_yy(card.expiration_month, card.expiration_year),
        status: card.status.as_str().to_owned(),
        status_text: status_text(&card.status),
        can_lock: allowed.lock,
        can_unlock: allowed.unlock,
        can_delete: allowed.delete,
        can_reveal: allowed.reveal,
        limit_text,
        limit_cents,
        limit_frequency: card.limit.as_ref().map(|l| l.frequency.as_str().to_owned()),
        pinned: card.is_pinned == Some(true),
        list_order: list_order(card),
        color: None,
        emoji: None,
        memo: None,
        sort_order: card.sort_order.and_then(|order| i32::try_from(order).ok()),
    }
}

/// Cards whose labels are decrypted at the same time. Each card's label, colour, emoji and memo is a
/// `POST /encryption/decrypt` of its own (the partner API has no batch decrypt), so 1,000 cards are up to
/// 4,000 requests: one after another they took 7.9 s against the local simulator (debug build), and would
/// take minutes over a real network. A few at a time keeps the order and stays a polite client.
const LABELLED_AT_ONCE: usize = 16;

/// `cards` with their labels decrypted ([`labelled_card_view`]), in the same order. (The cards are taken by
/// value: a stream of borrowed cards makes a future the command macro cannot prove `Send` for every
/// lifetime.)
pub async fn labelled_views(user: &machines_api::UserClient, cards: Vec<Card>) -> Vec<CardView> {
    use futures_util::{stream, StreamExt};
    stream::iter(cards)
        .map(|card| async move { labelled_card_view(user, &card).await })
        .buffered(LABELLED_AT_ONCE)
        .collect()
        .await
}

/// `card`'s view with its label, colour, emoji and memo decrypted through the API
/// (`/encryption/decrypt`), one call for each the card has. One that cannot be decrypted shows as none
/// rather than failing the list or the action that returned the card; a colour that is not `#rrggbb`
/// once decrypted is dropped too, so the UI never puts a server's text into a style.
pub async fn labelled_card_view(user: &machines_api::UserClient, card: &Card) -> CardView {
    let decrypt = |field: Option<&machines_api::models::common::EncryptedField>| {
        let field = field.cloned();
        async move {
            let text = user.decrypt(&field?).await.ok()?.data;
            let text = text.trim().to_owned();
            (!text.is_empty()).then_some(text)
        }
    };
    let label = decrypt(card.encrypted_name.as_ref()).await;
    let mut view = card_view(card, label);
    view.color = decrypt(card.encrypted_color.as_ref()).await.and_then(|c| crate::card_edit::color(&c).ok());
    view.emoji = decrypt(card.encrypted_emoji.as_ref()).await;
    view.memo = decrypt(card.encrypted_memo.as_ref()).await;
    view
}

/// A revealed card: the full number, expiry and security code, for the countdown a person started.
///
/// This is the **only** view that carries card digits. The shell builds it only when a person presses
/// Reveal and sends it to the webview once. The webview must drop it when `seconds_left` runs out, and
/// earlier on blur, lock or a screen change; the shell must not cache it or resend it.
///
/// It holds plain `String`s rather than [`SecretString`] because it has to be serialized to cross to the
/// webview, and secret types deliberately cannot be serialized. To limit the exposure anyway, the
/// strings are wiped when the view is dropped and `Debug` prints them as `[redacted]`; the serialized
/// copy that IPC makes is outside our control, which is why the view lives only for the countdown.
#[derive(Clone, PartialEq, serde::Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RevealView {
    pub card_id: String,
    /// The number in reading groups: 4-4-4-4 for 16 digits, 4-6-5 for 15 (Amex), fours otherwise.
    pub number_groups: Vec<String>,
    /// `"MM/YY"`, or empty when the API sent no valid expiry.
    pub expiry: String,
    pub cvc: String,
    /// How long the UI shows the digits before hiding them.
    pub seconds_left: u32,
}

impl fmt::Debug for RevealView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print digits, even from a debug log of the whole view.
        f.debug_struct("RevealView")
            .field("card_id", &self.card_id)
            .field("number_groups", &"[redacted]")
            .field("expiry", &"[redacted]")
            .field("cvc", &"[redacted]")
            .field("seconds_left", &self.seconds_left)
            .finish()
    }
}

impl Drop for RevealView {
    fn drop(&mut self) {
        self.number_groups.zeroize();
        self.expiry.zeroize();
        self.cvc.zeroize();
    }
}

/// Group sizes for reading a card number of `len` digits aloud or against a form.
fn group_sizes(len: usize) -> Vec<usize> {
    match len {
        // American Express prints its 15 digits as 4-6-5.
        15 => vec![4, 6, 5],
        _ => {
            let mut sizes = vec![4; len / 4];
            let rest = len % 4;
            if rest > 0 {
                sizes.push(rest);
            }
            sizes
        }
    }
}

/// Splits the digits of `pan` into reading groups. Each group is allocated at its final size, so no
/// reallocation leaves an unwiped partial copy behind.
fn number_groups(pan: &str) -> Vec<String> {
    let mut digits: Vec<char> = Vec::with_capacity(pan.len());
    digits.extend(pan.chars().filter(char::is_ascii_digit));
    let mut groups = Vec::new();
    let mut start = 0;
    for size in group_sizes(digits.len()) {
        let mut group = String::with_capacity(size);
        group.extend(digits.iter().skip(start).take(size));
        groups.push(group);
        start += size;
    }
    // `digits` holds the number too; wipe it before it is freed.
    digits.zeroize();
    groups
}

/// The reveal view for `card_id`, showing for `seconds`. See [`RevealView`] for how it must be handled.
pub fn reveal_view(card_id: &str, reveal: &CardReveal, seconds: u32) -> RevealView {
    RevealView {
        card_id: card_id.to_owned(),
        number_groups: number_groups(reveal.numbers.pan.expose()),
        expiry: expiry_mm_yy(reveal.expiration_month, reveal.expiration_year).unwrap_or_default(),
        cvc: reveal.numbers.cvc.expose().trim().to_owned(),
        seconds_left: seconds,
    }
}

/// Which card detail a copy button puts on the clipboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum CopyWhat {
    /// The card number, digits only, as checkout forms expect.
    Number,
    /// `MM/YY`.
    Expiry,
    /// The security code.
    Cvc,
}

impl CopyWhat {
    /// What was copied, for a confirmation such as "Card number copied".
    pub fn label(self) -> &'static str {
        match self {
            Self::Number => "Card number",
            Self::Expiry => "Expiry date",
            Self::Cvc => "Security code",
        }
    }
}

/// The clipboard text for one detail of a revealed card, built in Rust so the number never has to reach
/// the webview. Empty when the detail is unavailable (no valid expiry); the shell must not write an
/// empty value to the clipboard.
pub fn copy_value(reveal: &CardReveal, what: CopyWhat) -> SecretString {
    match what {
        CopyWhat::Number => {
            let pan = reveal.numbers.pan.expose();
            let mut digits = String::with_capacity(pan.len());
            digits.extend(pan.chars().filter(char::is_ascii_digit));
            SecretString::new(digits)
        }
        CopyWhat::Expiry => {
            SecretString::new(expiry_mm_yy(reveal.expiration_month, reveal.expiration_year).unwrap_or_default())
        }
        CopyWhat::Cvc => SecretString::new(reveal.numbers.cvc.expose().trim().to_owned()),
    }
}

/// What a copy button did: which detail went to the clipboard, and in how many seconds it is cleared
/// (`None`: only on lock and quit).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CopyReceipt {
    pub label: String,
    pub clears_in_seconds: Option<u32>,
}

impl CopyReceipt {
    pub fn new(what: CopyWhat, clear_after_seconds: Option<u32>) -> Self {
        Self { label: what.label().to_owned(), clears_in_seconds: clear_after_seconds }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use machines_api::crypto::CardNumbers;
    use machines_api::models::cards::{CardLimit, LimitFrequency};
    use serde_json::json;

    fn card(value: serde_json::Value) -> Card {
        serde_json::from_value(value).unwrap()
    }

    fn guide_card() -> Card {
        card(json!({
            "cardId": "9f970d1a-fd8e-41ac-a6fd-5993417942e3", "status": "active", "brand": "VISA",
            "last4": "4242", "expirationMonth": 12, "expirationYear": 2029,
            "limit": {"amountCents": 2500, "frequency": "perAuthorization"}
        }))
    }

    fn reveal(pan: &str, cvc: &str, month: Option<u8>, year: Option<u16>) -> CardReveal {
        CardReveal {
            numbers: CardNumbers { pan: SecretString::from(pan), cvc: SecretString::from(cvc) },
            expiration_month: month,
            expiration_year: year,
            last4: Some(pan[pan.len() - 4..].to_owned()),
        }
    }

    #[test]
    fn active_card_view() {
        let view = card_view(&guide_card(), Some("  Ops Card ".into()));
        assert_eq!(
            view,
            CardView {
                card_id: "9f970d1a-fd8e-41ac-a6fd-5993417942e3".into(),
                label: Some("Ops Card".into()),
                name: "Ops Card".into(),
                brand: "VISA".into(),
                last4: Some("4242".into()),
                masked: "\u{2022}\u{2022}\u{2022}\u{2022} 4242".into(),
                expiry: Some("12/29".into()),
                status: "active".into(),
                status_text: "Active".into(),
                can_lock: true,
                can_unlock: false,
                can_delete: true,
                can_reveal: true,
                limit_text: Some("$25.00 per transaction".into()),
                limit_cents: Some(2500),
                limit_frequency: Some("perAuthorization".into()),
                pinned: false,
                // Not pinned, no `createdAt`: after every dated card, then by id.
                list_order: "11000000000000000".to_owned() + "9f970d1a-fd8e-41ac-a6fd-5993417942e3",
                color: None,
                emoji: None,
                memo: None,
                sort_order: None,
            }
        );
    }

    /// A listed card as the API sends it, with only what the order reads.
    fn listed(id: &str, created_at: Option<&str>, pinned: Option<bool>) -> CardView {
        let mut value = json!({"cardId": id, "status": "active"});
        if let Some(at) = created_at {
            value["createdAt"] = json!(at);
        }
        if let Some(pinned) = pinned {
            value["isPinned"] = json!(pinned);
        }
        card_view(&card(value), None)
    }

    fn ids(views: &[CardView]) -> Vec<&str> {
        views.iter().map(|v| v.card_id.as_str()).collect()
    }

    #[test]
    fn the_list_reads_pinned_first_then_newest() {
        // As the server lists them: oldest first, one pinned in the middle, one undated, one unreadable.
        let mut views = vec![
            listed("card_old", Some("2026-01-01T09:00:00.000Z"), Some(false)),
            listed("card_pinned_old", Some("2026-01-02T09:00:00.000Z"), Some(true)),
            listed("card_undated", None, None),
            listed("card_mid", Some("2026-02-01T09:00:00.000Z"), None),
            listed("card_garbled", Some("yesterday"), None),
            listed("card_pinned_new", Some("2026-03-01T09:00:00+02:00"), Some(true)),
            listed("card_new", Some("2026-03-01T09:00:00.001Z"), None),
        ];
        sort_for_list(&mut views);
        assert_eq!(
            ids(&views),
            ["card_pinned_new", "card_pinned_old", "card_new", "card_mid", "card_old", "card_garbled", "card_undated"]
        );
        assert!(views[0].pinned && views[1].pinned && !views[2].pinned);
    }

    #[test]
    fn the_order_is_the_same_whatever_order_the_cards_arrive_in() {
        // 25 cards, three of them made in the same millisecond: every arrival order gives one list.
        let made: Vec<CardView> = (0..25)
            .map(|i| {
                let ms = if (10..13).contains(&i) { 10 } else { i };
                listed(&format!("card_{i:04}"), Some(&format!("2026-05-01T12:00:00.{ms:03}Z")), None)
            })
            .collect();
        let mut oldest_first = made.clone();
        sort_for_list(&mut oldest_first);
        let mut newest_first: Vec<CardView> = made.iter().rev().cloned().collect();
        sort_for_list(&mut newest_first);
        assert_eq!(ids(&oldest_first), ids(&newest_first));
        assert_eq!(oldest_first[0].card_id, "card_0024", "the newest leads");
        assert_eq!(oldest_first[24].card_id, "card_0000", "the oldest ends the list");

        // A card added to a list already shown lands where a fresh list puts it.
        let mut shown: Vec<CardView> = oldest_first[1..].to_vec();
        shown.push(oldest_first[0].clone());
        sort_for_list(&mut shown);
        assert_eq!(ids(&shown), ids(&oldest_first));
    }

    #[test]
    fn labels_are_limited_in_characters_a_person_sees() {
        assert_eq!(label_problem(&"a".repeat(60)), None);
        // 60 flags are 60 characters (240 UTF-16 units, 120 chars): allowed.
        assert_eq!(label_problem(&"\u{1F1EB}\u{1F1F7}".repeat(60)), None);
        assert_eq!(label_problem(&"a".repeat(61)).as_deref(), Some("Use at most 60 characters; this has 61."));
    }

    #[test]
    fn list_order_survives_odd_dates() {
        // Before 1970 and far in the future still sort, and never panic.
        let old = listed("card_a", Some("1969-07-20T20:17:00Z"), None);
        let far = listed("card_b", Some("9999-12-31T23:59:59.999Z"), None);
        let none = listed("card_c", None, None);
        let mut views = vec![none.clone(), old.clone(), far.clone()];
        sort_for_list(&mut views);
        assert_eq!(ids(&views), ["card_b", "card_a", "card_c"]);
    }

    #[test]
    fn actions_follow_status() {
        for (status, text, lock, unlock, delete, show) in [
            ("active", "Active", true, false, true, true),
            ("locked", "Locked", false, true, true, true),
            ("canceled", "Canceled", false, false, false, false),
            ("not_activated", "Not activated", false, false, true, false),
            ("frozen", "frozen", false, false, true, false),
            ("CANCELLED", "CANCELLED", false, false, false, false),
        ] {
            let view = card_view(&card(json!({"cardId": "card_0001", "status": status})), None);
            assert_eq!(view.status, status);
            assert_eq!(view.status_text, text);
            assert_eq!(
                (view.can_lock, view.can_unlock, view.can_delete, view.can_reveal),
                (lock, unlock, delete, show)
            );
        }
    }

    #[test]
    fn sparse_and_odd_cards() {
        let view = card_view(&card(json!({"cardId": "card_0001", "status": "active"})), Some("   ".into()));
        assert_eq!((view.label, view.last4, view.expiry), (None, None, None));
        assert_eq!(view.brand, "Card");
        assert_eq!(view.masked, "\u{2022}\u{2022}\u{2022}\u{2022}");
        assert_eq!(view.name, "Card \u{2022}\u{2022}\u{2022}\u{2022}");
        assert_eq!((view.limit_text, view.limit_cents), (None, None));

        // A "last4" that is really more of the number is dropped rather than shown.
        let leaky = card(json!({"cardId": "card_0002", "status": "active", "brand": "VISA",
                                "last4": "4242424242424242", "expirationMonth": 13, "expirationYear": 2030}));
        let view = card_view(&leaky, None);
        assert_eq!(view.last4, None);
        assert!(!serde_json::to_string(&view).unwrap().contains("42424242"));
        assert_eq!(view.expiry, None);
        assert_eq!(view.name, "VISA \u{2022}\u{2022}\u{2022}\u{2022}");
    }

    #[test]
    fn limits_of_every_frequency_and_size() {
        let mut base = guide_card();
        let texts: Vec<String> = LimitFrequency::ALL
            .iter()
            .map(|frequency| {
                base.limit = Some(CardLimit { amount_cents: 123_456, frequency: frequency.clone() });
                card_view(&base, None).limit_text.unwrap()
            })
            .collect();
        assert_eq!(
            texts,
            [
                "$1,234.56 per transaction",
                "$1,234.56 per 24 hours",
                "$1,234.56 per 7 days",
                "$1,234.56 per 30 days",
                "$1,234.56 per year",
                "$1,234.56 all time",
            ]
        );
        base.limit = Some(CardLimit { amount_cents: 5_000_000_000_000, frequency: LimitFrequency::AllTime });
        let view = card_view(&base, None);
        assert_eq!(view.limit_text.as_deref(), Some("$50,000,000,000.00 all time"));
        assert_eq!(view.limit_cents, None);
        base.limit = Some(CardLimit { amount_cents: 100, frequency: LimitFrequency::Other("perFortnight".into()) });
        assert_eq!(card_view(&base, None).limit_text.as_deref(), Some("$1.00 perFortnight"));
    }

    #[test]
    fn card_view_serializes_camel_case() {
        let value = serde_json::to_value(card_view(&guide_card(), None)).unwrap();
        assert_eq!(value["cardId"], "9f970d1a-fd8e-41ac-a6fd-5993417942e3");
        assert_eq!(value["statusText"], "Active");
        assert_eq!(value["canReveal"], true);
        assert_eq!(value["limitCents"], 2500);
    }

    #[test]
    fn expiry_formats_and_validates() {
        assert_eq!(expiry_mm_yy(Some(12), Some(2029)).as_deref(), Some("12/29"));
        assert_eq!(expiry_mm_yy(Some(1), Some(2030)).as_deref(), Some("01/30"));
        assert_eq!(expiry_mm_yy(Some(3), Some(2100)).as_deref(), Some("03/00"));
        assert_eq!(expiry_mm_yy(Some(7), Some(31)).as_deref(), Some("07/31"));
        assert_eq!(expiry_mm_yy(Some(7), Some(5)).as_deref(), Some("07/05"));
        assert_eq!(expiry_mm_yy(Some(0), Some(2030)), None);
        assert_eq!(expiry_mm_yy(Some(13), Some(2030)), None);
        assert_eq!(expiry_mm_yy(Some(123), Some(2030)), None);
        assert_eq!(expiry_mm_yy(Some(12), Some(123)), None);
        assert_eq!(expiry_mm_yy(Some(12), Some(65535)), None);
        assert_eq!(expiry_mm_yy(None, Some(2030)), None);
        assert_eq!(expiry_mm_yy(Some(12), None), None);
    }

    #[test]
    fn reveal_groups_the_number() {
        let view = reveal_view("card_0001", &reveal("4242424242424242", "123", Some(12), Some(2029)), 30);
        assert_eq!(view.number_groups, ["4242", "4242", "4242", "4242"]);
        assert_eq!((view.expiry.as_str(), view.cvc.as_str(), view.seconds_left), ("12/29", "123", 30));
        assert_eq!(view.card_id, "card_0001");

        let amex = reveal_view("card_0002", &reveal("378282246310005", "1234", None, None), 30);
        assert_eq!(amex.number_groups, ["3782", "822463", "10005"]);
        assert_eq!((amex.expiry.as_str(), amex.cvc.as_str()), ("", "1234"));

        let odd = reveal_view("card_0003", &reveal("6011000990139424123", "999", Some(1), Some(2031)), 5);
        assert_eq!(odd.number_groups, ["6011", "0009", "9013", "9424", "123"]);
        let short = reveal_view("card_0004", &reveal("123456789012", "999", Some(1), Some(2031)), 5);
        assert_eq!(short.number_groups, ["1234", "5678", "9012"]);
    }

    #[test]
    fn reveal_view_crosses_ipc_but_never_prints() {
        let view = reveal_view("card_0001", &reveal("4242424242424242", "987", Some(12), Some(2029)), 30);
        let debug = format!("{view:?}");
        assert!(!debug.contains("4242") && !debug.contains("987"), "{debug}");
        assert!(debug.contains("card_0001"));
        let json = serde_json::to_value(&view).unwrap();
        assert_eq!(json["numberGroups"], json!(["4242", "4242", "4242", "4242"]));
        assert_eq!(json["cvc"], "987");
        assert_eq!(json["secondsLeft"], 30);
    }

    #[test]
    fn copy_values() {
        let card = reveal("4242 4242 4242 4242", " 123 ", Some(2), Some(2031));
        let number = copy_value(&card, CopyWhat::Number);
        assert_eq!(number.expose(), "4242424242424242");
        assert_eq!(format!("{number:?}"), "[redacted]");
        assert_eq!(copy_value(&card, CopyWhat::Expiry).expose(), "02/31");
        assert_eq!(copy_value(&card, CopyWhat::Cvc).expose(), "123");
        let undated = reveal("4242424242424242", "123", None, Some(2031));
        assert!(copy_value(&undated, CopyWhat::Expiry).is_empty());
        assert_eq!(CopyWhat::Number.label(), "Card number");
        assert_eq!(serde_json::from_str::<CopyWhat>("\"cvc\"").unwrap(), CopyWhat::Cvc);
        assert_eq!(serde_json::to_string(&CopyWhat::Expiry).unwrap(), "\"expiry\"");
    }
}
