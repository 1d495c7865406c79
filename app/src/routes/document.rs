//! `/plans/:plan_id/document` and `/plans/:plan_id/v/:version`: the whole plan as one
//! document to read (閲覧室), the current version or any other, with a table of contents, an
//! adjustable text size and the reading position remembered on this device.
//!
//! Every passage a reader can mark carries its key (`data-anchor`, see
//! `keikaku_domain::document::passages`), and holds exactly the text the key's passage has.

use keikaku_domain::document::{
    anchors, chapter_heading, keys, measure_field, measure_heading, DocumentView, Part,
    MEASURE_FIELDS,
};
use keikaku_domain::format::{Chapter, Measure, Node, Plan};
use keikaku_domain::revision::VersionState;
use keikaku_domain::text::TermLink;
use keikaku_domain::views::{paths, NodeCrumb};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::guarded::optional_page;
use crate::components::layout::{PageTitle, ScrollToFragment};
use crate::components::notebook::{Highlights, Notes, NotesPanel, PartNotes, SelectionBar};
use crate::components::plan_header::{Breadcrumbs, PlanHeader, PlanTab};
use crate::components::presenting::{PresentHere, Presenter, PresenterPanel, PresentingBanner};
use crate::components::reading::{ReadingControls, ReadingPosition};
use crate::components::rich_text::RichText;
use crate::components::table::ScrollFrame;

#[component]
pub fn DocumentPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("plan_id").unwrap_or_default(),
                p.get("version").and_then(|v| v.parse::<u32>().ok()),
                p.get("version").is_some(),
            )
        },
        |(plan_id, version, asked)| async move {
            // `/v/abc` names no version: not found, rather than the current one.
            if asked && version.is_none() {
                return Ok(None);
            }
            crate::pages::document(plan_id, version).await
        },
    );
    optional_page(
        page,
        "指定された計画または版は見つかりませんでした。",
        |view| {
            view! { <Document view/> }
        },
    )
}

/// How a passage's text is shown: plan text with glossary links, in an element carrying the
/// passage key.
#[derive(Clone)]
struct Writer {
    plan_id: String,
    glossary: Vec<TermLink>,
}

impl Writer {
    /// A block passage (paragraphs).
    fn block(&self, key: String, text: String) -> impl IntoView {
        view! {
            <div class="doc-text" data-anchor=key>
                <RichText text=text glossary=self.glossary.clone() plan_id=self.plan_id.clone()/>
            </div>
        }
    }

    /// An inline passage (a title, a list item, a cell): one line of plain text.
    fn inline(&self, key: String, text: String) -> impl IntoView {
        let shown = keikaku_domain::document::shown_text(&text);
        view! { <span data-anchor=key>{shown}</span> }
    }
}

