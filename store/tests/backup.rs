//! Backups through real SQLite files: what a backup holds, what a restore refuses (a file that
//! is not a whole Keikaku database, one from a newer release, a directory in use or holding
//! anything) and that a refused restore changes nothing. The backup taken while a server
//! writes is tested with the server (`server/tests/sync.rs`).

mod support;

use std::path::PathBuf;

use keikaku_store::backup::{backup, restore, BackupError, Contents};
use keikaku_store::{ImportMode, Store};
use support::{sample, store_with_komagane, TempDir};

/// Which of the two sample plans the tests use `store` holds.
async fn plans_held(store: &Store) -> [bool; 2] {
    let mut held = [false; 2];
    for (i, id) in ["komagane-dx-strategy", "shimada-dx-plan"]
        .iter()
        .enumerate()
    {
        held[i] = store.load_plan(id).await.unwrap().is_some();
    }
    held
}

/// A backup of the database in `source`, in a directory of its own (named after `tag`);
/// what it holds.
async fn backed_up(source: &TempDir, tag: &str) -> (TempDir, PathBuf, Contents) {
    let dir = TempDir::new("backup", tag);
    std::fs::create_dir_all(&dir.0).unwrap();
    let copy = dir.0.join("keikaku.backup");
    let contents = backup(&source.0, &copy).await.unwrap();
    (dir, copy, contents)
}

#[tokio::test]
async fn a_backup_restored_into_an_empty_directory_holds_what_was_committed() {
    let (source, store) = store_with_komagane("backup", "restored-source").await;
    // Taken while the store is open and holds its connections, as under a running server.
    let (_file, copy, backed_up) = backed_up(&source, "restored-file").await;
    assert_eq!(backed_up.plans, 1);
    assert!(backed_up.rows > 100, "{backed_up}");
    // Written after the backup: not in it.
    store
        .import_plan(&sample("shimada"), ImportMode::Create)
        .await
        .unwrap();

    let target = TempDir::new("backup", "restored-target");
    let restored = restore(&target.0, &copy, false).await.unwrap();
    assert_eq!(restored, backed_up);
    let reopened = Store::open(&target.0).await.unwrap();
    assert_eq!(plans_held(&reopened).await, [true, false]);
    assert_eq!(
        reopened.load_plan("komagane-dx-strategy").await.unwrap(),
        store.load_plan("komagane-dx-strategy").await.unwrap()
    );
    reopened.close().await;
    store.close().await;
}

#[tokio::test]
async fn a_backup_is_written_only_to_a_new_file_of_an_existing_database() {
    let (source, store) = store_with_komagane("backup", "new-file").await;
    let file = TempDir::new("backup", "new-file-target");
    std::fs::create_dir_all(&file.0).unwrap();
    let existing = file.0.join("taken");
    std::fs::write(&existing, b"something else").unwrap();
    assert!(matches!(
        backup(&source.0, &existing).await,
        Err(BackupError::TargetExists(_))
    ));
    assert_eq!(std::fs::read(&existing).unwrap(), b"something else");
    let nowhere = TempDir::new("backup", "no-database");
    assert!(matches!(
        backup(&nowhere.0, &file.0.join("copy")).await,
        Err(BackupError::NoDatabase(_))
    ));
    assert!(!file.0.join("copy").exists());
    store.close().await;
}

#[tokio::test]
async fn a_restore_refuses_a_directory_in_use_or_holding_anything_unless_forced() {
    let (source, store) = store_with_komagane("backup", "refuse-source").await;
    let (_file, copy, _) = backed_up(&source, "refuse-file").await;

    // The source itself is open: refused even with --force.
    let in_use = restore(&source.0, &copy, true).await;
    assert!(matches!(in_use, Err(BackupError::InUse(_))), "{in_use:?}");

    // Another directory holding a plan: refused, saying what it holds, and left as it was.
    let other = TempDir::new("backup", "refuse-other");
    let occupied = Store::open(&other.0).await.unwrap();
    occupied
        .import_plan(&sample("shimada"), ImportMode::Create)
        .await
        .unwrap();
    occupied.close().await;
    let refused = restore(&other.0, &copy, false).await;
    let Err(BackupError::NotEmpty { holds, .. }) = &refused else {
        panic!("{refused:?}");
    };
    assert_eq!(holds.plans, 1);
    assert!(
        refused.unwrap_err().to_string().contains("--force"),
        "the message says how to go on"
    );
    let kept = Store::open(&other.0).await.unwrap();
    assert_eq!(plans_held(&kept).await, [false, true]);
    kept.close().await;

    // Forced, the backup replaces it.
    restore(&other.0, &copy, true).await.unwrap();
    let replaced = Store::open(&other.0).await.unwrap();
    assert_eq!(plans_held(&replaced).await, [true, false]);
    replaced.close().await;
    store.close().await;
}

#[tokio::test]
async fn a_restore_refuses_a_file_that_is_not_a_whole_keikaku_database_of_this_release() {
    let (source, store) = store_with_komagane("backup", "not-source").await;
    let (file, copy, _) = backed_up(&source, "not-file").await;
    store.close().await;
    let target = TempDir::new("backup", "not-target");

    let text = file.0.join("notes.txt");
    std::fs::write(&text, "これはデータベースではありません").unwrap();
    // Another SQLite database, without Keikaku's schema.
    let foreign = file.0.join("other.sqlite");
    {
        use sqlx::{ConnectOptions, Connection};
        let mut other = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&foreign)
            .create_if_missing(true)
            .connect()
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (x)")
            .execute(&mut other)
            .await
            .unwrap();
        other.close().await.unwrap();
    }
    // Cut short, as by a full disk.
    let truncated = file.0.join("truncated.backup");
    let bytes = std::fs::read(&copy).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    for bad in [&text, &foreign, &truncated, &file.0.join("missing")] {
        let refused = restore(&target.0, bad, false).await;
        assert!(
            matches!(refused, Err(BackupError::NotADatabase { .. })),
            "{bad:?}: {refused:?}"
        );
    }

    // From a newer release: a migration this one does not know.
    let newer = file.0.join("newer.backup");
    std::fs::copy(&copy, &newer).unwrap();
    {
        use sqlx::{ConnectOptions, Connection};
        let mut db = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&newer)
            .connect()
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
             VALUES (99990101000000, 'from the future', CURRENT_TIMESTAMP, 1, x'00', 0)",
        )
        .execute(&mut db)
        .await
        .unwrap();
        db.close().await.unwrap();
    }
    let refused = restore(&target.0, &newer, false).await;
    assert!(
        matches!(
            refused,
            Err(BackupError::Newer {
                found: 99990101000000,
                ..
            })
        ),
        "{refused:?}"
    );
    // Nothing was written for any of them.
    assert!(!target.0.exists() || std::fs::read_dir(&target.0).unwrap().next().is_none());
}
