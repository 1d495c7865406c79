//! Demo accounts for trying Keikaku locally: created at start-up when `KEIKAKU_DEMO_USERS=on`,
//! which `scripts/run.sh` sets. Refused unless the server listens on a loopback address, so a
//! production server never has them. Existing accounts are left alone.

use keikaku_domain::access::Role;
use keikaku_store::{NewUser, Store};

use crate::auth::{self, password};

/// Shared by every demo account; listed in the README.
pub const DEMO_PASSWORD: &str = "keikaku-demo-2026";

/// (organization, login, name, role, department)
pub const DEMO_USERS: [(&str, &str, &str, Role, Option<&str>); 9] = [
    (
        "komagane",
        "komagane-admin",
        "駒ヶ根市 管理者",
        Role::Administrator,
        None,
    ),
    (
        "komagane",
        "komagane-editor",
        "駒ヶ根市 企画振興課 職員",
        Role::Editor,
        Some("企画振興課"),
    ),
    (
        "komagane",
        "komagane-council",
        "駒ヶ根市 議員",
        Role::CouncilMember,
        None,
    ),
    (
        "shimada",
        "shimada-admin",
        "島田市 管理者",
        Role::Administrator,
        None,
    ),
    (
        "shimada",
        "shimada-editor",
        "島田市 DX推進課 職員",
        Role::Editor,
        Some("DX推進課"),
    ),
    (
        "shimada",
        "shimada-council",
        "島田市 議員",
        Role::CouncilMember,
        None,
    ),
    (
        "ena",
        "ena-admin",
        "恵那市 管理者",
        Role::Administrator,
        None,
    ),
    (
        "kamigori",
        "kamigori-admin",
        "上郡町 管理者",
        Role::Administrator,
        None,
    ),
    (
        "matsue",
        "matsue-admin",
        "松江市 管理者",
        Role::Administrator,
        None,
    ),
];

pub async fn create(store: &Store) -> Result<(), String> {
    let hash = password::hash(DEMO_PASSWORD)?;
    let mut created = 0;
    for (organization, login, name, role, department) in DEMO_USERS {
        if !store
            .organization_exists(organization)
            .await
            .map_err(|e| e.to_string())?
        {
            continue;
        }
        let user = NewUser {
            organization_id: organization,
            login,
            display_name: name,
            role,
            department,
            password_hash: &hash,
        };
        if store
            .create_user(user, auth::now())
            .await
            .map_err(|e| e.to_string())?
            .is_some()
        {
            created += 1;
        }
    }
    tracing::warn!(
        created,
        "demo accounts are enabled (KEIKAKU_DEMO_USERS=on); never use this in production"
    );
    Ok(())
}
