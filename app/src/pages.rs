//! Page data, from the server when it answers and otherwise from the plans kept in this
//! browser ([`crate::offline::plans`]). Routes call these instead of the endpoints in
//! [`crate::api`], so every plan page also opens offline, visited before or not.
//!
//! On the server these are the endpoints themselves.

use std::future::Future;

#[cfg(feature = "hydrate")]
use keikaku_domain::format::PlanFile;
use keikaku_domain::lang::Lang;
use keikaku_domain::roadmap::RoadmapView;
use keikaku_domain::views::*;
use leptos::prelude::ServerFnError;
#[cfg(feature = "hydrate")]
use leptos::prelude::{Get, Set};

use crate::api;

/// Runs `online`; when the server cannot be reached, builds the answer from the kept plans.
/// With nothing kept, the network error stands. In a tab opened from the app shell, the kept
/// plans come first (see [`offline_first`]).
#[cfg(feature = "hydrate")]
fn with_fallback<T: 'static>(
    online: impl Future<Output = Result<T, ServerFnError>> + 'static,
    keep: Option<String>,
    offline: impl FnOnce(Vec<PlanFile>) -> Option<T> + 'static,
) -> impl Future<Output = Result<T, ServerFnError>> + Send + 'static {
    let status = crate::offline::use_sync_status();
    // In a tab the service worker opened with the app shell, the server could not be reached a
    // moment ago: until it has been reached again, pages are built from the kept plans without
    // trying it first (30 ms of an offline open). With nothing kept, it is tried after all.
    let offline_first = offline_first(status);
    send_wrapper::SendWrapper::new(async move {
        if offline_first {
            let plans = read_kept(keep.clone()).await;
            if !plans.is_empty() {
                let _phase = crate::timeline::Phase::start("keikaku:offline-view");
                if let Some(view) = offline(plans) {
                    status.online.set(false);
                    return Ok(view);
                }
                // Not among the kept plans: only the server can answer.
                return online.await;
            }
        }
        let phase = crate::timeline::Phase::start("keikaku:server-attempt");
        let online = online.await;
        drop(phase);
        match online {
            Ok(value) => {
                status.online.set(true);
                if let Some(plan_id) = keep.clone() {
                    // Opened once, readable offline from now on.
                    leptos::task::spawn_local(async move {
                        crate::offline::plans::keep_plan(&plan_id).await;
                    });
                }
                Ok(value)
            }
            Err(error) if server_unreachable(&error) => {
                status.online.set(false);
                let plans = read_kept(keep).await;
                if plans.is_empty() {
                    return Err(error);
                }
                let _phase = crate::timeline::Phase::start("keikaku:offline-view");
                offline(plans).ok_or(error)
            }
            Err(error) => Err(error),
        }
    })
}

/// Whether to build pages from the kept plans before trying the server (see `with_fallback`):
/// a tab opened from the app shell, until the server has been reached again.
#[cfg(feature = "hydrate")]
pub(crate) fn offline_first(status: crate::offline::SyncStatus) -> bool {
    use leptos::prelude::GetUntracked;
    crate::offline::opened_offline() && !status.online.get_untracked()
}

/// Whether a request failed for want of the server (no network, or an answer that is not the
/// API's, such as an error page from a proxy), so kept data may stand in.
#[cfg(feature = "hydrate")]
fn server_unreachable(error: &ServerFnError) -> bool {
    matches!(
        error,
        ServerFnError::Request(_) | ServerFnError::Deserialization(_)
    )
}

/// What an offline page is built from: the kept plan it shows (all kept plans when `keep` is
/// `None`), after learning who signed in here, which the builders ask.
#[cfg(feature = "hydrate")]
async fn read_kept(keep: Option<String>) -> Vec<PlanFile> {
    let _phase = crate::timeline::Phase::start("keikaku:kept-plan-read");
    let _ = crate::offline::device::signed_in().await;
    if crate::offline::lock::tab_locked().await {
        crate::offline::use_sync_status().locked.set(true);
        return Vec::new();
    }
    // A plan page needs only its own plan; parsing every kept plan would slow the offline open.
    match keep {
        Some(plan_id) => crate::offline::plans::cached_plan(&plan_id)
            .await
            .into_iter()
            .collect(),
        None => crate::offline::plans::cached_plans().await,
    }
}