#[component]
fn Document(view: DocumentView) -> impl IntoView {
    // A version read online is kept for reading offline (the current version is the kept plan).
    // Here rather than in the loader: a page the server rendered hydrates without running it.
    #[cfg(feature = "hydrate")]
    if view.version.is_some() {
        let kept = send_wrapper::SendWrapper::new(view.clone());
        Effect::new(move |_| {
            let kept = (*kept).clone();
            leptos::task::spawn_local(async move {
                crate::offline::plans::keep_document(&kept).await;
            });
        });
    }
    let DocumentView {
        summary,
        version,
        versions,
        plan,
        unplaced,
        parts,
        toc,
        placements,
        glossary,
        can_present,
        can_follow,
        can_annotate,
    } = view;
    let plan_id = summary.id.clone();
    let writer = Writer {
        plan_id: plan_id.clone(),
        glossary,
    };
    let version_title = version
        .as_ref()
        .map(|v| v.title())
        .unwrap_or_else(|| "現行版".to_owned());
    // Provided before the parts are built, so each can offer 「この箇所を案内する」.
    let presenter = can_present
        .then(|| Presenter::provide(plan_id.clone(), version.as_ref().map(|v| v.number.0)));
    // Notes are made on the version shown; the current one's number is in the list.
    let shown = version
        .as_ref()
        .or_else(|| versions.iter().find(|v| v.state == VersionState::Current))
        .map_or(1, |v| v.number.0);
    Notes::provide(plan_id.clone(), shown, &plan, can_annotate);
    let position_key = format!("{plan_id}/{}", version.as_ref().map_or(0, |v| v.number.0));
    let toc_list = move || {
        toc.iter()
            .map(|entry| {
                view! {
                    <li class=format!("doc-toc__item doc-toc__item--{}", entry.level)>
                        <a href=format!("#{}", entry.anchor)>{entry.label.clone()}</a>
                    </li>
                }
            })
            .collect_view()
    };
    let body = parts
        .into_iter()
        .map(|part| part_view(&part, &plan, &placements, &writer, &unplaced))
        .collect_view();
    view! {
        <PageTitle text=format!("{}（{version_title}）", summary.title)/>
        <ScrollToFragment/>
        {version.as_ref().map(|v| view! {
            <link rel="stylesheet" media="print" href=format!("/api/v1/plans/{plan_id}/versions/{}/print.css", v.number.0)/>
        })}
        <div class="page page--document">
            <Breadcrumbs trail=vec![(summary.title.clone(), Some(paths::plan(&plan_id))), (format!("計画書 {version_title}"), None)]/>
            <PlanHeader summary=summary.clone() current=PlanTab::Document/>
            <VersionBar plan_id=plan_id.clone() version=version.clone() versions/>
            {can_follow.then(|| view! { <PresentingBanner plan_id=plan_id.clone()/> })}
            {presenter.map(|presenter| view! { <PresenterPanel presenter/> })}
            <ReadingControls/>
            <NotesPanel/>
            <ReadingPosition key=position_key/>
            <div class="doc-layout">
                <nav class="doc-toc doc-toc--side" aria-label="目次">
                    <h2 class="doc-toc__title">"目次"</h2>
                    <ol>{toc_list.clone()()}</ol>
                </nav>
                <details class="doc-toc doc-toc--drawer">
                    <summary>"目次を開く"</summary>
                    <nav aria-label="目次（折りたたみ）"><ol>{toc_list()}</ol></nav>
                </details>
                <article class="doc" id="doc" data-plan=plan_id.clone()
                    data-version=version.as_ref().map(|v| v.number.0.to_string()).unwrap_or_default()>
                    <h1 class="doc__title">{summary.title.clone()}</h1>
                    {summary.subtitle.clone().map(|s| view! { <p class="doc__subtitle">{s}</p> })}
                    <p class="doc__version">{version_title.clone()}</p>
                    {body}
                </article>
            </div>
            <SelectionBar/>
            <Highlights/>
        </div>
    }
}

/// Which version this is, the others, and the comparison with the one before.
#[component]
fn VersionBar(
    plan_id: String,
    version: Option<keikaku_domain::revision::VersionInfo>,
    versions: Vec<keikaku_domain::revision::VersionInfo>,
) -> impl IntoView {
    let Some(version) = version else {
        return view! { <p class="version-bar">"現行版（この端末に保存された内容）"</p> }
            .into_any();
    };
    let previous = versions
        .iter()
        .filter(|v| v.number < version.number)
        .map(|v| v.number)
        .max();
    let notice = match version.state {
        VersionState::Current => None,
        VersionState::Draft => Some("これは公開前の改定案（素案）です。"),
        VersionState::Superseded => Some("これは以前の版です。現在の計画とは内容が異なります。"),
    };
    let current = versions
        .iter()
        .find(|v| v.state == VersionState::Current)
        .map(|v| v.number.0);
    view! {
        <section class="version-bar" aria-label="版">
            <p class="version-bar__current">
                <span class=format!("badge badge--version-{}", version.state.as_str())>{version.state.label()}</span>
                " "{version.title()}
            </p>
            {notice.map(|n| view! { <p class="version-bar__notice">{n}</p> })}
            <ul class="version-bar__links">
                {previous.map(|p| view! {
                    <li><a href=paths::compare(&plan_id, p.0, version.number.0)>{format!("{}からの変更点を見る", p.label())}</a></li>
                })}
                {(version.state != VersionState::Current).then(|| current.map(|c| view! {
                    <li><a href=paths::version(&plan_id, c)>"現行版を読む"</a></li>
                })).flatten()}
                <li><a href=paths::versions(&plan_id)>"すべての版"</a></li>
            </ul>
        </section>
    }
    .into_any()
}

