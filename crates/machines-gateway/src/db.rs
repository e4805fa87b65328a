//! The gateway's only shared state: links (subject ↔ Machines user ↔ wallet) and the mint audit log.
//!
//! Through `sqlx::Any`, one pool type over SQLite and Postgres, chosen by the URL's scheme. Chosen over an
//! enum of two pools because every query is then written once and runs on both, which is what "the same
//! queries, tested on both" asks; the price is Any's small set of column types, which is all we need
//! (TEXT and BIGINT, times as Unix milliseconds). Placeholders are `$n`, which SQLite accepts too.

use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};

/// A subject's link, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub issuer: String,
    pub subject: String,
    pub user_id: String,
    pub wallet_address: String,
    pub wallet_label: Option<String>,
    pub created_at_ms: i64,
}

/// One row of the mint audit log. Holds no token by construction: there is no column for one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MintRecord {
    pub issuer: String,
    pub subject: String,
    pub user_id: Option<String>,
    pub purpose: String,
    pub scopes: String,
    pub outcome: String,
    pub at_ms: i64,
}

/// What inserting a link ran into.
pub enum Inserted {
    Stored,
    /// The subject was linked meanwhile (a concurrent request, or another gateway process).
    SubjectTaken,
    /// The wallet is linked to another subject.
    AddressTaken,
}

#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
}

impl Db {
    /// Connects and applies the migrations. A SQLite file is created if missing (`?mode=rwc` is added when
    /// the URL names no mode).
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let url = if url.starts_with("sqlite:") && !url.contains("mode=") {
            format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
        } else {
            url.to_owned()
        };
        let sqlite = url.starts_with("sqlite:");
        let pool = AnyPoolOptions::new()
            .max_connections(if sqlite { 4 } else { 16 })
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    // With WAL a commit appends to the log and syncs at checkpoints: a committed row
                    // survives a crash of the process, and the last moments may be lost only to a power
                    // cut. Without it (sqlx leaves SQLite's rollback journal and FULL sync) every mint's
                    // audit row costs several fsyncs and readers wait for writers.
                    if sqlite {
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        if sqlite {
            // Persistent in the file. Another gateway starting on the same file at the same moment may
            // hold the lock this needs; it is then setting the same mode, so a failure is only logged.
            if let Err(err) = pool.execute("PRAGMA journal_mode = WAL").await {
                tracing::warn!(%err, "SQLite WAL mode not set");
            }
        }
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self { pool })
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ())
    }

    pub async fn link_of(&self, issuer: &str, subject: &str) -> Result<Option<Link>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT issuer, subject, user_id, wallet_address, wallet_label, created_at_ms FROM links \
             WHERE issuer = $1 AND subject = $2",
        )
        .bind(issuer)
        .bind(subject)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| link_from(&r)).transpose()
    }

    /// Whether another subject holds this wallet (addresses are stored in EIP-55 form).
    pub async fn address_holder(&self, wallet_address: &str) -> Result<Option<Link>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT issuer, subject, user_id, wallet_address, wallet_label, created_at_ms FROM links \
             WHERE wallet_address = $1",
        )
        .bind(wallet_address)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| link_from(&r)).transpose()
    }

    /// Stores a link. The unique keys decide races between requests and between gateway processes.
    pub async fn insert_link(&self, link: &Link) -> Result<Inserted, sqlx::Error> {
        let result = sqlx::query(
            "INSERT INTO links (issuer, subject, user_id, wallet_address, wallet_label, created_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&link.issuer)
        .bind(&link.subject)
        .bind(&link.user_id)
        .bind(&link.wallet_address)
        .bind(&link.wallet_label)
        .bind(link.created_at_ms)
        .execute(&self.pool)
        .await;
        match result {
            Ok(_) => Ok(Inserted::Stored),
            Err(sqlx::Error::Database(err)) if err.is_unique_violation() => {
                if self.link_of(&link.issuer, &link.subject).await?.is_some() {
                    Ok(Inserted::SubjectTaken)
                } else {
                    Ok(Inserted::AddressTaken)
                }
            }
            Err(err) => Err(err),
        }
    }

    pub async fn record_mint(&self, record: &MintRecord) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO mint_audit (id, issuer, subject, user_id, purpose, scopes, outcome, at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        // A version-7 id: ordered by its creation within this process, so `mints_of` lists the mints of one
        // millisecond in the order they happened (a random v4 id shuffled them: a refusal and the fallback
        // mint of the same request came back either way round).
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(&record.issuer)
        .bind(&record.subject)
        .bind(&record.user_id)
        .bind(&record.purpose)
        .bind(&record.scopes)
        .bind(&record.outcome)
        .bind(record.at_ms)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// The audit rows of one subject, oldest first.
    pub async fn mints_of(&self, issuer: &str, subject: &str) -> Result<Vec<MintRecord>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT issuer, subject, user_id, purpose, scopes, outcome, at_ms FROM mint_audit \
             WHERE issuer = $1 AND subject = $2 ORDER BY at_ms, id",
        )
        .bind(issuer)
        .bind(subject)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(MintRecord {
                    issuer: r.try_get("issuer")?,
                    subject: r.try_get("subject")?,
                    user_id: r.try_get("user_id")?,
                    purpose: r.try_get("purpose")?,
                    scopes: r.try_get("scopes")?,
                    outcome: r.try_get("outcome")?,
                    at_ms: r.try_get("at_ms")?,
                })
            })
            .collect()
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn link_from(row: &AnyRow) -> Result<Link, sqlx::Error> {
    Ok(Link {
        issuer: row.try_get("issuer")?,
        subject: row.try_get("subject")?,
        user_id: row.try_get("user_id")?,
        wallet_address: row.try_get("wallet_address")?,
        wallet_label: row.try_get("wallet_label")?,
        created_at_ms: row.try_get("created_at_ms")?,
    })
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as i64
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Mints recorded within one millisecond are listed in the order they were recorded.
    #[tokio::test]
    async fn the_mints_of_one_millisecond_keep_their_order() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}", dir.path().join("order.db").display())).await.unwrap();
        let outcomes: Vec<String> = (0..40).map(|i| format!("outcome-{i:02}")).collect();
        for outcome in &outcomes {
            let record = MintRecord {
                issuer: "https://issuer.example".into(),
                subject: "alice".into(),
                user_id: None,
                purpose: "cards".into(),
                scopes: String::new(),
                outcome: outcome.clone(),
                at_ms: 1_764_460_800_000,
            };
            db.record_mint(&record).await.unwrap();
        }
        let listed: Vec<String> =
            db.mints_of("https://issuer.example", "alice").await.unwrap().into_iter().map(|m| m.outcome).collect();
        assert_eq!(listed, outcomes);
        db.close().await;
    }
}
