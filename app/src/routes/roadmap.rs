//! `/plans/:plan_id/roadmap`: the 工程表 — fiscal years as columns, measures and action items as
//! rows — filtered by structure node, department and fiscal year through the query string, so
//! filters work without JavaScript and filtered views can be linked.

use keikaku_domain::roadmap::RoadmapView;
use keikaku_render::roadmap;
use keikaku_sync::report::PlanActuals;
use leptos::prelude::*;

use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::focus::RestoreFocus;
use crate::components::layout::{LoadError, Loading, NotFound, PageTitle};
use crate::components::plan_header::{Breadcrumbs, PlanHeader, PlanTab};

#[component]
pub fn RoadmapPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let lang = crate::lang::use_lang();
    let page = Resource::new(
        move || {
            let q = query.read();
            (
                params.read().get("plan_id").unwrap_or_default(),
                q.get("node"),
                q.get("department"),
                q.get("year"),
            )
        },
        move |(plan_id, node, department, year)| {
            crate::pages::roadmap(plan_id, node, department, year, lang)
        },
    );
    let actuals = crate::pages::use_plan_actuals();
    // A transition: a filter changed keeps the page on screen until the new one is ready.
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(None) => view! { <NotFound message=crate::i18n::t_string!(crate::i18n::use_i18n(), plan.not_found)/> }.into_any(),
                    Ok(Some(view)) => view! { <Roadmap view actuals/><RestoreFocus/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The page, from the parts `keikaku_render::roadmap` writes (the service worker's first view
/// of this page writes the same, whole: `keikaku_render::roadmap::write_page`). The filters'
/// form is the router's, so filtering stays in the app.
///
/// Only the table follows recorded progress, which is asked for again offline once the replica
/// has loaded and whenever it changes: written again whole, the page took back a filter being
/// chosen meanwhile.
#[component]
fn Roadmap(
    view: RoadmapView,
    actuals: Resource<Result<PlanActuals, ServerFnError>>,
) -> impl IntoView {
    let lang = crate::lang::use_lang();
    let fields = roadmap::filter_fields(&view, lang);
    let title = roadmap::title(&view, lang);
    let description = roadmap::description(&view, lang);
    let trail = roadmap::breadcrumb_trail(&view, lang);
    let summary = view.summary.clone();
    let partly_english = summary.has_english;
    let view = StoredValue::new(view);
    // Until progress is known, the table without it, never a loading message; a transition
    // keeps the table on screen while progress is asked for again.
    let without_actuals = view.with_value(|v| roadmap::body(v, &PlanActuals::default(), lang));
    let texts = roadmap::texts(lang);
    view! {
        <PageTitle text=title description/>
        <div class="page page--wide">
            <Breadcrumbs trail/>
            <PlanHeader summary current=PlanTab::Roadmap/>
            <crate::lang::ContentLanguageNotice partly=partly_english/>
            <h1>{texts.heading}</h1>
            <Form method="get" action="" attr:class="filters" attr:aria-label=texts.filters_label>
                <div class="filters__fields" inner_html=fields></div>
            </Form>
            <Transition fallback=move || view! { <div class="roadmap-body" inner_html=without_actuals.clone()></div> }>
                {move || Suspend::new(async move {
                    // Progress is extra: the roadmap shows without it if it cannot be read.
                    let actuals = actuals.await.unwrap_or_default();
                    let body = view.with_value(|v| roadmap::body(v, &actuals, lang));
                    view! { <div class="roadmap-body" inner_html=body></div><RestoreFocus/> }
                })}
            </Transition>
        </div>
    }
}
