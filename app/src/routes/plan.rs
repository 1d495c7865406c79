//! `/plans/:plan_id`: the plan's overview — structure tree, milestones, positioning and the
//! narrative chapters.

use keikaku_domain::format::{Chapter, ListItem, Milestone, Positioning};
use keikaku_domain::text::TermLink;
use keikaku_domain::views::{paths, MeasureRef, NodeView, OverviewView};
use leptos::prelude::*;

use leptos_router::hooks::use_params_map;

use crate::components::layout::{LoadError, Loading, NotFound, PageTitle, ScrollToFragment};
use crate::components::plan_header::{Breadcrumbs, PlanHeader, PlanTab};
use crate::components::rich_text::RichText;
use crate::components::table::{PlanTable, ScrollFrame};
use crate::i18n::{t, t_string, use_i18n};
use crate::lang::text_lang;

#[component]
pub fn PlanPage() -> impl IntoView {
    let params = use_params_map();
    let lang = crate::lang::use_lang();
    let overview = Resource::new(
        move || (params.read().get("plan_id").unwrap_or_default(), lang),
        |(plan_id, lang)| crate::pages::plan(plan_id, lang),
    );
    let i18n = use_i18n();
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(None) => view! { <NotFound message=t_string!(i18n, plan.not_found)/> }.into_any(),
                    Ok(Some(view)) => view! { <Overview view/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// 「駒ヶ根市（長野県）の計画。計画期間…。施策32件・KPI46件。」: what a shared link shows.
fn plan_description(view: &OverviewView) -> String {
    let i18n = use_i18n();
    let lang = crate::lang::use_lang();
    let s = &view.summary;
    let (organization, prefecture, title) = (&s.organization_name, &s.prefecture, &s.title);
    let mut text = t_string!(i18n, plan.description, organization, prefecture, title).to_string();
    if let Some(period) = &s.period {
        let period = period.label_in(lang);
        text.push_str(&t_string!(i18n, plan.description_period, period).to_string());
    }
    if s.measure_count > 0 {
        let (measures, kpis) = (s.measure_count, s.kpi_count);
        text.push_str(&t_string!(i18n, plan.description_measures, measures, kpis).to_string());
    }
    text
}

#[component]
fn Overview(view: OverviewView) -> impl IntoView {
    let plan_id = view.summary.id.clone();
    let glossary = view.glossary.clone();
    let has_structure = !view.structure.is_empty() || !view.unplaced.is_empty();
    let i18n = use_i18n();
    let lang = crate::lang::use_lang();
    let (measures, kpis) = (view.summary.measure_count, view.summary.kpi_count);
    view! {
        <PageTitle text=view.summary.title.clone() description=plan_description(&view)/>
        <ScrollToFragment/>
        <div class="page">
            <Breadcrumbs trail=vec![(view.summary.title.clone(), None)]/>
            <PlanHeader summary=view.summary.clone() current=PlanTab::Overview title_is_heading=true/>
            <crate::lang::ContentLanguageNotice partly=view.summary.has_english/>
            <dl class="facts facts--plan">
                <div><dt>{t!(i18n, plan.municipality)}</dt><dd lang="ja">{format!("{}（{}）", view.summary.organization_name, view.summary.prefecture)}</dd></div>
                {view.summary.adopted.clone().map(|a| view! { <div><dt>{t!(i18n, plan.adopted)}</dt><dd>{keikaku_domain::views::format_date_in(&a, lang)}</dd></div> })}
                {view.summary.period.clone().map(|p| view! {
                    <div><dt>{t!(i18n, plan.period)}</dt><dd>{p.label_in(lang)}{p.text.map(|t| view! { <span class="fact-note" lang="ja">{t}</span> })}</dd></div>
                })}
                <div><dt>{t!(i18n, plan.measures)}</dt><dd>{t!(i18n, plan.measures_count, measures, kpis)}</dd></div>
            </dl>
            <crate::routes::rounds::RoundsLink plan_id=plan_id.clone() organization_id=view.summary.organization_id.clone()/>
            <nav class="toc" aria-label=t_string!(i18n, plan.contents)>
                <h2 class="toc__title">{t!(i18n, plan.contents_title)}</h2>
                <ul>
                    {has_structure.then(|| view! { <li><a href="#structure">{t!(i18n, plan.structure)}</a></li> })}
                    {(!view.milestones.is_empty()).then(|| view! { <li><a href="#milestones">{t!(i18n, plan.milestones)}</a></li> })}
                    {view.positioning.is_some().then(|| view! { <li><a href="#positioning">{t!(i18n, plan.positioning)}</a></li> })}
                    {(!view.chapters.is_empty()).then(|| view! {
                        <li>
                            <a href="#chapters">{t!(i18n, plan.chapters)}</a>
                            <ul lang="ja">
                                {view.chapters.iter().map(|c| view! {
                                    <li><a href=format!("#chapter-{}", c.id)>{chapter_title(c)}</a></li>
                                }).collect_view()}
                            </ul>
                        </li>
                    })}
                </ul>
            </nav>
            {has_structure.then(|| view! {
                <section id="structure" aria-labelledby="structure-heading" class="section">
                    <h2 id="structure-heading">{t!(i18n, plan.structure)}</h2>
                    <ul class="tree" lang="ja">
                        {view.structure.into_iter().map(|node| node_item(node, &plan_id, &glossary)).collect_view()}
                    </ul>
                    {(!view.unplaced.is_empty()).then(|| view! {
                        <h3>{t!(i18n, plan.unplaced)}</h3>
                        <ul class="measure-links" lang="ja">
                            {view.unplaced.into_iter().map(|m| measure_link(m, &plan_id)).collect_view()}
                        </ul>
                    })}
                </section>
            })}
            {(!view.milestones.is_empty()).then(|| view! { <Milestones milestones=view.milestones/> })}
            {view.positioning.map(|p| view! { <PositioningSection positioning=p glossary=glossary.clone() plan_id=plan_id.clone()/> })}
            {(!view.chapters.is_empty()).then(|| view! {
                <section id="chapters" aria-labelledby="chapters-heading" class="section chapters">
                    <h2 id="chapters-heading">{t!(i18n, plan.chapters)}</h2>
                    <div lang="ja">
                        {view.chapters.into_iter().map(|c| chapter_view(c, 0, &plan_id, &glossary)).collect_view()}
                    </div>
                </section>
            })}
            {view.source.map(|s| view! { <p class="source-note">{t!(i18n, plan.source)}<span lang="ja">{s}</span></p> })}
        </div>
    }
}

fn measure_link(m: MeasureRef, plan_id: &str) -> AnyView {
    let lang = text_lang(&m.title);
    view! {
        <li>
            <a href=paths::measure(plan_id, &m.id) lang=lang>{m.number.unwrap_or_default()}" "{m.title}</a>
            {m.reprint.then(|| view! { <span class="badge badge--reprint" lang=crate::lang::use_lang().code()>{t!(use_i18n(), plan.reprint)}</span> })}
        </li>
    }
    .into_any()
}

fn node_item(node: NodeView, plan_id: &str, glossary: &[TermLink]) -> AnyView {
    let has_children = !node.children.is_empty();
    let has_measures = !node.measures.is_empty();
    let class = format!("tree__node tree__node--{}", serde_kind(&node));
    let id = format!("node-{}", node.id);
    let title_lang = text_lang(&node.title);
    view! {
        <li class=class id=id>
            <p class="tree__label">
                <span class="node-kind">{node.label}</span>
                {node.number.map(|n| view! { <span class="node-number">{n}</span> })}
                <strong class="node-title" lang=title_lang>{node.title}</strong>
            </p>
            {node.description.map(|d| {
                let lang = text_lang(&d);
                view! { <div class="tree__description" lang=lang><RichText text=d glossary=glossary.to_vec() plan_id=plan_id.to_owned()/></div> }
            })}
            {has_measures.then(|| view! {
                <ul class="measure-links">
                    {node.measures.into_iter().map(|m| measure_link(m, plan_id)).collect_view()}
                </ul>
            })}
            {has_children.then(|| view! {
                <ul class="tree">
                    {node.children.into_iter().map(|c| node_item(c, plan_id, glossary)).collect_view()}
                </ul>
            })}
        </li>
    }
    .into_any()
}

fn serde_kind(node: &NodeView) -> &'static str {
    use keikaku_domain::format::NodeKind::*;
    match node.kind {
        Vision => "vision",
        Mission => "mission",
        Value => "value",
        Policy => "policy",
        Pillar => "pillar",
        Category => "category",
        Perspective => "perspective",
        Goal => "goal",
    }
}

#[component]
fn Milestones(milestones: Vec<Milestone>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = crate::lang::use_lang();
    view! {
        <section id="milestones" aria-labelledby="milestones-heading" class="section">
            <h2 id="milestones-heading">{t!(i18n, plan.milestones)}</h2>
            <ScrollFrame label=t_string!(i18n, plan.milestones)>
                <table class="data-table">
                    <caption class="visually-hidden">{t!(i18n, plan.milestones_caption)}</caption>
                    <thead><tr><th scope="col">{t!(i18n, plan.year)}</th><th scope="col">{t!(i18n, plan.group)}</th><th scope="col">{t!(i18n, plan.text)}</th></tr></thead>
                    <tbody>
                        {milestones.into_iter().map(|m| view! {
                            <tr>
                                <th scope="row">{m.fiscal_year.label_in(lang)}</th>
                                <td lang=m.group.as_deref().map_or("ja", text_lang)>{m.group.clone().unwrap_or_default()}</td>
                                <td>
                                    <span lang=text_lang(&m.text)>{m.text.clone()}</span>
                                    {m.note.map(|n| view! { <span class="fact-note" lang=text_lang(&n)>{n.clone()}</span> })}
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </ScrollFrame>
        </section>
    }
}

#[component]
fn PositioningSection(
    positioning: Positioning,
    glossary: Vec<TermLink>,
    plan_id: String,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section id="positioning" aria-labelledby="positioning-heading" class="section">
            <h2 id="positioning-heading">{t!(i18n, plan.positioning)}</h2>
            <dl class="facts facts--stacked">
                {positioning.general_plan.map(|g| view! { <div><dt>{t!(i18n, plan.general_plan)}</dt><dd lang="ja">{g}</dd></div> })}
                {(!positioning.related_plans.is_empty()).then(|| view! {
                    <div><dt>{t!(i18n, plan.related_plans)}</dt><dd lang="ja"><ul>{positioning.related_plans.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul></dd></div>
                })}
                {(!positioning.legal_basis.is_empty()).then(|| view! {
                    <div><dt>{t!(i18n, plan.legal_basis)}</dt><dd lang="ja"><ul>{positioning.legal_basis.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul></dd></div>
                })}
            </dl>
            {positioning.text.map(|t| view! { <div lang="ja"><RichText text=t glossary plan_id/></div> })}
        </section>
    }
}

/// A chapter's number and title, each marked with its language: the file may give the title
/// in English while the number (第1章) stays as printed.
fn chapter_title(chapter: &Chapter) -> AnyView {
    let title = chapter.title.clone();
    match chapter.number.clone() {
        Some(number) => view! {
            <span lang=text_lang(&number)>{number.clone()}</span>" "<span lang=text_lang(&title)>{title.clone()}</span>
        }
        .into_any(),
        None => view! { <span lang=text_lang(&title)>{title.clone()}</span> }.into_any(),
    }
}

fn chapter_view(chapter: Chapter, depth: usize, plan_id: &str, glossary: &[TermLink]) -> AnyView {
    let heading = chapter_title(&chapter);
    let id = format!("chapter-{}", chapter.id);
    // The page's h2 is 本文, so top-level chapters are h3.
    let heading = match depth {
        0 => view! { <h3>{heading}</h3> }.into_any(),
        1 => view! { <h4>{heading}</h4> }.into_any(),
        2 => view! { <h5>{heading}</h5> }.into_any(),
        _ => view! { <h6>{heading}</h6> }.into_any(),
    };
    view! {
        <section class=format!("chapter chapter--depth-{}", depth.min(3)) id=id>
            {heading}
            {chapter.body.map(|b| view! {
                <div lang=text_lang(&b)><RichText text=b.clone() glossary=glossary.to_vec() plan_id=plan_id.to_owned()/></div>
            })}
            {chapter.lists.into_iter().map(|list| view! {
                <div class="plan-list" id=format!("list-{}", list.id)>
                    <p class="plan-list__title">{list.title}</p>
                    {group_items(list.items).into_iter().map(|(group, items)| view! {
                        {group.map(|g| view! { <p class="plan-list__group">{g}</p> })}
                        <ol class="plan-list__items">
                            {items.into_iter().map(|item| view! {
                                <li>
                                    {item.number.map(|n| view! { <span class="plan-list__number">{n}</span> })}
                                    {item.text}
                                </li>
                            }).collect_view()}
                        </ol>
                    }).collect_view()}
                </div>
            }).collect_view()}
            {chapter.tables.into_iter().map(|table| view! { <PlanTable table/> }).collect_view()}
            {chapter.sections.into_iter().map(|s| chapter_view(s, depth + 1, plan_id, glossary)).collect_view()}
        </section>
    }
    .into_any()
}

/// Consecutive items of the same group, in order.
fn group_items(items: Vec<ListItem>) -> Vec<(Option<String>, Vec<ListItem>)> {
    let mut groups: Vec<(Option<String>, Vec<ListItem>)> = Vec::new();
    for item in items {
        match groups.last_mut() {
            Some((group, members)) if *group == item.group => members.push(item),
            _ => groups.push((item.group.clone(), vec![item])),
        }
    }
    groups
}
