//! The plans this browser can show without a connection, kept in IndexedDB in the import
//! format (`keikaku-plan/1`, as `GET /api/v1/plans/{id}` exports them). Signed-in staff keep
//! every plan they may read; anyone else keeps the plans they opened.
//!
//! Page views are computed from these with the same pure functions the server uses, so a page
//! opened offline reads exactly like the one the server renders.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{TransactionDurability, TransactionMode, TransactionOptions};
use keikaku_domain::format::{KeptPlan, PlanFile};
use keikaku_domain::views::PlanSummary;

use crate::client::send_json;
use crate::timeline::Phase;

use super::names::{PLANS_DATABASE_PREFIX, PLANS_STORE as PLANS, PUBLIC_OWNER};

/// Cumulative upgrades, as for the replica.
const SCHEMA_VERSION: u32 = 1;

/// Plans are kept per person (a draft must not outlive its reader's sign-in on a shared
/// tablet): the user who last signed in here, or the public.
async fn database_name() -> String {
    let owner = super::device::last()
        .await
        .map_or_else(|| PUBLIC_OWNER.to_owned(), |(login, _)| login);
    format!("{PLANS_DATABASE_PREFIX}{owner}")
}

async fn open() -> Option<Database> {
    Database::open(&database_name().await)
        .with_version(SCHEMA_VERSION)
        .with_on_upgrade_needed(|event, db| {
            if (event.old_version() as u32) < 1 {
                db.create_object_store(PLANS).build()?;
            }
            Ok(())
        })
        .await
        .ok()
}

/// Every stored plan, in the order they were listed by the server.
pub async fn cached_plans() -> Vec<PlanFile> {
    let Some(db) = open().await else {
        return Vec::new();
    };
    let Ok(tx) = db.transaction(PLANS).build() else {
        return Vec::new();
    };
    let Ok(store) = tx.object_store(PLANS) else {
        return Vec::new();
    };
    let values: Vec<String> = match store.get_all().primitive() {
        Ok(request) => match request.await {
            Ok(values) => values.filter_map(Result::ok).collect(),
            Err(_) => return Vec::new(),
        },
        Err(_) => return Vec::new(),
    };
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
            let phase = Phase::start("keikaku:plans-open");
            let db = open().await?;
            drop(phase);
            let _phase = Phase::start("keikaku:plan-get");
            let tx = db.transaction(PLANS).build().ok()?;
            let store = tx.object_store(PLANS).ok()?;
            store.get(plan_id).primitive().ok()?.await.ok()?
        }
    };
    let _phase = Phase::start("keikaku:plan-parse");
    value
        .and_then(|v| serde_json::from_str::<KeptPlan>(&v).ok())
        .map(|s| s.file)
}

async fn store_plans(files: Vec<(u32, PlanFile)>) -> Result<(), String> {
    let db = open().await.ok_or("IndexedDB を開けません")?;
    let tx = db
        .transaction(PLANS)
        .with_mode(TransactionMode::Readwrite)
        .with_options(strict())
        .build()
        .map_err(|e| e.to_string())?;
    let store = tx.object_store(PLANS).map_err(|e| e.to_string())?;
    for (order, file) in files {
        let key = file.plan.id.clone();
        let value = serde_json::to_string(&KeptPlan { order, file }).map_err(|e| e.to_string())?;
        // A failed request aborts the transaction, which the commit reports.
        drop(
            store
                .put(value)
                .with_key(key)
                .primitive()
                .map_err(|e| e.to_string())?,
        );
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    super::service_worker::plans_kept();
    Ok(())
}

/// Downloads every plan the signed-in user may read and keeps it for offline use.
pub async fn keep_readable_plans() -> Result<usize, String> {
    let list = send_json("GET", "/api/v1/plans", "", None)
        .await
        .map_err(|p| p.message())?;
    let summaries: Vec<PlanSummary> = serde_json::from_value(list).map_err(|e| e.to_string())?;
    let mut files = Vec::new();
    for (order, summary) in summaries.iter().enumerate() {
        let url = format!("/api/v1/plans/{}", summary.id);
        let file = send_json("GET", &url, "", None)
            .await
            .map_err(|p| p.message())?;
        let file: PlanFile = serde_json::from_value(file).map_err(|e| e.to_string())?;
        files.push((order as u32, file));
    }
    let count = files.len();
    store_plans(files).await?;
    Ok(count)
}

/// Keeps one plan the visitor opened, unless it is kept already.
pub async fn keep_plan(plan_id: &str) {
    if cached_plan(plan_id).await.is_some() {
        return;
    }
    let url = format!("/api/v1/plans/{plan_id}");
    if let Ok(file) = send_json("GET", &url, "", None).await {
        if let Ok(file) = serde_json::from_value::<PlanFile>(file) {
            let order = cached_plans().await.len() as u32;
            let _ = store_plans(vec![(order, file)]).await;
        }
    }
}

/// Written to disk before the commit reports success (Chromium's default, "relaxed", may lose
/// the last writes when a tablet's browser is closed or killed).
fn strict() -> TransactionOptions {
    TransactionOptions::new().with_durability(TransactionDurability::Strict)
}
