//! The plans this browser can show without a connection, kept in IndexedDB in the import
//! format (`keikaku-plan/1`, as `GET /api/v1/plans/{id}` exports them). Signed-in staff keep
//! every plan they may read, until they sign out ([`erase`]); anyone else keeps the published
//! plans they opened.
//!
//! Page views are computed from these with the same pure functions the server uses, so a page
//! opened offline reads exactly like the one the server renders. The documents of other
//! versions a reader opened (a council member reading the previous version, or the draft
//! revision) are kept beside them as they were shown, and go with them at sign-out.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use keikaku_domain::document::DocumentView;
use keikaku_domain::format::{KeptPlan, PlanFile, PlanStatus};
use keikaku_domain::views::PlanSummary;

use crate::client::{page_lang, send_json};
use crate::timeline::Phase;

use super::names::{
    PLANS_DATABASE_PREFIX, PLANS_STORE as PLANS, PUBLIC_OWNER, VERSIONS_STORE as VERSIONS,
};

/// Cumulative upgrades, as for the replica: 2 adds the documents of versions.
const SCHEMA_VERSION: u32 = 2;

/// Plans are kept per person (a draft must not outlive its reader's sign-in on a shared
/// tablet): the user signed in here, or the public.
async fn owner() -> Option<String> {
    super::device::signed_in().await.map(|(login, _)| login)
}

fn database_name(owner: Option<&str>) -> String {
    format!("{PLANS_DATABASE_PREFIX}{}", owner.unwrap_or(PUBLIC_OWNER))
}

/// Runs `use_db` on the database of the person signed in here (or the public's) and closes it
/// after: a connection left open would hold up the database's deletion when the device
/// changes hands ([`erase`]), and every later open behind it.
async fn with_db<T>(use_db: impl AsyncFnOnce(&Database) -> T) -> Option<T> {
    with_named_db(&database_name(owner().await.as_deref()), use_db).await
}

async fn with_named_db<T>(name: &str, use_db: impl AsyncFnOnce(&Database) -> T) -> Option<T> {
    let db = open_named(name).await?;
    let result = use_db(&db).await;
    db.close();
    Some(result)
}

async fn open_named(name: &str) -> Option<Database> {
    Database::open(name)
        .with_version(SCHEMA_VERSION)
        .with_on_upgrade_needed(|event, db| {
            if (event.old_version() as u32) < 1 {
                db.create_object_store(PLANS).build()?;
            }
            if (event.old_version() as u32) < 2 {
                db.create_object_store(VERSIONS).build()?;
            }
            Ok(())
        })
        .await
        .ok()
}

/// Every stored plan, in the order they were listed by the server.
pub async fn cached_plans() -> Vec<PlanFile> {
    let values: Vec<String> = with_db(async |db| {
        let tx = db.transaction(PLANS).build().ok()?;
        let store = tx.object_store(PLANS).ok()?;
        let values = store.get_all().primitive().ok()?.await.ok()?;
        Some(values.filter_map(Result::ok).collect())
    })
    .await
    .flatten()
    .unwrap_or_default();
    let mut plans: Vec<(u32, PlanFile)> = values
        .iter()
        .filter_map(|v| serde_json::from_str::<KeptPlan>(v).ok())
        .map(|s| (s.order, s.file))
        .collect();
    plans.sort_by_key(|(order, _)| *order);
    plans.into_iter().map(|(_, file)| file).collect()
}

pub async fn cached_plan(plan_id: &str) -> Option<PlanFile> {
    let value: Option<String> = match super::early::plan(plan_id).await {
        Some(early) => early,
        None => {
            let _phase = Phase::start("keikaku:plan-get");
            with_db(async |db| {
                let tx = db.transaction(PLANS).build().ok()?;
                let store = tx.object_store(PLANS).ok()?;
                store.get(plan_id).primitive().ok()?.await.ok()?
            })
            .await
            .flatten()
        }
    };
    let _phase = Phase::start("keikaku:plan-parse");
    value
        .and_then(|v| serde_json::from_str::<KeptPlan>(&v).ok())
        .map(|s| s.file)
}

