//! Users and sessions. Passwords arrive here already hashed and session tokens already
//! digested: this module never sees a secret.

use keikaku_domain::access::{Principal, Role};
use sqlx::Row;

use crate::{Result, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub organization_id: String,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub department: Option<String>,
    pub disabled: bool,
}

impl User {
    pub fn principal(&self) -> Principal {
        Principal {
            user_id: self.id,
            organization_id: self.organization_id.clone(),
            role: self.role,
            department: self.department.clone(),
        }
    }
}

pub struct NewUser<'a> {
    pub organization_id: &'a str,
    pub login: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub department: Option<&'a str>,
    pub password_hash: &'a str,
}

/// A live session: its user and the CSRF token state-changing requests must echo.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
    pub expires_at: i64,
}

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: i64,
    pub csrf_token: &'a str,
    pub now: i64,
    pub expires_at: i64,
    pub user_agent: Option<&'a str>,
    pub address: Option<&'a str>,
}

fn user_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<User> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        organization_id: row.try_get("organization_id")?,
        login: row.try_get("login")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role:?}")))?,
        department: row.try_get("department")?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
    })
}

/// The columns [`user_from_row`] reads; a macro so queries stay static strings.
macro_rules! user_columns {
    () => {
        "id, organization_id, login, display_name, role, department, disabled"
    };
}

/// Signs a user out everywhere, inside the caller's transaction.
async fn end_sessions(tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>, user_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = ?")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    pub async fn organization_exists(&self, organization_id: &str) -> Result<bool> {
        let row = sqlx::query("SELECT 1 FROM organizations WHERE id = ?")
            .bind(organization_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    /// The organization's display name, e.g. 駒ヶ根市.
    pub async fn organization_name(&self, organization_id: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT name FROM organizations WHERE id = ?")
                .bind(organization_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub async fn department_exists(&self, organization_id: &str, name: &str) -> Result<bool> {
        let row = sqlx::query("SELECT 1 FROM departments WHERE organization_id = ? AND name = ?")
            .bind(organization_id)
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    /// Creates a user; `None` if the login is taken.
    pub async fn create_user(&self, user: NewUser<'_>, now: i64) -> Result<Option<User>> {
        let login = user.login.trim().to_lowercase();
        let result = sqlx::query(
            "INSERT INTO users (organization_id, login, display_name, role, department, password_hash,
                                created_at, password_changed_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (login) DO NOTHING",
        )
        .bind(user.organization_id)
        .bind(&login)
        .bind(user.display_name)
        .bind(user.role.as_str())
        .bind(user.department)
        .bind(user.password_hash)
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        if result.rows_affected() == 0 {
            return Ok(None);
        }
        self.user(result.last_insert_rowid()).await
    }

    pub async fn user(&self, id: i64) -> Result<Option<User>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// The user and their password hash, for signing in.
    pub async fn user_for_login(&self, login: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            ", password_hash FROM users WHERE login = ?"
        ))
        .bind(login.trim().to_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        match row {
            None => Ok(None),
            Some(row) => Ok(Some((user_from_row(&row)?, row.try_get("password_hash")?))),
        }
    }

    pub async fn users_of(&self, organization_id: &str) -> Result<Vec<User>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE organization_id = ? ORDER BY login"
        ))
        .bind(organization_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Replaces a password and ends every session of the user.
    pub async fn set_password(&self, user_id: i64, password_hash: &str, now: i64) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?")
            .bind(password_hash)
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        end_sessions(&mut tx, user_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Disables or re-enables a user; disabling ends their sessions.
    pub async fn set_disabled(&self, user_id: i64, disabled: bool) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE users SET disabled = ? WHERE id = ?")
            .bind(disabled as i64)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if disabled {
            end_sessions(&mut tx, user_id).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn create_session(&self, session: NewSession<'_>) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, user_agent, address)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(session.token_hash)
        .bind(session.user_id)
        .bind(session.csrf_token)
        .bind(session.now)
        .bind(session.expires_at)
        .bind(session.user_agent)
        .bind(session.address)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The live session for a token digest: unexpired, and its user not disabled.
    pub async fn session(&self, token_hash: &str, now: i64) -> Result<Option<Session>> {
        let row = sqlx::query(
            "SELECT u.id, u.organization_id, u.login, u.display_name, u.role, u.department, u.disabled,
                    s.csrf_token, s.expires_at
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            None => Ok(None),
            Some(row) => Ok(Some(Session {
                user: user_from_row(&row)?,
                csrf_token: row.try_get("csrf_token")?,
                expires_at: row.try_get("expires_at")?,
            })),
        }
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
