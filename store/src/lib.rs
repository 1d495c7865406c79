//! SQLite storage for Keikaku.
//!
//! One [`Store`] wraps a connection pool to a database file in the data directory. The schema
//! is migrated at open, so a fresh directory becomes a working database.

mod accounts;
mod attempts;
mod audit;
pub mod backup;
mod data_date;
mod progress;
mod read;
mod rounds;
mod search;
mod structure;
mod versions;
pub(crate) mod write;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use keikaku_domain::limits::TextProblem;
use keikaku_domain::reason::Reason;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use accounts::{NewSession, NewUser, Session, User};
pub use attempts::{AttemptCounts, AttemptId, Tally};
pub use audit::{Actor, AuditEntry, EditOutcome, MeasureEdit, MEASURE_TEXT_FIELDS};
pub use progress::{
    kpi_id, ProgressAuthorizer, PushReceipt, DEFAULT_SYNC_QUOTA_BYTES, PROGRESS_ENTITY,
};
pub use rounds::{
    RecordStep, Reminder, ReminderKind, Round, RoundStep, ROUND_ENTITY, ROUND_RECORD_ENTITY,
};
pub use structure::{DepartmentUse, MeasureDepartments, NewNode, NodeEdit, NODE_TEXT_FIELDS};
pub use versions::{RevisionSource, VersionName};
pub use write::{ImportMode, ImportOutcome, ImportReport};

/// File name of the database inside the data directory.
pub const DATABASE_FILE: &str = "keikaku.sqlite";

/// Something a request named that is not stored (or that its caller may not know of).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Plan,
    Measure,
    Node,
    /// A field name outside the editable ones.
    Field,
    Department,
    AuditEntry,
    User,
    Round,
    RoundRecord,
    /// A version number the plan does not have.
    Version,
    /// The plan has no draft revision.
    Revision,
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Missing::Plan => "plan",
            Missing::Measure => "measure",
            Missing::Node => "node",
            Missing::Field => "field",
            Missing::Department => "department",
            Missing::AuditEntry => "audit entry",
            Missing::User => "user",
            Missing::Round => "reporting round",
            Missing::RoundRecord => "record of the reporting round",
            Missing::Version => "version",
            Missing::Revision => "draft revision",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("cannot create data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no such {0}")]
    NotFound(Missing),
    /// The request's `field` holds a value the rules refuse; the reason is for the user.
    #[error("{0}: {1}")]
    Invalid(&'static str, Reason),
    /// Well-formed, but the stored data forbids it now (a department still in use).
    #[error("{0}: {1}")]
    InUse(&'static str, Reason),
    /// A sync push malformed as a whole (see `PushRequest::validate`); nothing was applied.
    #[error("invalid push: {0}")]
    InvalidPush(keikaku_sync::Invalid),
    /// The user has made the server keep as much sync data as one user may in a day; the push
    /// was not applied and may be sent again later.
    #[error("sync quota exceeded: {0}")]
    QuotaExceeded(Reason),
    /// A step of a reporting round that its rules refuse; nothing changed.
    #[error("refused: {0}")]
    Refused(#[from] keikaku_domain::evaluation::Refusal),
    /// An edit of a draft revision that would break the plan; nothing changed.
    #[error("refused edit: {0}")]
    RefusedEdit(#[from] keikaku_domain::revision::edit::EditError),
    #[error("plan {0:?} already exists; use --replace to overwrite it")]
    PlanExists(String),
    #[error("plan {plan:?} cannot be stored under organization {organization:?}: it belongs to {owner:?}")]
    PlanOwnedElsewhere {
        plan: String,
        organization: String,
        owner: String,
    },
}

impl StoreError {
    /// A refused value of `field`, with the reason shown to the user.
    pub fn invalid(field: &'static str, reason: Reason) -> StoreError {
        StoreError::Invalid(field, reason)
    }

    /// A value of `field` the text rules refuse, with their reason.
    pub fn bad_text(field: &'static str, problem: TextProblem) -> StoreError {
        StoreError::Invalid(field, Reason::of(|lang| problem.reason_in(lang)))
    }

    /// Whether the database was busy or locked beyond the busy timeout: the request may
    /// succeed if sent again.
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::PoolTimedOut) => true,
            StoreError::Database(sqlx::Error::Database(e)) => {
                // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes
                // (the primary code is the low byte).
                e.code()
                    .and_then(|code| code.parse::<i32>().ok())
                    .is_some_and(|code| matches!(code & 0xff, 5 | 6))
            }
            _ => false,
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

/// Lower-case hexadecimal, as digests are written into statements and session tokens are
/// stored. Per byte, not through `format!`: a push encodes a digest for every mutation.
pub fn lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

/// Seconds since the Unix epoch, for rows written outside a request (which passes its own).
pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The store's migrations, run when it opens; a backup names the newest it holds.
pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    /// What one user's remembered sync mutations of the last 24 hours may add up to, in bytes.
    sync_quota_bytes: u64,
    /// The queue of this process's writers (see [`Store::begin_write`]).
    writers: std::sync::Arc<tokio::sync::Mutex<()>>,
}

/// A writer's turn to hold the write lock; the next writer's turn begins when it drops.
pub(crate) struct WriteTurn {
    _held: tokio::sync::OwnedMutexGuard<()>,
}

impl Store {
    /// Starts a write transaction that takes SQLite's write lock at once (`BEGIN IMMEDIATE`):
    /// what it reads cannot change before its writes commit. Keep the turn until the
    /// transaction ends (bind it before the transaction, so it drops after).
    ///
    /// Writers of this process first take their turn in a first-come queue: SQLite's busy
    /// handler only polls, so a steady stream of short writes could keep a waiting one from the
    /// lock past the busy timeout; queued, each waits only for those ahead of it. (Another
    /// process, such as `server import`, still meets the busy timeout.)
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<(WriteTurn, sqlx::Transaction<'static, sqlx::Sqlite>)> {
        let turn = self.writers.clone().lock_owned().await;
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok((WriteTurn { _held: turn }, tx))
    }

    /// Opens (creating if needed) the database in `data_dir` and migrates it.
    pub async fn open(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let url = format!("sqlite://{}", data_dir.join(DATABASE_FILE).display());
        let options = SqliteConnectOptions::from_str(&url)?
            .create_if_missing(true)
            .foreign_keys(true)
            .journal_mode(SqliteJournalMode::Wal)
            // WAL + NORMAL is durable across process crashes; FULL adds power-loss safety.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(std::time::Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        let store = Store {
            pool,
            sync_quota_bytes: DEFAULT_SYNC_QUOTA_BYTES,
            writers: Default::default(),
        };
        store
            .publish_progress_from_before_rounds(unix_now())
            .await?;
        Ok(store)
    }

    /// The same store, allowing each user `bytes` of remembered sync mutations per 24 hours
    /// instead of [`DEFAULT_SYNC_QUOTA_BYTES`].
    pub fn with_sync_quota(self, bytes: u64) -> Store {
        Store {
            sync_quota_bytes: bytes,
            ..self
        }
    }

    pub(crate) fn sync_quota_bytes(&self) -> u64 {
        self.sync_quota_bytes
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    /// Stored session digests and remembered mutations were written with `{:02x}`: the same
    /// text for every byte, so they still match.
    #[test]
    fn lower_hex_writes_what_format_wrote() {
        let bytes: Vec<u8> = (0..=255).collect();
        let formatted: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(super::lower_hex(&bytes), formatted);
        assert_eq!(super::lower_hex(&[]), "");
    }
}
