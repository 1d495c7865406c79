//! Page data endpoints. Each has an explicit, versioned URL (`/api/v1/pages/...`) rather than
//! the default hashed one, so a page cached on a tablet keeps working after a refactor.

use keikaku_domain::lang::Lang;
use keikaku_domain::roadmap::RoadmapView;
use keikaku_domain::views::*;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

pub mod open_data;
pub mod progress;
pub mod rounds;
pub mod versions;

/// How many search hits a page shows.
pub const SEARCH_LIMIT: usize = 100;

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use keikaku_domain::access::Viewer;
    use keikaku_domain::format::{Organization, Plan};
    use keikaku_domain::views::PlanSummary;
    use keikaku_store::Store;
    use leptos::prelude::*;

    pub fn store() -> Result<Store, ServerFnError> {
        use_context::<Store>().ok_or_else(|| ServerFnError::new("storage is not available"))
    }

    /// The language the request asks for, found as the page it serves was: the language chosen
    /// with the switch, else `Accept-Language`. An endpoint the app calls from the browser sends
    /// the same cookie and header as the page, so what an endpoint says (its failures) reads in
    /// the page's language without every caller passing it.
    pub fn request_lang() -> keikaku_domain::lang::Lang {
        use_context::<http::request::Parts>()
            .map(|parts| crate::lang::request_lang(&parts.headers))
            .unwrap_or_default()
    }

    /// What could not be loaded, for the page's error.
    #[derive(Debug, Clone, Copy)]
    pub enum Unloaded {
        Plan,
        Plans,
        Search,
        History,
        Administration,
        Progress,
        PlanProgress,
        OpenData,
        Round,
        Versions,
    }

    impl Unloaded {
        fn message(self, lang: keikaku_domain::lang::Lang) -> &'static str {
            use keikaku_domain::lang::Lang;
            match (lang, self) {
                (Lang::Ja, Unloaded::Plan) => "計画を読み込めませんでした。",
                (Lang::Ja, Unloaded::Plans) => "計画の一覧を読み込めませんでした。",
                (Lang::Ja, Unloaded::Search) => "検索できませんでした。",
                (Lang::Ja, Unloaded::History) => "変更履歴を読み込めませんでした。",
                (Lang::Ja, Unloaded::Administration) => "管理情報を読み込めませんでした。",
                (Lang::Ja, Unloaded::Progress) => "進捗を読み込めませんでした。",
                (Lang::Ja, Unloaded::OpenData) => "公開データを読み込めませんでした。",
                (Lang::Ja, Unloaded::PlanProgress) => "計画の進み具合を読み込めませんでした。",
                (Lang::Ja, Unloaded::Round) => "評価の情報を読み込めませんでした。",
                (Lang::Ja, Unloaded::Versions) => "版の情報を読み込めませんでした。",
                (Lang::En, Unloaded::Plan) => "Could not load the plan.",
                (Lang::En, Unloaded::Plans) => "Could not load the list of plans.",
                (Lang::En, Unloaded::Search) => "Could not search.",
                (Lang::En, Unloaded::History) => "Could not load the history of changes.",
                (Lang::En, Unloaded::Administration) => {
                    "Could not load the organization's users and departments."
                }
                (Lang::En, Unloaded::Progress) => "Could not load the progress.",
                (Lang::En, Unloaded::OpenData) => "Could not load the open data.",
                (Lang::En, Unloaded::PlanProgress) => "Could not load how the plans are going.",
                (Lang::En, Unloaded::Round) => "Could not load the round's information.",
                (Lang::En, Unloaded::Versions) => "Could not load the versions.",
            }
        }
    }

    /// The error for a page whose data could not be loaded, in the request's language; what
    /// went wrong is logged, not shown.
    pub fn unloaded(what: Unloaded, error: &dyn std::fmt::Display) -> ServerFnError {
        unloaded_in(what, error, request_lang())
    }

    /// [`unloaded`] for an endpoint told its page's language.
    pub fn unloaded_in(
        what: Unloaded,
        error: &dyn std::fmt::Display,
        lang: keikaku_domain::lang::Lang,
    ) -> ServerFnError {
        tracing_error(error);
        ServerFnError::new(what.message(lang))
    }

    /// Who is asking: the server resolves the session cookie into a `Viewer` on every request.
    pub fn viewer() -> Viewer {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Viewer>().cloned())
            .unwrap_or(Viewer::Public)
    }

    /// A plan the viewer may read; an unreadable draft looks exactly like a missing plan.
    pub async fn plan(plan_id: &str) -> Result<Option<(Organization, Plan)>, ServerFnError> {
        store()?
            .load_readable_plan(&viewer(), plan_id)
            .await
            .map_err(|e| unloaded(Unloaded::Plan, &e))
    }

    /// Summaries of the plans the viewer may read.
    pub async fn readable_summaries() -> Result<Vec<PlanSummary>, ServerFnError> {
        store()?
            .readable_plan_summaries(&viewer())
            .await
            .map_err(|e| unloaded(Unloaded::Plans, &e))
    }

    pub fn tracing_error(e: &dyn std::fmt::Display) {
        leptos::logging::error!("{e}");
    }
}