async fn store_plans(files: Vec<(u32, PlanFile)>) -> Result<(), String> {
    with_db(async |db| {
        let tx = super::write_transaction(db, PLANS)?;
        let store = tx.object_store(PLANS).map_err(|e| e.to_string())?;
        for (order, file) in files {
            let key = file.plan.id.clone();
            let value =
                serde_json::to_string(&KeptPlan { order, file }).map_err(|e| e.to_string())?;
            // A failed request aborts the transaction, which the commit reports.
            drop(
                store
                    .put(value)
                    .with_key(key)
                    .primitive()
                    .map_err(|e| e.to_string())?,
            );
        }
        tx.commit().await.map_err(|e| e.to_string())
    })
    .await
    .ok_or_else(super::device::no_database)??;
    super::service_worker::plans_kept();
    Ok(())
}

/// Downloads every plan the signed-in user may read and keeps it for offline use.
pub async fn keep_readable_plans() -> Result<usize, String> {
    let list = send_json("GET", "/api/v1/plans", "", None)
        .await
        .map_err(|p| p.message_in(page_lang()))?;
    let summaries: Vec<PlanSummary> = serde_json::from_value(list).map_err(|e| e.to_string())?;
    let mut files = Vec::new();
    for (order, summary) in summaries.iter().enumerate() {
        let url = format!("/api/v1/plans/{}", summary.id);
        let file = send_json("GET", &url, "", None)
            .await
            .map_err(|p| p.message_in(page_lang()))?;
        let file: PlanFile = serde_json::from_value(file).map_err(|e| e.to_string())?;
        files.push((order as u32, file));
    }
    let count = files.len();
    store_plans(files).await?;
    Ok(count)
}

/// Keeps one plan the visitor opened, unless it is kept already. The public's plans are the
/// published ones only: a draft read in a session the device has not yet recorded never lands
/// where the next visitor would find it.
pub async fn keep_plan(plan_id: &str) {
    if cached_plan(plan_id).await.is_some() {
        return;
    }
    let url = format!("/api/v1/plans/{plan_id}");
    if let Ok(file) = send_json("GET", &url, "", None).await {
        if let Ok(file) = serde_json::from_value::<PlanFile>(file) {
            if file.plan.status != PlanStatus::Published && owner().await.is_none() {
                return;
            }
            let order = cached_plans().await.len() as u32;
            let _ = store_plans(vec![(order, file)]).await;
        }
    }
}

fn version_key(plan_id: &str, number: u32) -> String {
    format!("{plan_id}/{number}")
}

/// Keeps the document of a version read online, for reading it offline. The public keeps
/// versions of published plans only, and never a draft revision.
pub async fn keep_document(view: &DocumentView) {
    let Some(version) = &view.version else {
        return;
    };
    let public = owner().await.is_none();
    let private = view.summary.status != PlanStatus::Published
        || version.state == keikaku_domain::revision::VersionState::Draft;
    if public && private {
        return;
    }
    let mut kept = view.clone();
    // Presenting needs the server; offline nobody points or follows.
    kept.can_present = false;
    kept.can_follow = false;
    let Ok(value) = serde_json::to_string(&kept) else {
        return;
    };
    let key = version_key(&view.summary.id, version.number.0);
    let _ = with_db(async |db| {
        let tx = super::write_transaction(db, VERSIONS)?;
        let store = tx.object_store(VERSIONS).map_err(|e| e.to_string())?;
        drop(
            store
                .put(value)
                .with_key(key)
                .primitive()
                .map_err(|e| e.to_string())?,
        );
        tx.commit().await.map_err(|e| e.to_string())
    })
    .await;
}

/// The document of a version kept by [`keep_document`].
pub async fn kept_document(plan_id: &str, number: u32) -> Option<DocumentView> {
    let key = version_key(plan_id, number);
    let value: Option<String> = with_db(async |db| {
        let tx = db.transaction(VERSIONS).build().ok()?;
        let store = tx.object_store(VERSIONS).ok()?;
        store.get(key).primitive().ok()?.await.ok()?
    })
    .await
    .flatten();
    value.and_then(|v| serde_json::from_str(&v).ok())
}

/// Removes every plan kept for `login` (drafts of their organization among them).
pub async fn erase(login: &str) -> Result<(), String> {
    let name = database_name(Some(login));
    with_named_db(&name, async |db| {
        for name in [PLANS, VERSIONS] {
            let tx = super::write_transaction(db, name)?;
            let store = tx.object_store(name).map_err(|e| e.to_string())?;
            drop(store.clear().map_err(|e| e.to_string())?);
            tx.commit().await.map_err(|e| e.to_string())?;
        }
        Ok::<(), String>(())
    })
    .await
    .unwrap_or(Ok(()))?;
    super::storage::delete_database(&name);
    Ok(())
}
