//! `/`: every plan, grouped by municipality.

use keikaku_domain::views::{paths, MunicipalityPlans, PlanSummary};
use leptos::prelude::*;

use crate::api::progress::PlanBrief;
use crate::components::layout::{LoadError, Loading, PageTitle};
use crate::components::plan_header::StatusBadge;

#[component]
pub fn HomePage() -> impl IntoView {
    let municipalities = Resource::new(|| (), |_| crate::pages::home());
    // How each plan is going is extra: the list shows without it (offline, say).
    let briefs = Resource::new(|| (), |_| crate::api::progress::home_progress());
    view! {
        <PageTitle text=""/>
        <div class="page">
            <h1>"自治体DX計画"</h1>
            <p class="lead">"各自治体のDX推進計画を、施策・KPI・工程表まで読むことができます。"</p>
            <crate::routes::tasks::TasksNotice/>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    let briefs = briefs.await.unwrap_or_default();
                    match municipalities.await {
                        Err(error) => view! { <LoadError error/> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p>"登録されている計画はまだありません。"</p> }.into_any(),
                        Ok(list) => list.into_iter().map(|m| view! { <Municipality municipality=m briefs=briefs.clone()/> }).collect_view().into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn Municipality(municipality: MunicipalityPlans, briefs: Vec<PlanBrief>) -> impl IntoView {
    let heading_id = format!("org-{}", municipality.organization_id);
    let labelled_by = heading_id.clone();
    let feed = paths::organization_feed(&municipality.organization_id);
    let feed_label = format!("{}の計画の更新情報（Atom）", municipality.name);
    view! {
        <section class="municipality" aria-labelledby=labelled_by>
            <h2 id=heading_id>{municipality.name}<span class="prefecture">{format!("（{}）", municipality.prefecture)}</span></h2>
            <ul class="plan-cards">
                {municipality.plans.into_iter().map(|plan| {
                    let brief = briefs.iter().find(|b| b.plan_id == plan.id).cloned();
                    view! { <li><PlanCard plan brief/></li> }
                }).collect_view()}
            </ul>
            <p class="municipality__feed"><a href=feed type="application/atom+xml">{feed_label}</a></p>
        </section>
    }
}

#[component]
fn PlanCard(plan: PlanSummary, brief: Option<PlanBrief>) -> impl IntoView {
    let standing = brief.as_ref().and_then(|b| b.standing.clone());
    let news = brief.and_then(|b| b.latest_news);
    let id = plan.id.clone();
    view! {
        <article class="plan-card">
            <h3><a href=paths::plan(&id)>{plan.title.clone()}</a></h3>
            {plan.subtitle.clone().map(|s| view! { <p class="plan-card__subtitle">{s}</p> })}
            <dl class="facts">
                {plan.period.as_ref().map(|p| view! { <div><dt>"計画期間"</dt><dd>{p.label()}</dd></div> })}
                <div><dt>"状態"</dt><dd><StatusBadge status=plan.status/></dd></div>
                <div><dt>"施策"</dt><dd>{format!("{}件", plan.measure_count)}</dd></div>
                <div><dt>"KPI"</dt><dd>{format!("{}件", plan.kpi_count)}</dd></div>
                {standing.map(|s| view! { <div><dt>"進み具合"</dt><dd>{s}</dd></div> })}
                {news.map(|(what, when)| view! { <div><dt>"最近の更新"</dt><dd>{format!("{what}（{when}）")}</dd></div> })}
            </dl>
            <p class="plan-card__links">
                {(plan.measure_count > 0).then(|| view! { <a href=paths::progress(&id)>"進み具合"</a> })}
                {plan.has_roadmap.then(|| view! { <a href=paths::roadmap(&id)>"工程表"</a> })}
                {(plan.glossary_count > 0).then(|| view! { <a href=paths::glossary(&id)>{format!("用語集（{}語）", plan.glossary_count)}</a> })}
            </p>
        </article>
    }
}
