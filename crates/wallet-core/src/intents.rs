//! The journal of card creates that have been sent but not answered yet, kept on disk so that a crash
//! cannot make a second card: each create is written here (its Idempotency-Key, the request's hash, the
//! account and environment, and the encrypted label exactly as sent) before it is sent, and removed once
//! the answer arrives. After a relaunch the app sends what it finds here again with the same key, so the
//! server replays the card it made instead of making another.
//!
//! Nothing here is in clear: the label is the API's own ciphertext (`encryptedName`), the limit is a
//! number of cents, and the account is the partner's user id, which Demo's saved state and the settings
//! already hold. One file per create (`card-<key>.json`), written atomically (temporary file, fsync,
//! rename, fsync of the folder), so a crash leaves either the whole record or none of it.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use machines_api::models::cards::{CardLimit, CreateCardRequest};
use machines_api::models::common::EncryptedField;
use machines_api::IdempotencyKey;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The record format this version writes and reads; anything else is set aside, never guessed at.
const FORMAT: u32 = 1;
const PREFIX: &str = "card-";
const SUFFIX: &str = ".json";
/// What a record that could not be used is renamed to end with (the loader skips it from then on).
const SET_ASIDE: &str = ".set-aside";

/// Where an intent may be sent: the environment (`demo`, `sandbox`, `production`, or `custom` with its
/// origin) and the account in it (the partner's user id). A record is only ever sent to its own scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scope {
    pub environment: String,
    pub account: String,
}

/// One unanswered card create, as written before it was sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CardIntent {
    pub format: u32,
    pub key: String,
    #[serde(flatten)]
    pub scope: Scope,
    /// SHA-256 of the request body as sent (hex), checked against the rebuilt request on load.
    pub request_hash: String,
    /// The label as the API encrypted it (fresh IV per encryption, so only this exact ciphertext is the
    /// same request).
    pub label: Option<EncryptedField>,
    pub limit: Option<CardLimit>,
    /// When the record was written (RFC 3339, UTC): a card made by this create is no older than this.
    pub written_at: String,
}

impl CardIntent {
    /// A record of the create `request` about to be sent with `key` to `scope`.
    pub fn new(scope: Scope, key: &IdempotencyKey, label: Option<EncryptedField>, limit: Option<CardLimit>) -> Self {
        let written_at =
            time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
        let mut intent = Self {
            format: FORMAT,
            key: key.as_str().to_owned(),
            scope,
            request_hash: String::new(),
            label,
            limit,
            written_at,
        };
        intent.request_hash = request_hash(&intent.request());
        intent
    }

    /// The request exactly as it was sent.
    pub fn request(&self) -> CreateCardRequest {
        CreateCardRequest {
            encrypted_name: self.label.clone(),
            limit: self.limit.clone(),
            ..CreateCardRequest::default()
        }
    }

    /// The Idempotency-Key it was sent with.
    pub fn idempotency_key(&self) -> Result<IdempotencyKey, JournalError> {
        IdempotencyKey::parse(self.key.clone()).map_err(|_| JournalError::Damaged("its key is not a valid key".into()))
    }

    /// Whether the record is whole and is what this version wrote: its format, its key, and its hash
    /// matching the request rebuilt from it (a record edited or half-written by something else fails).
    fn check(&self) -> Result<(), JournalError> {
        if self.format != FORMAT {
            return Err(JournalError::Foreign(format!(
                "it is in format {}, which this version does not read",
                self.format
            )));
        }
        self.idempotency_key()?;
        if !file_safe(&self.key) {
            return Err(JournalError::Damaged("its key cannot name a file".into()));
        }
        if request_hash(&self.request()) != self.request_hash {
            return Err(JournalError::Damaged("its request does not match its hash".into()));
        }
        Ok(())
    }
}

/// SHA-256 (hex) of the body `request` is sent as. The client sends `serde_json`'s bytes of the same
/// value, so this is the body the server fingerprints for the key.
pub fn request_hash(request: &CreateCardRequest) -> String {
    let body = serde_json::to_vec(request).unwrap_or_default();
    format!("{:x}", Sha256::digest(&body))
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("the record could not be written: {0}")]
    Io(#[from] std::io::Error),
    #[error("the record is damaged: {0}")]
    Damaged(String),
    #[error("the record was not written by this version: {0}")]
    Foreign(String),
}