#[server(prefix = "/api", endpoint = "v1/pages/home", input = GetUrl)]
pub async fn home_page() -> Result<Vec<MunicipalityPlans>, ServerFnError> {
    Ok(group_by_municipality(ssr::readable_summaries().await?))
}

#[server(prefix = "/api", endpoint = "v1/pages/plan", input = GetUrl)]
pub async fn plan_page(
    plan_id: String,
    #[server(default)] lang: Lang,
) -> Result<Option<OverviewView>, ServerFnError> {
    Ok(ssr::plan(&plan_id)
        .await?
        .map(|(org, plan)| OverviewView::of(&org, &plan.in_language(&org, lang))))
}

#[server(prefix = "/api", endpoint = "v1/pages/measure", input = GetUrl)]
pub async fn measure_page(
    plan_id: String,
    measure_id: String,
    #[server(default)] lang: Lang,
) -> Result<Option<MeasureView>, ServerFnError> {
    use keikaku_domain::access::{can_read_history, PlanRef};
    let viewer = ssr::viewer();
    Ok(ssr::plan(&plan_id).await?.and_then(|(org, plan)| {
        // Who may record and report is decided by the departments' Japanese names, which
        // accounts carry; the page in English names them in English.
        let measure = plan.measure(&measure_id)?.clone();
        let plan = plan.in_language(&org, lang);
        let mut view = MeasureView::of(&org, &plan, &measure_id)?;
        let departments: Vec<&str> = measure
            .lead_departments
            .iter()
            .chain(&measure.related_departments)
            .map(String::as_str)
            .collect();
        view.progress_recordable = keikaku_domain::access::can_record_progress(
            &viewer,
            PlanRef {
                organization_id: &org.id,
                status: plan.status,
            },
            &departments,
        );
        let leads: Vec<&str> = measure
            .lead_departments
            .iter()
            .map(String::as_str)
            .collect();
        view.report_submittable = keikaku_domain::evaluation::can_submit(
            &viewer,
            PlanRef {
                organization_id: &org.id,
                status: plan.status,
            },
            &leads,
        );
        view.editable = keikaku_domain::access::can_edit_plan(
            &viewer,
            PlanRef {
                organization_id: &org.id,
                status: plan.status,
            },
        );
        view.history_available = can_read_history(
            &viewer,
            PlanRef {
                organization_id: &org.id,
                status: plan.status,
            },
        );
        Some(view)
    }))
}

#[server(prefix = "/api", endpoint = "v1/pages/roadmap", input = GetUrl)]
pub async fn roadmap_page(
    plan_id: String,
    node: Option<String>,
    department: Option<String>,
    year: Option<String>,
    #[server(default)] lang: Lang,
) -> Result<Option<RoadmapView>, ServerFnError> {
    Ok(ssr::plan(&plan_id).await?.map(|(org, plan)| {
        RoadmapView::for_query(
            &org,
            &plan.in_language(&org, lang),
            lang,
            node.as_deref(),
            department.as_deref(),
            year.as_deref(),
        )
    }))
}

#[server(prefix = "/api", endpoint = "v1/pages/glossary", input = GetUrl)]
pub async fn glossary_page(
    plan_id: String,
    #[server(default)] lang: Lang,
) -> Result<Option<GlossaryView>, ServerFnError> {
    Ok(ssr::plan(&plan_id).await?.map(|(org, plan)| {
        let plan = plan.in_language(&org, lang);
        GlossaryView {
            summary: PlanSummary::of(&org, &plan),
            terms: plan.glossary,
        }
    }))
}

