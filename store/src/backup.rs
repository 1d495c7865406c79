//! Backups: a consistent copy of the database taken while the server runs, and restoring one
//! into a data directory.
//!
//! SQLite's `VACUUM INTO` writes the database as one read transaction sees it: every write
//! committed before it began, none after, while the server goes on reading and writing (WAL).
//! A restore checks the file is a whole Keikaku database of this release or an earlier one, and
//! replaces the data directory's database only if it is unused and empty, or `force` says so.

use std::path::{Path, PathBuf};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteLockingMode};
use sqlx::{ConnectOptions, Connection, SqliteConnection};

use crate::{StoreError, DATABASE_FILE};

/// Why a backup or a restore did not happen; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} already exists; a backup is written to a new file")]
    TargetExists(PathBuf),
    #[error("there is no database in {0}")]
    NoDatabase(PathBuf),
    #[error("{path} is not a Keikaku database: {reason}")]
    NotADatabase { path: PathBuf, reason: String },
    #[error(
        "{path} was written by a newer release of Keikaku (its schema is at {found}, this \
         release knows up to {known}); restore it with that release"
    )]
    Newer {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error(
        "the database in {path} is not empty ({holds}); pass --force to replace it with the backup"
    )]
    NotEmpty { path: PathBuf, holds: Contents },
    #[error(
        "the database in {0} is in use (a server is running on it); stop the server, then restore"
    )]
    InUse(PathBuf),
    #[error("{path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for BackupError {
    fn from(error: sqlx::Error) -> BackupError {
        BackupError::Store(StoreError::Database(error))
    }
}

/// What a database holds, counted for a person deciding whether to replace it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Contents {
    pub plans: i64,
    pub users: i64,
    pub sync_mutations: i64,
    /// Rows of every table, these among them.
    pub rows: i64,
}

impl std::fmt::Display for Contents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} plans, {} users, {} synced edits; {} rows in all",
            self.plans, self.users, self.sync_mutations, self.rows
        )
    }
}

/// The newest migration this release has.
fn known_schema() -> i64 {
    crate::MIGRATOR
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or_default()
}

fn database_in(data_dir: &Path) -> PathBuf {
    data_dir.join(DATABASE_FILE)
}

/// The database in `data_dir` copied to `file`, which must not exist yet, as one snapshot
/// while a server may be writing; returns what the copy holds.
pub async fn backup(data_dir: &Path, file: &Path) -> Result<Contents, BackupError> {
    let database = database_in(data_dir);
    if !database.is_file() {
        return Err(BackupError::NoDatabase(data_dir.to_owned()));
    }
    if file.exists() {
        return Err(BackupError::TargetExists(file.to_owned()));
    }
    let target = file.to_str().ok_or_else(|| BackupError::File {
        path: file.to_owned(),
        source: std::io::Error::other("the file name is not UTF-8"),
    })?;
    // Read-only: a backup never writes to the database it copies (nor migrates it).
    let mut source = SqliteConnectOptions::new()
        .filename(&database)
        .read_only(true)
        .busy_timeout(std::time::Duration::from_secs(30))
        .connect()
        .await?;
    sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(&mut source)
        .await?;
    source.close().await?;
    inspect(file).await
}

/// Checks `file` is a whole Keikaku database this release can open; what it holds.
async fn inspect(file: &Path) -> Result<Contents, BackupError> {
    let not_a_database = |reason: String| BackupError::NotADatabase {
        path: file.to_owned(),
        reason,
    };
    if !file.is_file() {
        return Err(not_a_database("no such file".into()));
    }
    let mut connection = SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .immutable(true)
        .connect()
        .await
        .map_err(|e| not_a_database(e.to_string()))?;
    let checked: String = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_one(&mut connection)
        .await
        .map_err(|e| not_a_database(e.to_string()))?;
    if checked != "ok" {
        return Err(not_a_database(format!("damaged: {checked}")));
    }
    let schema: Option<i64> =
        sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut connection)
            .await
            .map_err(|_| not_a_database("it has no Keikaku schema".into()))?;
    let schema = schema.ok_or_else(|| not_a_database("it has no Keikaku schema".into()))?;
    if schema > known_schema() {
        return Err(BackupError::Newer {
            path: file.to_owned(),
            found: schema,
            known: known_schema(),
        });
    }
    let contents = contents(&mut connection).await?;
    connection.close().await?;
    Ok(contents)
}