/// What was found on disk for one scope.
#[derive(Debug, Default)]
pub struct Found {
    /// Unanswered creates of this scope, oldest first.
    pub intents: Vec<CardIntent>,
    /// One sentence per record that could not be used and was set aside, for the person.
    pub notes: Vec<String>,
}

/// The folder of unanswered creates.
#[derive(Debug, Clone)]
pub struct Journal {
    dir: PathBuf,
}

impl Journal {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn file(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{PREFIX}{key}{SUFFIX}"))
    }

    /// Writes `intent` whole or not at all: to a temporary file in the same folder, flushed to disk,
    /// renamed over the final name, then the folder flushed so the rename itself survives a power cut.
    pub fn write(&self, intent: &CardIntent) -> Result<(), JournalError> {
        intent.check()?;
        create_private_dir(&self.dir)?;
        let bytes = serde_json::to_vec_pretty(intent).map_err(|e| JournalError::Damaged(e.to_string()))?;
        let final_path = self.file(&intent.key);
        let temp_path = self.dir.join(format!(".{PREFIX}{}.tmp", intent.key));
        let written = (|| {
            let mut file = private_file(&temp_path)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            fs::rename(&temp_path, &final_path)?;
            fs::File::open(&self.dir)?.sync_all()
        })();
        if written.is_err() {
            let _ = fs::remove_file(&temp_path);
        }
        Ok(written?)
    }

