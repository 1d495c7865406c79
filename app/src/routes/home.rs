//! `/`: every plan, grouped by municipality.

use keikaku_domain::views::{paths, MunicipalityPlans, PlanSummary};
use leptos::prelude::*;

use crate::api::progress::{News, PlanBrief};
use crate::components::layout::{LoadError, Loading, PageTitle};
use crate::components::plan_header::StatusBadge;
use crate::i18n::{t, use_i18n};

#[component]
pub fn HomePage() -> impl IntoView {
    let municipalities = Resource::new(|| (), |_| crate::pages::home());
    // How each plan is going is extra: the list shows without it (offline, say).
    let lang = crate::lang::use_lang();
    let briefs = Resource::new(move || lang, crate::api::progress::home_progress);
    let i18n = use_i18n();
    view! {
        <PageTitle text=""/>
        <div class="page">
            <h1>{t!(i18n, home.title)}</h1>
            <p class="lead">{t!(i18n, home.lead)}</p>
            <crate::routes::tasks::TasksNotice/>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    let briefs = briefs.await.unwrap_or_default();
                    match municipalities.await {
                        Err(error) => view! { <LoadError error/> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p>{t!(i18n, home.no_plans)}</p> }.into_any(),
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
    let i18n = use_i18n();
    let name = municipality.name.clone();
    let feed_label = t!(i18n, home.feed, name, <ja> = <span lang="ja" />);
    view! {
        <section class="municipality" aria-labelledby=labelled_by>
            <h2 id=heading_id lang="ja">{municipality.name}<span class="prefecture">{format!("（{}）", municipality.prefecture)}</span></h2>
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
    let i18n = use_i18n();
    let lang = crate::lang::use_lang();
    let (title, subtitle) = plan.titles_in(lang);
    let measure_count = plan.measure_count;
    let kpi_count = plan.kpi_count;
    let glossary_count = plan.glossary_count;
    view! {
        <article class="plan-card">
            <h3 lang=crate::lang::text_lang(&title)><a href=paths::plan(&id)>{title.clone()}</a></h3>
            {subtitle.map(|s| {
                let lang = crate::lang::text_lang(&s);
                view! { <p class="plan-card__subtitle" lang=lang>{s}</p> }
            })}
            <dl class="facts">
                {plan.period.as_ref().map(|p| view! { <div><dt>{t!(i18n, home.period)}</dt><dd>{p.label_in(lang)}</dd></div> })}
                <div><dt>{t!(i18n, home.status)}</dt><dd><StatusBadge status=plan.status/></dd></div>
                <div><dt>{t!(i18n, home.measures)}</dt><dd>{t!(i18n, home.count, count = measure_count)}</dd></div>
                <div><dt>{t!(i18n, home.kpis)}</dt><dd>{t!(i18n, home.count, count = kpi_count)}</dd></div>
                {standing.map(|s| view! { <div><dt>{t!(i18n, home.standing)}</dt><dd>{s}</dd></div> })}
                {news.map(|(what, date)| {
                    let what = match what {
                        News::Published => t!(i18n, home.news_published).into_any(),
                        News::Revised(title) => t!(i18n, home.news_revised, title, <ja> = <span lang="ja" />).into_any(),
                        News::RoundPublished(title) => t!(i18n, home.news_round, title, <ja> = <span lang="ja" />).into_any(),
                    };
                    view! { <div><dt>{t!(i18n, home.news)}</dt><dd>{what}{t!(i18n, home.news_date, date)}</dd></div> }
                })}
            </dl>
            <p class="plan-card__links">
                {(measure_count > 0).then(|| view! { <a href=paths::progress(&id)>{t!(i18n, home.progress_link)}</a> })}
                {plan.has_roadmap.then(|| view! { <a href=paths::roadmap(&id)>{t!(i18n, home.roadmap_link)}</a> })}
                {(glossary_count > 0).then(|| view! { <a href=paths::glossary(&id)>{t!(i18n, home.glossary_link, count = glossary_count)}</a> })}
            </p>
        </article>
    }
}