#[server(prefix = "/api", endpoint = "v1/pages/search", input = GetUrl)]
pub async fn search_page(query: String) -> Result<SearchView, ServerFnError> {
    let query: String = query.chars().take(200).collect();
    let readable: Vec<String> = ssr::readable_summaries()
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let (hits, truncated) = ssr::store()?
        .search(&query, &readable, SEARCH_LIMIT)
        .await
        .map_err(|e| ssr::unloaded(ssr::Unloaded::Search, &e))?;
    Ok(SearchView {
        query,
        hits,
        truncated,
    })
}

/// The signed-in user, if any, with the CSRF token their forms echo.
#[server(prefix = "/api", endpoint = "v1/pages/me", input = GetUrl)]
pub async fn signed_in_user() -> Result<Option<keikaku_domain::access::SignedIn>, ServerFnError> {
    Ok(use_context::<http::request::Parts>().and_then(|parts| {
        parts
            .extensions
            .get::<keikaku_domain::access::SignedIn>()
            .cloned()
    }))
}

/// What the history page may show.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum HistoryOutcome {
    NotFound,
    /// The plan is readable but its history is for its organization's members.
    Forbidden,
    Found(Box<HistoryView>),
}

#[server(prefix = "/api", endpoint = "v1/pages/history", input = GetUrl)]
pub async fn history_page(
    plan_id: String,
    measure_id: String,
) -> Result<HistoryOutcome, ServerFnError> {
    use keikaku_domain::access::{
        can_read_history, can_restore, can_see_audit_origin, PlanRef, SignedIn,
    };
    let Some((org, plan)) = ssr::plan(&plan_id).await? else {
        return Ok(HistoryOutcome::NotFound);
    };
    let Some(measure) = plan.measure(&measure_id) else {
        return Ok(HistoryOutcome::NotFound);
    };
    let viewer = ssr::viewer();
    let plan_ref = PlanRef {
        organization_id: &org.id,
        status: plan.status,
    };
    if !can_read_history(&viewer, plan_ref) {
        return Ok(HistoryOutcome::Forbidden);
    }
    let entries = ssr::store()?
        .history(&plan_id, "measure", &measure_id)
        .await
        .map_err(|e| ssr::unloaded(ssr::Unloaded::History, &e))?;
    let lang = ssr::request_lang();
    // Department lists read as 「主担当: …／関係: …」 (Lead: …; related: …); other values are
    // text already.
    let text = |v: Option<serde_json::Value>| {
        v.map(|v| {
            let names = |key: &str| {
                v[key].as_array().map(|a| {
                    a.iter()
                        .filter_map(|n| n.as_str())
                        .collect::<Vec<_>>()
                        .join(match lang {
                            Lang::Ja => "、",
                            Lang::En => ", ",
                        })
                })
            };
            match (v.as_str(), names("lead"), names("related")) {
                (Some(text), _, _) => text.to_owned(),
                (None, Some(lead), Some(related)) => match lang {
                    Lang::Ja => format!("主担当: {lead}／関係: {related}"),
                    Lang::En => format!("Lead: {lead}; related: {related}"),
                },
                _ => v.to_string(),
            }
        })
    };
    let show_origin = can_see_audit_origin(&viewer, plan_ref);
    let restore_token = can_restore(&viewer, plan_ref)
        .then(|| {
            use_context::<http::request::Parts>()
                .and_then(|p| p.extensions.get::<SignedIn>().map(|s| s.csrf_token.clone()))
        })
        .flatten();
    Ok(HistoryOutcome::Found(Box::new(HistoryView {
        summary: PlanSummary::of(&org, &plan),
        measure_id: measure.id.clone(),
        measure_title: match &measure.number {
            Some(n) => format!("{n} {}", measure.title),
            None => measure.title.clone(),
        },
        entries: entries
            .into_iter()
            .rev()
            .map(|e| HistoryEntry {
                id: e.id,
                at: format_japan_time_in(e.at, lang),
                user: e.user_login,
                field_label: keikaku_domain::views::measure_field_label_in(&e.field, lang)
                    .to_owned(),
                field: e.field,
                old_value: text(e.old_value),
                new_value: text(e.new_value),
                restored_from: e.restored_from,
                origin: show_origin
                    .then(|| {
                        [e.address, e.client]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(match lang {
                                Lang::Ja => "・",
                                Lang::En => " · ",
                            })
                    })
                    .filter(|origin| !origin.is_empty()),
            })
            .collect(),
        restore_token,
    })))
}