    /// The answer for `key` arrived (or a refusal that made nothing): its record is done.
    pub fn remove(&self, key: &str) -> Result<(), JournalError> {
        if !file_safe(key) {
            return Ok(());
        }
        match fs::remove_file(self.file(key)) {
            Ok(()) => Ok(fs::File::open(&self.dir)?.sync_all()?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// The unanswered creates of `scope`. Records of other scopes are left where they are (they belong
    /// to an account the person may come back to, and are never sent anywhere else). A record that cannot
    /// be read, or that this version did not write, is renamed aside with a note: it is never sent, and
    /// it never stops the others.
    pub fn load(&self, scope: &Scope) -> Found {
        let mut found = Found::default();
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return found,
            Err(e) => {
                found.notes.push(format!(
                    "The record of unfinished card creates ({}) could not be read: {e}. If the app closed while \
                     a card was being made, check your cards before making it again.",
                    self.dir.display()
                ));
                return found;
            }
        };
        let mut paths: Vec<PathBuf> =
            entries.filter_map(Result::ok).map(|entry| entry.path()).filter(|path| is_record(path)).collect();
        paths.sort();
        for path in paths {
            match read_intent(&path) {
                Ok(intent) if path == self.file(&intent.key) => {
                    if intent.scope == *scope {
                        found.intents.push(intent);
                    }
                }
                Ok(_) => found.notes.push(set_aside(&path, "its name does not match its key")),
                Err(err) => found.notes.push(set_aside(&path, &err.to_string())),
            }
        }
        found.intents.sort_by(|a, b| a.written_at.cmp(&b.written_at));
        found
    }

    /// Removes every record whose scope `matches` (Demo started over: its server forgot those accounts,
    /// and a fresh Demo account under the same user id must not receive them).
    pub fn forget_where(&self, matches: impl Fn(&Scope) -> bool) {
        for (path, _) in self.records_where(matches) {
            if fs::remove_file(&path).is_err() {
                // A record that cannot be removed must still never be sent: set it aside instead.
                set_aside(&path, "Demo was started over");
            }
        }
    }

    /// Sets aside every record whose scope `matches`, with a note each (its environment's partner key
    /// changed, so the account behind the same user id may belong to another partner).
    pub fn set_aside_where(&self, matches: impl Fn(&Scope) -> bool, why: &str) -> Vec<String> {
        self.records_where(matches).into_iter().map(|(path, _)| set_aside(&path, why)).collect()
    }

    /// The readable records whose scope `matches` (unreadable ones are left to `load`).
    fn records_where(&self, matches: impl Fn(&Scope) -> bool) -> Vec<(PathBuf, CardIntent)> {
        let Ok(entries) = fs::read_dir(&self.dir) else { return Vec::new() };
        entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| is_record(path))
            .filter_map(|path| read_intent(&path).ok().map(|intent| (path, intent)))
            .filter(|(_, intent)| matches(&intent.scope))
            .collect()
    }
}

/// Whether `path` is named as a record (set-aside and temporary files are not).
fn is_record(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    name.starts_with(PREFIX) && name.ends_with(SUFFIX)
}

fn read_intent(path: &Path) -> Result<CardIntent, JournalError> {
    // Records are a few hundred bytes; anything far larger is not one of ours.
    const MAX: u64 = 64 * 1024;
    if fs::metadata(path)?.len() > MAX {
        return Err(JournalError::Foreign("it is far larger than a record".into()));
    }
    let bytes = fs::read(path)?;
    let intent: CardIntent = serde_json::from_slice(&bytes).map_err(|e| JournalError::Damaged(e.to_string()))?;
    intent.check()?;
    Ok(intent)
}

/// Renames `path` aside and says so in a sentence for the person.
fn set_aside(path: &Path, why: &str) -> String {
    let mut aside = path.as_os_str().to_owned();
    aside.push(SET_ASIDE);
    let aside = PathBuf::from(aside);
    match fs::rename(path, &aside) {
        Ok(()) => format!(
            "A card create that was not finished when the app closed could not be resumed ({why}), so it was not \
             sent again. Check your cards before making it again. Its record was kept as {}.",
            aside.display()
        ),
        Err(e) => format!(
            "A card create that was not finished when the app closed could not be resumed ({why}), and its record \
             ({}) could not be moved aside either: {e}. Check your cards before making it again.",
            path.display()
        ),
    }
}

/// Keys name files, so only the characters a generated key uses (a UUID's) are accepted.
fn file_safe(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn private_file(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use machines_api::models::cards::LimitFrequency;

    /// A fresh folder under the system's temporary one, removed when dropped.
    struct TempDir(PathBuf);
    impl TempDir {
        fn new(name: &str) -> Self {
            let dir = std::env::temp_dir().join(format!("wallet-intents-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            Self(dir)
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn scope(account: &str) -> Scope {
        Scope { environment: "sandbox".into(), account: account.into() }
    }

    fn label() -> EncryptedField {
        serde_json::from_value(serde_json::json!({"v": 1, "iv": "aXZpdml2aXZpdml2", "ct": "Y2lwaGVydGV4dA"}))
            .unwrap_or_else(|e| unreachable!("{e}"))
    }

    fn intent(account: &str) -> CardIntent {
        let limit = CardLimit { amount_cents: 2500, frequency: LimitFrequency::from_wire("perAuthorization") };
        CardIntent::new(scope(account), &IdempotencyKey::generate(), Some(label()), Some(limit))
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .map(|entries| {
                entries.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    #[test]
    fn a_written_intent_reads_back_as_sent_and_is_gone_once_removed() {
        let dir = TempDir::new("roundtrip");
        let journal = Journal::new(&dir.0);
        let sent = intent("alice");
        journal.write(&sent).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(names(&dir.0), vec![format!("card-{}.json", sent.key)], "one record, no temporary left");
        let found = journal.load(&scope("alice"));
        assert_eq!(found.intents, vec![sent.clone()]);
        assert!(found.notes.is_empty());
        assert_eq!(request_hash(&found.intents[0].request()), sent.request_hash);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(journal.file(&sent.key)).map(|m| m.permissions().mode()).unwrap_or_default();
            assert_eq!(mode & 0o777, 0o600);
        }
        journal.remove(&sent.key).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(journal.load(&scope("alice")).intents.is_empty());
        assert!(names(&dir.0).is_empty());
    }

    #[test]
    fn the_hash_is_of_the_body_the_client_sends() {
        let sent = intent("alice");
        let body = serde_json::to_vec(&sent.request()).unwrap_or_default();
        assert!(String::from_utf8_lossy(&body).contains("\"encryptedName\""));
        assert_eq!(sent.request_hash, format!("{:x}", Sha256::digest(&body)));
    }

    #[test]
    fn another_accounts_intent_is_neither_returned_nor_touched() {
        let dir = TempDir::new("scopes");
        let journal = Journal::new(&dir.0);
        let alices = intent("alice");
        journal.write(&alices).unwrap_or_else(|e| unreachable!("{e}"));
        assert!(journal.load(&scope("bob")).intents.is_empty());
        let demo = Scope { environment: "demo".into(), account: "alice".into() };
        assert!(journal.load(&demo).intents.is_empty());
        assert_eq!(journal.load(&scope("alice")).intents, vec![alices]);
    }

    #[test]
    fn damaged_and_foreign_records_are_set_aside_with_a_note_and_the_rest_still_load() {
        let dir = TempDir::new("damaged");
        let journal = Journal::new(&dir.0);
        let good = intent("alice");
        journal.write(&good).unwrap_or_else(|e| unreachable!("{e}"));
        fs::write(dir.0.join("card-truncated.json"), b"{\"format\":1,\"key\":\"abc").unwrap_or_default();
        fs::write(dir.0.join("card-binary.json"), [0xff, 0x00, 0x13, 0x37]).unwrap_or_default();
        let mut future = serde_json::to_value(intent("alice")).unwrap_or_default();
        future["format"] = 2.into();
        let future_key = future["key"].as_str().unwrap_or_default().to_owned();
        fs::write(journal.file(&future_key), future.to_string()).unwrap_or_default();
        let mut edited = serde_json::to_value(intent("alice")).unwrap_or_default();
        edited["limit"]["amountCents"] = 999_999.into();
        let edited_key = edited["key"].as_str().unwrap_or_default().to_owned();
        fs::write(journal.file(&edited_key), edited.to_string()).unwrap_or_default();
        let renamed = intent("alice");
        fs::write(dir.0.join("card-not-its-key.json"), serde_json::to_vec(&renamed).unwrap_or_default())
            .unwrap_or_default();

        let found = journal.load(&scope("alice"));
        assert_eq!(found.intents, vec![good.clone()], "only the good record is resumed");
        assert_eq!(found.notes.len(), 5, "one note per record set aside: {:#?}", found.notes);
        assert!(found.notes.iter().all(|n| n.contains("Check your cards") && n.contains(".set-aside")));
        assert!(found.notes.iter().any(|n| n.contains("format 2")));
        assert!(found.notes.iter().any(|n| n.contains("does not match its hash")));
        let kept = names(&dir.0);
        assert_eq!(kept.iter().filter(|n| n.ends_with(".set-aside")).count(), 5, "{kept:?}");
        // Set aside once: the next load finds only the good record and says nothing more.
        let again = journal.load(&scope("alice"));
        assert_eq!(again.intents, vec![good]);
        assert!(again.notes.is_empty());
    }

    #[test]
    fn a_key_that_cannot_name_a_file_is_refused_before_anything_is_written() {
        let dir = TempDir::new("badkey");
        let journal = Journal::new(&dir.0);
        let mut sent = intent("alice");
        sent.key = "../../escape-1234".into();
        assert!(journal.write(&sent).is_err());
        assert!(names(&dir.0).is_empty());
    }

    #[test]
    fn a_missing_folder_is_an_empty_journal() {
        let dir = TempDir::new("missing");
        let found = Journal::new(dir.0.join("never-made")).load(&scope("alice"));
        assert!(found.intents.is_empty() && found.notes.is_empty());
    }

    #[test]
    fn a_key_change_sets_aside_that_environments_records_only() {
        let dir = TempDir::new("keychange");
        let journal = Journal::new(&dir.0);
        let sandbox = intent("alice");
        journal.write(&sandbox).unwrap_or_else(|e| unreachable!("{e}"));
        let mut production = intent("alice");
        production.scope.environment = "production".into();
        journal.write(&production).unwrap_or_else(|e| unreachable!("{e}"));
        let notes = journal.set_aside_where(|s| s.environment == "sandbox", "the partner key changed");
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("the partner key changed"));
        assert!(journal.load(&scope("alice")).intents.is_empty());
        let prod = Scope { environment: "production".into(), account: "alice".into() };
        assert_eq!(journal.load(&prod).intents, vec![production]);
    }
}