fn part_view(
    part: &Part,
    plan: &Plan,
    placements: &[Vec<Vec<NodeCrumb>>],
    writer: &Writer,
    unplaced: &[keikaku_domain::views::MeasureRef],
) -> AnyView {
    match part {
        Part::Chapter(id) => match plan.chapters.iter().find(|c| &c.id == id) {
            Some(chapter) => chapter_view(chapter, writer, 2).into_any(),
            None => ().into_any(),
        },
        Part::Structure => view! {
            <section id=anchors::STRUCTURE class="doc-part" aria-labelledby="doc-structure-heading">
                <h2 id="doc-structure-heading">"計画の体系"</h2>
                <PresentHere anchor=anchors::STRUCTURE label="計画の体系"/>
                <PartNotes anchor=anchors::STRUCTURE label="計画の体系"/>
                <ul class="tree doc-tree">
                    {plan.structure.iter().map(|n| node_view(n, plan, writer)).collect_view()}
                </ul>
                {(!unplaced.is_empty()).then(|| view! {
                    <p>"体系に位置付けられていない施策："
                        {unplaced.iter().map(|m| view! { <a href=format!("#{}", anchors::measure(&m.id))>{m.title.clone()}</a>" " }).collect_view()}
                    </p>
                })}
            </section>
        }
        .into_any(),
        Part::Measures => view! {
            <section id=anchors::MEASURES class="doc-part" aria-labelledby="doc-measures-heading">
                <h2 id="doc-measures-heading">"施策"</h2>
                {plan.measures.iter().zip(placements).map(|(m, trails)| measure_view(m, trails, plan, writer)).collect_view()}
            </section>
        }
        .into_any(),
        Part::Milestones => {
            let table = view! {
                <table class="data-table">
                    <caption class="visually-hidden">"年度ごとのマイルストーン"</caption>
                    <thead><tr><th scope="col">"年度"</th><th scope="col">"区分"</th><th scope="col">"内容"</th></tr></thead>
                    <tbody>
                        {plan.milestones.iter().enumerate().map(|(i, m)| view! {
                            <tr>
                                <th scope="row">{m.fiscal_year.label()}</th>
                                <td>{m.group.clone().unwrap_or_default()}</td>
                                <td>{writer.inline(keys::milestone(i), m.text.clone())}
                                    {m.note.clone().map(|n| view! { <span class="fact-note">{n}</span> })}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any();
            view! {
                <section id=anchors::MILESTONES class="doc-part" aria-labelledby="doc-milestones-heading">
                    <h2 id="doc-milestones-heading">"マイルストーン"</h2>
                    <PartNotes anchor=anchors::MILESTONES label="マイルストーン"/>
                    <ScrollFrame label="マイルストーン">{table}</ScrollFrame>
                </section>
            }
            .into_any()
        }
        Part::Glossary => view! {
            <section id=anchors::GLOSSARY class="doc-part" aria-labelledby="doc-glossary-heading">
                <h2 id="doc-glossary-heading">"用語集"</h2>
                <PartNotes anchor=anchors::GLOSSARY label="用語集"/>
                <dl class="doc-glossary">
                    {plan.glossary.iter().map(|t| view! {
                        <div id=format!("doc-term-{}", t.id)>
                            <dt>{t.term.clone()}</dt>
                            <dd>{writer.block(keys::term(&t.id), t.definition.clone())}</dd>
                        </div>
                    }).collect_view()}
                </dl>
            </section>
        }
        .into_any(),
    }
}

fn chapter_view(chapter: &Chapter, writer: &Writer, level: u8) -> AnyView {
    let heading_id = format!("{}-heading", anchors::chapter(&chapter.id));
    let title = view! {
        {chapter.number.clone().map(|n| view! { <span class="doc-number">{n}</span>" " })}
        {writer.inline(keys::chapter(&chapter.id, "title"), chapter.title.clone())}
    };
    let heading = match level {
        2 => view! { <h2 id=heading_id.clone()>{title}</h2> }.into_any(),
        3 => view! { <h3 id=heading_id.clone()>{title}</h3> }.into_any(),
        _ => view! { <h4 id=heading_id.clone()>{title}</h4> }.into_any(),
    };
    view! {
        <section id=anchors::chapter(&chapter.id) class="doc-part doc-chapter" aria-labelledby=heading_id>
            {heading}
            <PresentHere anchor=anchors::chapter(&chapter.id) label=chapter_heading(chapter)/>
            <PartNotes anchor=anchors::chapter(&chapter.id) label=chapter_heading(chapter)/>
            {chapter.body.clone().map(|b| writer.block(keys::chapter(&chapter.id, "body"), b))}
            {chapter.lists.iter().map(|list| view! {
                <div class="doc-list">
                    {(!list.title.is_empty()).then(|| view! { <p class="doc-list__title">{list.title.clone()}</p> })}
                    <ul>
                        {list.items.iter().enumerate().map(|(i, item)| view! {
                            <li>
                                {item.number.clone().map(|n| view! { <span class="doc-number">{n}</span>" " })}
                                {writer.inline(keys::list_item(&chapter.id, &list.id, i), item.text.clone())}
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            }).collect_view()}
            {chapter.tables.iter().map(|table| {
                let content = view! {
                    <table class="data-table">
                        <caption>{table.title.clone()}{table.caption.clone().map(|c| view! { <span class="caption-note">{c}</span> })}</caption>
                        <thead><tr>{table.header.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {table.rows.iter().enumerate().map(|(r, row)| view! {
                                <tr>{row.iter().enumerate().map(|(c, cell)| view! {
                                    <td>{writer.inline(keys::table_cell(&chapter.id, &table.id, r, c), cell.clone())}</td>
                                }).collect_view()}</tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any();
                view! { <ScrollFrame label=table.title.clone()>{content}</ScrollFrame> }
            }).collect_view()}
            {chapter.sections.iter().map(|s| chapter_view(s, writer, level + 1)).collect_view()}
        </section>
    }
    .into_any()
}

fn node_view(node: &Node, plan: &Plan, writer: &Writer) -> AnyView {
    view! {
        <li id=format!("doc-node-{}", node.id)>
            <span class="tree__label">{node.display_label().to_owned()}{node.number.clone().map(|n| format!(" {n}"))}</span>" "
            {writer.inline(keys::node(&node.id, "title"), node.title.clone())}
            {node.description.clone().map(|d| writer.block(keys::node(&node.id, "description"), d))}
            {(!node.measures.is_empty()).then(|| view! {
                <ul class="tree__measures">
                    {node.measures.iter().filter_map(|id| plan.measure(id)).map(|m| view! {
                        <li><a href=format!("#{}", anchors::measure(&m.id))>{measure_heading(m)}</a></li>
                    }).collect_view()}
                </ul>
            })}
            {(!node.children.is_empty()).then(|| view! {
                <ul>{node.children.iter().map(|c| node_view(c, plan, writer)).collect_view()}</ul>
            })}
        </li>
    }
    .into_any()
}

/// A roadmap row of a measure: its label, number and cells (fiscal year, text).
type ScheduleRow = (String, Option<String>, Vec<(i32, String)>);

fn measure_view(
    measure: &Measure,
    trails: &[Vec<NodeCrumb>],
    plan: &Plan,
    writer: &Writer,
) -> AnyView {
    let id = measure.id.clone();
    let heading_id = format!("{}-heading", anchors::measure(&id));
    let labelled_by = heading_id.clone();
    let years = plan.roadmap_years();
    // A cell that continues into later years is printed there too, marked as continuing.
    let cells = |schedule: &[keikaku_domain::format::ScheduleCell]| -> Vec<(i32, String)> {
        years
            .iter()
            .filter_map(|&y| {
                keikaku_domain::planned_for(schedule, y).map(|(c, continued)| {
                    let text = if continued {
                        format!("（継続）{}", c.text)
                    } else {
                        c.text.clone()
                    };
                    (y.0, text)
                })
            })
            .collect()
    };
    let rows: Vec<ScheduleRow> =
        std::iter::once(("施策全体".to_owned(), None, cells(&measure.schedule)))
            .filter(|(_, _, cells)| !cells.is_empty() || measure.actions.is_empty())
            .chain(measure.actions.iter().map(|a| {
                (
                    a.title.lines().next().unwrap_or_default().to_owned(),
                    a.number.clone(),
                    cells(&a.schedule),
                )
            }))
            .filter(|(_, _, cells)| !cells.is_empty())
            .collect();
    view! {
        <section id=anchors::measure(&id) class="doc-measure" aria-labelledby=labelled_by>
            <h3 id=heading_id>
                {measure.number.clone().map(|n| view! { <span class="doc-number">{n}</span>" " })}
                {writer.inline(keys::measure(&id, "title"), measure.title.clone())}
            </h3>
            <PresentHere anchor=anchors::measure(&id) label=format!("施策{}", measure_heading(measure))/>
            <PartNotes anchor=anchors::measure(&id) label=format!("施策{}", measure_heading(measure))/>
            {(!trails.is_empty()).then(|| view! {
                <p class="doc-measure__place">
                    {trails.iter().map(|t| t.iter().map(|n| n.title.clone()).collect::<Vec<_>>().join(" › ")).collect::<Vec<_>>().join("／")}
                </p>
            })}
            {MEASURE_FIELDS.iter().filter_map(|(field, label)| measure_field(measure, field).map(|text| view! {
                <h4>{*label}</h4>
                {writer.block(keys::measure(&id, field), text.clone())}
            })).collect_view()}
            {(!measure.actions.is_empty()).then(|| view! {
                <h4>"取組内容"</h4>
                <ul class="doc-actions">
                    {measure.actions.iter().map(|a| view! {
                        <li>
                            {a.number.clone().map(|n| view! { <span class="doc-number">{n}</span>" " })}
                            {writer.inline(keys::action(&id, &a.id), a.title.clone())}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {(!measure.kpis.is_empty()).then(|| view! {
                <h4>"KPI"</h4>
                <ul class="doc-kpis">
                    {measure.kpis.iter().enumerate().map(|(i, k)| view! {
                        <li>{writer.inline(keys::kpi(&id, i), k.text.clone())}</li>
                    }).collect_view()}
                </ul>
            })}
            {(!measure.lead_departments.is_empty() || !measure.related_departments.is_empty()).then(|| view! {
                <dl class="facts facts--stacked">
                    <div><dt>"担当課"</dt><dd>{measure.lead_departments.join("、")}</dd></div>
                    {(!measure.related_departments.is_empty()).then(|| view! {
                        <div><dt>"関係課"</dt><dd>{measure.related_departments.join("、")}</dd></div>
                    })}
                </dl>
            })}
            {(!measure.general_plan_refs.is_empty()).then(|| view! {
                <p class="fact-note">"関連する総合計画の施策番号："{measure.general_plan_refs.join("、")}</p>
            })}
            {(!rows.is_empty()).then(|| {
                let table = view! {
                    <table class="data-table doc-schedule">
                        <caption>"スケジュール（工程表）"</caption>
                        <thead><tr><th scope="col">"取組"</th>{years.iter().map(|y| view! { <th scope="col">{y.japanese()}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {rows.into_iter().map(|(label, number, cells)| view! {
                                <tr>
                                    <th scope="row">{number.map(|n| format!("{n} "))}{label}</th>
                                    {years.iter().map(|y| view! {
                                        <td>{cells.iter().find(|(year, _)| *year == y.0).map(|(_, text)| text.clone())}</td>
                                    }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any();
                view! { <ScrollFrame label=format!("{}のスケジュール", measure.title)>{table}</ScrollFrame> }
            })}
        </section>
    }
    .into_any()
}