/// A page only some signed-in users may see.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Guarded<T> {
    NotFound,
    SignInRequired,
    Forbidden,
    Found(Box<T>),
}

/// The signed-in user making this request.
#[cfg(feature = "ssr")]
fn signed_in() -> Option<keikaku_domain::access::SignedIn> {
    use_context::<http::request::Parts>().and_then(|p| {
        p.extensions
            .get::<keikaku_domain::access::SignedIn>()
            .cloned()
    })
}

#[server(prefix = "/api", endpoint = "v1/pages/admin", input = GetUrl)]
pub async fn admin_page() -> Result<Guarded<OrganizationAdminView>, ServerFnError> {
    use keikaku_domain::access::can_manage_organization;
    let Some(me) = signed_in() else {
        return Ok(Guarded::SignInRequired);
    };
    if !can_manage_organization(&ssr::viewer(), &me.organization_id) {
        return Ok(Guarded::Forbidden);
    }
    let store = ssr::store()?;
    let failed = |e: keikaku_store::StoreError| ssr::unloaded(ssr::Unloaded::Administration, &e);
    let organization_name = store
        .organization_name(&me.organization_id)
        .await
        .map_err(failed)?
        .unwrap_or_else(|| me.organization_id.clone());
    let users = store.users_of(&me.organization_id).await.map_err(failed)?;
    let departments = store
        .departments(&me.organization_id)
        .await
        .map_err(failed)?;
    Ok(Guarded::Found(Box::new(OrganizationAdminView {
        organization_id: me.organization_id.clone(),
        organization_name,
        my_login: me.login.clone(),
        users: users
            .into_iter()
            .map(|u| UserRow {
                id: u.id,
                login: u.login,
                display_name: u.display_name,
                role: u.role,
                department: u.department,
                disabled: u.disabled,
            })
            .collect(),
        departments: departments
            .into_iter()
            .map(|d| DepartmentRow {
                name: d.name,
                note: d.note,
                english_name: d.en.and_then(|en| en.name),
                measures: d.measures,
                users: d.users,
            })
            .collect(),
        csrf_token: me.csrf_token,
    })))
}

#[server(prefix = "/api", endpoint = "v1/pages/measure-edit", input = GetUrl)]
pub async fn measure_edit_page(
    plan_id: String,
    measure_id: String,
) -> Result<Guarded<MeasureEditView>, ServerFnError> {
    use keikaku_domain::access::{can_edit_plan, PlanRef};
    let Some((org, plan)) = ssr::plan(&plan_id).await? else {
        return Ok(Guarded::NotFound);
    };
    if plan.measure(&measure_id).is_none() {
        return Ok(Guarded::NotFound);
    }
    let Some(me) = signed_in() else {
        return Ok(Guarded::SignInRequired);
    };
    let plan_ref = PlanRef {
        organization_id: &org.id,
        status: plan.status,
    };
    if !can_edit_plan(&ssr::viewer(), plan_ref) {
        return Ok(Guarded::Forbidden);
    }
    Ok(MeasureEditView::of(
        &org,
        &plan,
        &measure_id,
        &keikaku_store::MEASURE_TEXT_FIELDS,
        me.csrf_token,
    )
    .map_or(Guarded::NotFound, |v| Guarded::Found(Box::new(v))))
}

/// What staff recorded for a plan, as its readers may see it (no field notes): members of the
/// plan's organization see what is recorded now, everyone else only what a published reporting
/// round made public.
#[server(prefix = "/api", endpoint = "v1/pages/actuals", input = GetUrl)]
pub async fn plan_actuals(
    plan_id: String,
) -> Result<keikaku_sync::report::PlanActuals, ServerFnError> {
    use keikaku_domain::access::PlanRef;
    use keikaku_domain::evaluation::can_see_rounds;
    let Some((org, plan)) = ssr::plan(&plan_id).await? else {
        return Ok(Default::default());
    };
    let plan_ref = PlanRef {
        organization_id: &org.id,
        status: plan.status,
    };
    let store = ssr::store()?;
    let records = if can_see_rounds(&ssr::viewer(), plan_ref) {
        store.progress_records(&plan_id).await
    } else {
        store.published_progress(&plan_id).await
    };
    let records = records.map_err(|e| ssr::unloaded(ssr::Unloaded::Progress, &e))?;
    Ok(keikaku_sync::report::PlanActuals::of(&records))
}
