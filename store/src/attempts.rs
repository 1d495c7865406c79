//! Password attempts: what the login throttle remembers. An attempt is written before its
//! password check runs, in the same transaction that counted the earlier ones, so parallel
//! requests see each other's attempts and the throttle cannot be raced. The policy itself is
//! the caller's (`decide`): this module only counts and writes.

use crate::{Result, Store};

/// Failed or still running attempts under one key within the window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub count: i64,
    /// Unix seconds of the latest one, if any.
    pub last: Option<i64>,
}

/// What the throttle weighs for one attempt: the attempts on this account from this address,
/// on this account from anywhere, and from this address on any account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AttemptCounts {
    pub pair: Tally,
    pub account: Tally,
    pub address: Tally,
}

/// A reserved attempt, counted as failed until [`Store::attempt_succeeded`] says otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptId(i64);

/// The key an account is counted under: the login as the store compares it.
fn account_key(login: &str) -> String {
    login.trim().to_lowercase()
}

impl Store {
    /// Counts the attempts newer than `since`, asks `decide`, and if it allows, records this
    /// attempt, all in one write transaction. Rows at or before `since` are pruned.
    pub async fn reserve_attempt<R>(
        &self,
        login: &str,
        address: &str,
        now: i64,
        since: i64,
        decide: impl FnOnce(&AttemptCounts) -> Result<(), R>,
    ) -> Result<Result<AttemptId, R>> {
        let account = account_key(login);
        // IMMEDIATE takes the write lock before the counts are read: two requests can never
        // both read a count the other has not yet added to.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("DELETE FROM login_attempts WHERE at <= ?")
            .bind(since)
            .execute(&mut *tx)
            .await?;
        let tally = |(count, last): (i64, Option<i64>)| Tally { count, last };
        let pair = sqlx::query_as(
            "SELECT COUNT(*), MAX(at) FROM login_attempts WHERE account = ? AND address = ?",
        )
        .bind(&account)
        .bind(address)
        .fetch_one(&mut *tx)
        .await
        .map(tally)?;
        let by_account =
            sqlx::query_as("SELECT COUNT(*), MAX(at) FROM login_attempts WHERE account = ?")
                .bind(&account)
                .fetch_one(&mut *tx)
                .await
                .map(tally)?;
        let by_address =
            sqlx::query_as("SELECT COUNT(*), MAX(at) FROM login_attempts WHERE address = ?")
                .bind(address)
                .fetch_one(&mut *tx)
                .await
                .map(tally)?;
        let counts = AttemptCounts {
            pair,
            account: by_account,
            address: by_address,
        };
        if let Err(refusal) = decide(&counts) {
            tx.commit().await?;
            return Ok(Err(refusal));
        }
        let id = sqlx::query("INSERT INTO login_attempts (account, address, at) VALUES (?, ?, ?)")
            .bind(&account)
            .bind(address)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .last_insert_rowid();
        tx.commit().await?;
        Ok(Ok(AttemptId(id)))
    }

    /// The password was right: the attempt and the earlier failures on this account from this
    /// address are forgotten. Failures from other addresses stay, so a successful sign-in does
    /// not reset the throttle for someone guessing elsewhere.
    pub async fn attempt_succeeded(&self, attempt: AttemptId) -> Result<()> {
        sqlx::query(
            "DELETE FROM login_attempts WHERE (account, address) IN
                 (SELECT account, address FROM login_attempts WHERE id = ?)",
        )
        .bind(attempt.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