#[cfg(feature = "hydrate")]
fn find<'a>(plans: &'a [PlanFile], plan_id: &str) -> Option<&'a PlanFile> {
    plans.iter().find(|f| f.plan.id == plan_id)
}

macro_rules! page_loader {
    ($(#[$doc:meta])* $name:ident ($($arg:ident : $ty:ty),*) -> $out:ty,
     online: $online:expr, keep: $keep:expr, offline: |$plans:ident| $offline:expr) => {
        $(#[$doc])*
        pub fn $name($($arg: $ty),*) -> impl Future<Output = Result<$out, ServerFnError>> + Send + 'static {
            #[cfg(feature = "hydrate")]
            {
                let keep: Option<String> = $keep;
                let online = $online;
                with_fallback(online, keep, move |$plans: Vec<PlanFile>| $offline)
            }
            #[cfg(not(feature = "hydrate"))]
            {
                $online
            }
        }
    };
}

page_loader!(
    /// The home page's list of plans by municipality.
    home() -> Vec<MunicipalityPlans>,
    online: api::home_page(),
    keep: None,
    offline: |plans| Some(group_by_municipality(
        plans.iter().map(|f| PlanSummary::of(&f.organization, &f.plan)).collect(),
    ))
);

page_loader!(
    plan(plan_id: String, lang: Lang) -> Option<OverviewView>,
    online: api::plan_page(plan_id.clone(), lang),
    keep: Some(plan_id.clone()),
    offline: |plans| find(&plans, &plan_id).map(|f| Some(OverviewView::of(&f.organization, &f.plan.in_language(&f.organization, lang))))
);

page_loader!(
    measure(plan_id: String, measure_id: String, lang: Lang) -> Option<MeasureView>,
    online: api::measure_page(plan_id.clone(), measure_id.clone(), lang),
    keep: Some(plan_id.clone()),
    offline: |plans| find(&plans, &plan_id).map(|f| {
        MeasureView::of(&f.organization, &f.plan.in_language(&f.organization, lang), &measure_id).map(|mut view| {
            // Offline, whoever signed in on this device may record; the server checks each
            // change when it arrives, and a refusal is shown then and kept until discarded.
            view.progress_recordable = crate::offline::device::signed_in_known().is_some();
            view.report_submittable = view.progress_recordable;
            view
        })
    })
);

page_loader!(
    roadmap(plan_id: String, node: Option<String>, department: Option<String>, year: Option<String>, lang: Lang) -> Option<RoadmapView>,
    online: api::roadmap_page(plan_id.clone(), node.clone(), department.clone(), year.clone(), lang),
    keep: Some(plan_id.clone()),
    offline: |plans| find(&plans, &plan_id).map(|f| Some(RoadmapView::for_query(
        &f.organization,
        &f.plan.in_language(&f.organization, lang),
        lang,
        node.as_deref(),
        department.as_deref(),
        year.as_deref(),
    )))
);

page_loader!(
    glossary(plan_id: String, lang: Lang) -> Option<GlossaryView>,
    online: api::glossary_page(plan_id.clone(), lang),
    keep: Some(plan_id.clone()),
    offline: |plans| find(&plans, &plan_id).map(|f| {
        let plan = f.plan.in_language(&f.organization, lang);
        Some(GlossaryView {
            summary: PlanSummary::of(&f.organization, &plan),
            terms: plan.glossary,
        })
    })
);

/// The document of a plan's current version (`None`) or of version `n`. Offline, the current
/// version is built from the kept plan, and another version is the one the page kept when it
/// was read online.
pub fn document(
    plan_id: String,
    version: Option<u32>,
) -> std::pin::Pin<
    Box<
        dyn Future<Output = Result<Option<keikaku_domain::document::DocumentView>, ServerFnError>>
            + Send,
    >,
> {
    #[cfg(feature = "hydrate")]
    {
        use keikaku_domain::document::DocumentView;
        let online = api::versions::document_page(plan_id.clone(), version);
        match version {
            None => Box::pin(with_fallback(online, Some(plan_id.clone()), move |plans| {
                find(&plans, &plan_id)
                    .map(|f| Some(DocumentView::of(&f.organization, &f.plan, None, Vec::new())))
            })),
            Some(number) => {
                let offline_first = offline_first(crate::offline::use_sync_status());
                Box::pin(send_wrapper::SendWrapper::new(async move {
                    if offline_first {
                        if let Some(view) =
                            crate::offline::plans::kept_document(&plan_id, number).await
                        {
                            return Ok(Some(view));
                        }
                    }
                    // The page keeps what it shows (`routes::document`).
                    match online.await {
                        Err(error) if server_unreachable(&error) => {
                            crate::offline::use_sync_status().online.set(false);
                            match crate::offline::plans::kept_document(&plan_id, number).await {
                                Some(view) => Ok(Some(view)),
                                None => Err(error),
                            }
                        }
                        other => other,
                    }
                }))
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Box::pin(api::versions::document_page(plan_id, version))
    }
}

page_loader!(
    search(query: String) -> SearchView,
    online: api::search_page(query.clone()),
    keep: None,
    offline: |plans| {
        let query: String = query.chars().take(200).collect();
        let (hits, truncated) = keikaku_domain::search::search_plans(
            plans.iter().map(|f| (&f.organization, &f.plan)),
            &query,
            api::SEARCH_LIMIT,
        );
        Some(SearchView { query, hits, truncated })
    }
);

/// What a page's recorded progress depends on besides the plan: in a page opened from the app
/// shell, the offline replica's revision once it has loaded (it loads after the page first
/// renders, and edits change it); everywhere else nothing, so an online page asks once.
pub fn offline_replica_revision() -> Option<u64> {
    #[cfg(feature = "hydrate")]
    if crate::offline::opened_offline() {
        let status = crate::offline::use_sync_status();
        return status.ready.get().then(|| status.revision.get());
    }
    None
}

/// The recorded progress of the plan in the route (`:plan_id`), for pages that set it against
/// the plan: asked once online; in a page opened from the app shell, again once the offline
/// replica has loaded and whenever it changes (see [`offline_replica_revision`]).
pub fn use_plan_actuals(
) -> leptos::prelude::Resource<Result<keikaku_sync::report::PlanActuals, ServerFnError>> {
    use leptos::prelude::Read as _;
    let params = leptos_router::hooks::use_params_map();
    leptos::prelude::Resource::new(
        move || {
            (
                params.read().get("plan_id").unwrap_or_default(),
                offline_replica_revision(),
            )
        },
        |(plan_id, _)| actuals(plan_id),
    )
}

/// A plan's recorded progress. Offline, this device's replica (if any) stands in: it needs no
/// kept plan, only the engine, which may still be opening when the page asks.
pub fn actuals(
    plan_id: String,
) -> impl Future<Output = Result<keikaku_sync::report::PlanActuals, ServerFnError>> + Send + 'static
{
    #[cfg(feature = "hydrate")]
    {
        let online = api::plan_actuals(plan_id.clone());
        let offline_first = offline_first(crate::offline::use_sync_status());
        send_wrapper::SendWrapper::new(async move {
            let answer = if offline_first {
                Err(ServerFnError::Request("opened offline".to_owned()))
            } else {
                online.await
            };
            match answer {
                Err(error) if server_unreachable(&error) => {
                    // A page opened from the app shell renders before the replica has loaded
                    // and asks again once it has (see `offline_replica_revision`).
                    let engine = match crate::offline::engine::engine() {
                        Some(engine) => Some(engine),
                        None if crate::offline::opened_offline() => None,
                        None => crate::offline::engine::opened().await,
                    };
                    let records = match engine {
                        Some(engine) => engine.with_replica(|replica| replica.plan_views(&plan_id)),
                        None => Vec::new(),
                    };
                    Ok(keikaku_sync::report::PlanActuals::of(&records))
                }
                other => other,
            }
        })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        api::plan_actuals(plan_id)
    }
}

/// A round's sheet for its dashboard and report. Offline, it is built from this device's
/// replica (which holds the organization's records and their places in rounds) and the kept
/// plan: what the records hold here, without the review controls.
pub fn round(
    round_id: String,
) -> impl Future<Output = Result<api::Guarded<api::rounds::RoundView>, ServerFnError>> + Send + 'static
{
    #[cfg(feature = "hydrate")]
    {
        let online = api::rounds::round_page(round_id.clone());
        let offline_first = offline_first(crate::offline::use_sync_status());
        send_wrapper::SendWrapper::new(async move {
            let answer = if offline_first {
                Err(ServerFnError::Request("opened offline".to_owned()))
            } else {
                online.await
            };
            match answer {
                Err(error) if server_unreachable(&error) => {
                    crate::offline::use_sync_status().online.set(false);
                    offline_round(&round_id).await.ok_or(error)
                }
                other => other,
            }
        })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        api::rounds::round_page(round_id)
    }
}

/// The round as this device knows it, if it holds any of its records and the plan.
#[cfg(feature = "hydrate")]
async fn offline_round(round_id: &str) -> Option<api::Guarded<api::rounds::RoundView>> {
    use keikaku_sync::round_sheet::{RoundHead, RowInput, Sheet};
    let engine = match crate::offline::engine::engine() {
        Some(engine) => engine,
        None => crate::offline::engine::opened().await?,
    };
    let records: Vec<keikaku_sync::progress::ProgressRecord> = engine.with_replica(|replica| {
        replica
            .confirmed_records()
            .filter(|r| r.rounds.contains_key(round_id))
            .map(|r| replica.view(&r.key))
            .collect()
    });
    let first = records.first()?;
    let plan_id = first.key.plan_id.clone();
    let round = first.rounds[round_id].value.clone();
    let kept = crate::offline::plans::cached_plan(&plan_id).await?;
    let head = RoundHead {
        id: round_id.to_owned(),
        plan_id: plan_id.clone(),
        plan_title: kept.plan.title.clone(),
        organization_name: kept.organization.name.clone(),
        fiscal_year: first.key.fiscal_year,
        kind: round.kind,
        title: round.title.clone(),
        opens_on: String::new(),
        deadline: round.deadline.clone(),
        state: round.round_state,
        stale_days: u32::MAX,
        created_at: 0,
    };
    let rows = records
        .iter()
        .map(|record| RowInput {
            target: record.key.target.clone(),
            round: record.rounds[round_id].value.clone(),
            content: record.clone(),
            last_update: None,
        })
        .collect();
    let now = (js_sys::Date::now() / 1000.0) as i64;
    let today = keikaku_domain::date::Day::in_japan_at(now);
    let mut sheet = Sheet::build_in(head, &kept.plan, rows, today, crate::client::page_lang());
    // In the plan's order, as the server gives it.
    let order: Vec<String> = kept
        .plan
        .measures
        .iter()
        .flat_map(|m| std::iter::once(m.id.clone()).chain(m.actions.iter().map(|a| a.id.clone())))
        .collect();
    sheet
        .rows
        .sort_by_key(|row| order.iter().position(|id| id == row.target.id()));
    Some(api::Guarded::Found(Box::new(api::rounds::RoundView {
        summary: PlanSummary::of(&kept.organization, &kept.plan),
        sheet,
        steps: Vec::new(),
        reviewer: false,
        csrf_token: String::new(),
    })))
}