async fn contents(connection: &mut SqliteConnection) -> Result<Contents, BackupError> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut *connection)
    .await?;
    let mut contents = Contents::default();
    for table in tables {
        // Names from the schema itself, quoted as identifiers.
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) FROM \"{}\"",
            table.replace('"', "\"\"")
        )))
        .fetch_one(&mut *connection)
        .await?;
        contents.rows += count;
        match table.as_str() {
            "plans" => contents.plans = count,
            "users" => contents.users = count,
            "sync_mutations" => contents.sync_mutations = count,
            _ => {}
        }
    }
    Ok(contents)
}

/// Whether a process has the database open: a connection in WAL mode holds a shared lock on
/// the database file while it is open, so the exclusive lock asked for here is refused (busy).
async fn in_use(database: &Path) -> Result<bool, BackupError> {
    let attempt = async {
        let mut connection = SqliteConnectOptions::new()
            .filename(database)
            .locking_mode(SqliteLockingMode::Exclusive)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(std::time::Duration::ZERO)
            .connect()
            .await?;
        let locked = sqlx::query("BEGIN EXCLUSIVE; COMMIT")
            .execute(&mut connection)
            .await;
        connection.close().await?;
        locked.map(drop)
    };
    match attempt.await {
        Ok(()) => Ok(false),
        Err(e) => {
            let error = StoreError::Database(e);
            if error.is_busy() {
                Ok(true)
            } else {
                Err(error.into())
            }
        }
    }
}

/// Replaces the database in `data_dir` with the backup `file`, which must be a Keikaku
/// database of this release or an earlier one (migrated on the next start). Refused while a
/// server uses the directory, and, unless `force`, when its database holds anything.
/// Returns what the restored database holds.
pub async fn restore(data_dir: &Path, file: &Path, force: bool) -> Result<Contents, BackupError> {
    let restored = inspect(file).await?;
    let database = database_in(data_dir);
    if database.is_file() {
        if in_use(&database).await? {
            return Err(BackupError::InUse(data_dir.to_owned()));
        }
        let mut connection = SqliteConnectOptions::new()
            .filename(&database)
            .connect()
            .await?;
        let holds = contents(&mut connection).await?;
        connection.close().await?;
        if holds.rows > 0 && !force {
            return Err(BackupError::NotEmpty {
                path: data_dir.to_owned(),
                holds,
            });
        }
    }
    std::fs::create_dir_all(data_dir).map_err(|source| BackupError::File {
        path: data_dir.to_owned(),
        source,
    })?;
    // Copied beside the database and renamed over it, so a crash never leaves half of one in
    // place. The old database's WAL files go first: they would be replayed into the new one.
    let incoming = data_dir.join(format!("{DATABASE_FILE}.restoring"));
    let file_error = |path: &Path| {
        let path = path.to_owned();
        move |source| BackupError::File { path, source }
    };
    std::fs::copy(file, &incoming).map_err(file_error(&incoming))?;
    std::fs::File::open(&incoming)
        .and_then(|f| f.sync_all())
        .map_err(file_error(&incoming))?;
    for suffix in ["-wal", "-shm"] {
        let stale = data_dir.join(format!("{DATABASE_FILE}{suffix}"));
        match std::fs::remove_file(&stale) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(file_error(&stale)(e));
            }
            _ => {}
        }
    }
    std::fs::rename(&incoming, &database).map_err(file_error(&database))?;
    Ok(restored)
}
