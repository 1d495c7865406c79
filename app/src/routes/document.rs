//! `/plans/:plan_id/document` and `/plans/:plan_id/v/:version`: the whole plan as one
//! document to read (閲覧室), the current version or any other, with a table of contents, an
//! adjustable text size and the reading position remembered on this device.
//!
//! Every passage a reader can mark carries its key (`data-anchor`, see
//! `keikaku_domain::document::passages`), and holds exactly the text the key's passage has.
//!
//! The plan's text is shown as written (in Japanese, whatever the page's language: notes are
//! anchored to it), each piece marked with its language; the page's own words follow the
//! page's language.

use keikaku_domain::document::{
    anchors, chapter_heading, fixed_part_name_in, keys, measure_field, measure_field_label_in,
    measure_heading, schedule_rows, DocumentView, Part, MEASURE_FIELDS,
};
use keikaku_domain::format::{Chapter, Measure, Node, Plan};
use keikaku_domain::lang::{mark_japanese, Lang};
use keikaku_domain::revision::{VersionInfo, VersionState};
use keikaku_domain::text::TermLink;
use keikaku_domain::views::{paths, NodeCrumb};
use keikaku_render::document::{names_in, year_heading};
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
use crate::i18n::{t, t_string, td_string, use_i18n, Locale};
use crate::lang::{text_lang, use_lang};

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
    let not_found = t_string!(use_i18n(), document.not_found);
    optional_page(page, not_found, |view| {
        view! { <Document view/> }
    })
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
        let lang = text_lang(&text);
        view! {
            <div class="doc-text" data-anchor=key lang=lang>
                <RichText text=text glossary=self.glossary.clone() plan_id=self.plan_id.clone()/>
            </div>
        }
    }

    /// An inline passage (a title, a list item, a cell): one line of plain text.
    fn inline(&self, key: String, text: String) -> impl IntoView {
        let shown = keikaku_domain::document::shown_text(&text);
        let lang = text_lang(&shown);
        view! { <span data-anchor=key lang=lang>{shown}</span> }
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
    let (i18n, lang) = (use_i18n(), use_lang());
    let plan_id = summary.id.clone();
    let writer = Writer {
        plan_id: plan_id.clone(),
        glossary,
    };
    let (title, subtitle) = summary.titles_in(lang);
    let current_version = t_string!(i18n, document.current_version);
    let version_title = version
        .as_ref()
        .map(|v| v.title_in(lang))
        .unwrap_or_else(|| current_version.to_owned());
    let page_title = t_string!(
        i18n,
        document.page_title,
        plan = title.clone(),
        version = version_title.clone()
    )
    .to_string();
    // An English breadcrumb names the version by its number: its label is the plan's Japanese.
    let crumb_version = match (lang, &version) {
        (Lang::Ja, _) => version_title.clone(),
        (_, Some(v)) => v.number.label_in(lang),
        (_, None) => current_version.to_owned(),
    };
    let crumb = t_string!(i18n, document.breadcrumb, version = crumb_version).to_string();
    // Provided before the parts are built, so each can offer 「この箇所を案内する」.
    let presenter = can_present
        .then(|| Presenter::provide(plan_id.clone(), version.as_ref().map(|v| v.number.0)));
    // Notes are made on the version shown; the current one's number is in the list.
    let shown = version
        .as_ref()
        .or_else(|| versions.iter().find(|v| v.state == VersionState::Current))
        .map_or(1, |v| v.number.0);
    let notes = Notes::provide(plan_id.clone(), shown, &plan, can_annotate);
    // How the presenting banner names a part on this page (see `presenting`).
    let part_name = Callback::new(move |anchor: String| notes.part_name(&anchor));
    let position_key = format!("{plan_id}/{}", version.as_ref().map_or(0, |v| v.number.0));
    let toc_list = move || {
        toc.iter()
            .map(|entry| {
                let label = entry.label_in(lang);
                view! {
                    <li class=format!("doc-toc__item doc-toc__item--{}", entry.level)>
                        <a href=format!("#{}", entry.anchor) lang=text_lang(&label)>{label.clone()}</a>
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
        <PageTitle text=page_title/>
        <ScrollToFragment/>
        {version.as_ref().map(|v| view! {
            <link rel="stylesheet" media="print" href=format!("/api/v1/plans/{plan_id}/versions/{}/print.css", v.number.0)/>
        })}
        <div class="page page--document">
            <Breadcrumbs trail=vec![(title.clone(), Some(paths::plan(&plan_id))), (crumb, None)]/>
            <PlanHeader summary=summary.clone() current=PlanTab::Document/>
            <crate::lang::ContentLanguageNotice/>
            <VersionBar plan_id=plan_id.clone() version=version.clone() versions/>
            {can_follow.then(|| view! { <PresentingBanner plan_id=plan_id.clone() name=part_name/> })}
            {presenter.map(|presenter| view! { <PresenterPanel presenter name=part_name/> })}
            <ReadingControls/>
            <NotesPanel/>
            <ReadingPosition key=position_key/>
            <div class="doc-layout">
                <nav class="doc-toc doc-toc--side" aria-label=t_string!(i18n, document.contents)>
                    <h2 class="doc-toc__title">{t!(i18n, document.contents)}</h2>
                    <ol>{toc_list.clone()()}</ol>
                </nav>
                <details class="doc-toc doc-toc--drawer">
                    <summary>{t!(i18n, document.contents_open)}</summary>
                    <nav aria-label=t_string!(i18n, document.contents_drawer)><ol>{toc_list()}</ol></nav>
                </details>
                <article class="doc" id="doc" data-plan=plan_id.clone()
                    data-version=version.as_ref().map(|v| v.number.0.to_string()).unwrap_or_default()>
                    <h1 class="doc__title" lang=text_lang(&title)>{title.clone()}</h1>
                    {subtitle.map(|s| view! { <p class="doc__subtitle" lang=text_lang(&s)>{s.clone()}</p> })}
                    <p class="doc__version">
                        {match &version {
                            Some(v) => version_title_view(v, lang),
                            None => current_version.into_any(),
                        }}
                    </p>
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
    version: Option<VersionInfo>,
    versions: Vec<VersionInfo>,
) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), use_lang());
    let Some(version) = version else {
        return view! { <p class="version-bar">{t!(i18n, document.kept_current)}</p> }.into_any();
    };
    let previous = versions
        .iter()
        .filter(|v| v.number < version.number)
        .map(|v| v.number)
        .max();
    let notice = match version.state {
        VersionState::Current => None,
        VersionState::Draft => Some(t_string!(i18n, document.draft_notice)),
        VersionState::Superseded => Some(t_string!(i18n, document.superseded_notice)),
    };
    let current = versions
        .iter()
        .find(|v| v.state == VersionState::Current)
        .map(|v| v.number.0);
    view! {
        <section class="version-bar" aria-label=t_string!(i18n, document.version)>
            <p class="version-bar__current">
                <span class=format!("badge badge--version-{}", version.state.as_str())>{version.state.label_in(lang)}</span>
                " "{version_title_view(&version, lang)}
            </p>
            {notice.map(|n| view! { <p class="version-bar__notice">{n}</p> })}
            <ul class="version-bar__links">
                {previous.map(|p| view! {
                    <li><a href=paths::compare(&plan_id, p.0, version.number.0)>{t!(i18n, document.changes_since, version = p.label_in(lang))}</a></li>
                })}
                {(version.state != VersionState::Current).then(|| current.map(|c| view! {
                    <li><a href=paths::version(&plan_id, c)>{t!(i18n, document.read_current)}</a></li>
                })).flatten()}
                <li><a href=paths::versions(&plan_id)>{t!(i18n, document.all_versions)}</a></li>
            </ul>
        </section>
    }
    .into_any()
}

/// A version's title: `第2版（令和6年3月改定）`, or `Version 2 (令和6年3月改定)` with the
/// plan's label marked as Japanese.
fn version_title_view(version: &VersionInfo, lang: Lang) -> AnyView {
    match lang {
        Lang::Ja => version.title().into_any(),
        _ if version.label.is_empty() => version.number.label_in(lang).into_any(),
        _ => {
            let label = version.label.clone();
            view! { {version.number.label_in(lang)}" ("<span lang=text_lang(&label)>{label.clone()}</span>")" }
                .into_any()
        }
    }
}

/// A scrollable frame for a wide table, named by `label` on a Japanese page
/// and otherwise by the elements `labelled_by`, which hold the plan's words marked as such
/// (an attribute cannot say its words are Japanese).
fn table_frame(label: String, labelled_by: String, lang: Lang, table: AnyView) -> AnyView {
    match lang {
        Lang::Ja => view! { <ScrollFrame label=label>{table}</ScrollFrame> }.into_any(),
        _ => view! { <ScrollFrame labelled_by=labelled_by>{table}</ScrollFrame> }.into_any(),
    }
}

/// The name of a part every plan may have, in `lang`.
fn fixed_name(anchor: &str, lang: Lang) -> &'static str {
    fixed_part_name_in(anchor, lang).unwrap_or_default()
}

fn part_view(
    part: &Part,
    plan: &Plan,
    placements: &[Vec<Vec<NodeCrumb>>],
    writer: &Writer,
    unplaced: &[keikaku_domain::views::MeasureRef],
) -> AnyView {
    let (i18n, lang) = (use_i18n(), use_lang());
    // What a note on a whole part or a pointer keeps of its name: the plan's Japanese.
    let kept = |anchor: &str| fixed_name(anchor, Lang::Ja);
    match part {
        Part::Chapter(id) => match plan.chapters.iter().find(|c| &c.id == id) {
            Some(chapter) => chapter_view(chapter, writer, 2).into_any(),
            None => ().into_any(),
        },
        Part::Structure => view! {
            <section id=anchors::STRUCTURE class="doc-part" aria-labelledby="doc-structure-heading">
                <h2 id="doc-structure-heading">{fixed_name(anchors::STRUCTURE, lang)}</h2>
                <PresentHere anchor=anchors::STRUCTURE label=kept(anchors::STRUCTURE) heading="doc-structure-heading"/>
                <PartNotes anchor=anchors::STRUCTURE label=kept(anchors::STRUCTURE) heading="doc-structure-heading"/>
                <ul class="tree doc-tree">
                    {plan.structure.iter().map(|n| node_view(n, plan, writer)).collect_view()}
                </ul>
                {(!unplaced.is_empty()).then(|| view! {
                    <p>{t!(i18n, document.unplaced)}
                        {unplaced.iter().map(|m| view! {
                            <a href=format!("#{}", anchors::measure(&m.id)) lang=text_lang(&m.title)>{m.title.clone()}</a>" "
                        }).collect_view()}
                    </p>
                })}
            </section>
        }
        .into_any(),
        Part::Measures => view! {
            <section id=anchors::MEASURES class="doc-part" aria-labelledby="doc-measures-heading">
                <h2 id="doc-measures-heading">{fixed_name(anchors::MEASURES, lang)}</h2>
                {plan.measures.iter().zip(placements).map(|(m, trails)| measure_view(m, trails, plan, writer)).collect_view()}
            </section>
        }
        .into_any(),
        Part::Milestones => {
            let table = view! {
                <table class="data-table">
                    <caption class="visually-hidden">{t!(i18n, document.milestones_caption)}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, document.year)}</th>
                        <th scope="col">{t!(i18n, document.group)}</th>
                        <th scope="col">{t!(i18n, document.text)}</th>
                    </tr></thead>
                    <tbody>
                        {plan.milestones.iter().enumerate().map(|(i, m)| {
                            let group = m.group.clone().unwrap_or_default();
                            view! {
                                <tr>
                                    <th scope="row">{m.fiscal_year.label_in(lang)}</th>
                                    <td lang=mark_japanese(&group)>{group.clone()}</td>
                                    <td>{writer.inline(keys::milestone(i), m.text.clone())}
                                        {m.note.clone().map(|n| view! { <span class="fact-note" lang=text_lang(&n)>{n.clone()}</span> })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any();
            view! {
                <section id=anchors::MILESTONES class="doc-part" aria-labelledby="doc-milestones-heading">
                    <h2 id="doc-milestones-heading">{fixed_name(anchors::MILESTONES, lang)}</h2>
                    <PartNotes anchor=anchors::MILESTONES label=kept(anchors::MILESTONES) heading="doc-milestones-heading"/>
                    <ScrollFrame label=fixed_name(anchors::MILESTONES, lang)>{table}</ScrollFrame>
                </section>
            }
            .into_any()
        }
        Part::Glossary => view! {
            <section id=anchors::GLOSSARY class="doc-part" aria-labelledby="doc-glossary-heading">
                <h2 id="doc-glossary-heading">{fixed_name(anchors::GLOSSARY, lang)}</h2>
                <PartNotes anchor=anchors::GLOSSARY label=kept(anchors::GLOSSARY) heading="doc-glossary-heading"/>
                <dl class="doc-glossary">
                    {plan.glossary.iter().map(|t| view! {
                        <div id=format!("doc-term-{}", t.id)>
                            <dt lang=text_lang(&t.term)>{t.term.clone()}</dt>
                            <dd>{writer.block(keys::term(&t.id), t.definition.clone())}</dd>
                        </div>
                    }).collect_view()}
                </dl>
            </section>
        }
        .into_any(),
    }
}

/// A number the plan gives (`第1章`, `①`), marked Japanese when it is.
fn number_view(number: Option<String>) -> impl IntoView {
    number.map(|n| view! { <span class="doc-number" lang=mark_japanese(&n)>{n.clone()}</span>" " })
}

fn chapter_view(chapter: &Chapter, writer: &Writer, level: u8) -> AnyView {
    let lang = use_lang();
    let heading_id = format!("{}-heading", anchors::chapter(&chapter.id));
    let title = view! {
        {number_view(chapter.number.clone())}
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
            <PresentHere anchor=anchors::chapter(&chapter.id) label=chapter_heading(chapter) heading=heading_id.clone()/>
            <PartNotes anchor=anchors::chapter(&chapter.id) label=chapter_heading(chapter) heading=heading_id.clone()/>
            {chapter.body.clone().map(|b| writer.block(keys::chapter(&chapter.id, "body"), b))}
            {chapter.lists.iter().map(|list| view! {
                <div class="doc-list">
                    {(!list.title.is_empty()).then(|| view! { <p class="doc-list__title" lang=text_lang(&list.title)>{list.title.clone()}</p> })}
                    <ul>
                        {list.items.iter().enumerate().map(|(i, item)| view! {
                            <li>
                                {number_view(item.number.clone())}
                                {writer.inline(keys::list_item(&chapter.id, &list.id, i), item.text.clone())}
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            }).collect_view()}
            {chapter.tables.iter().map(|table| {
                let caption_id = format!("{}-table-{}", anchors::chapter(&chapter.id), table.id);
                let content = view! {
                    <table class="data-table">
                        <caption id=caption_id.clone()>
                            <span lang=text_lang(&table.title)>{table.title.clone()}</span>
                            {table.caption.clone().map(|c| view! { <span class="caption-note" lang=text_lang(&c)>{c.clone()}</span> })}
                        </caption>
                        <thead><tr>{table.header.iter().map(|h| view! { <th scope="col" lang=text_lang(h)>{h.clone()}</th> }).collect_view()}</tr></thead>
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
                table_frame(table.title.clone(), caption_id, lang, content)
            }).collect_view()}
            {chapter.sections.iter().map(|s| chapter_view(s, writer, level + 1)).collect_view()}
        </section>
    }
    .into_any()
}

fn node_view(node: &Node, plan: &Plan, writer: &Writer) -> AnyView {
    view! {
        <li id=format!("doc-node-{}", node.id)>
            <span class="tree__label" lang=text_lang(node.display_label())>{node.display_label().to_owned()}{node.number.clone().map(|n| format!(" {n}"))}</span>" "
            {writer.inline(keys::node(&node.id, "title"), node.title.clone())}
            {node.description.clone().map(|d| writer.block(keys::node(&node.id, "description"), d))}
            {(!node.measures.is_empty()).then(|| view! {
                <ul class="tree__measures">
                    {node.measures.iter().filter_map(|id| plan.measure(id)).map(|m| view! {
                        <li><a href=format!("#{}", anchors::measure(&m.id)) lang=text_lang(&m.title)>{measure_heading(m)}</a></li>
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

fn measure_view(
    measure: &Measure,
    trails: &[Vec<NodeCrumb>],
    plan: &Plan,
    writer: &Writer,
) -> AnyView {
    let (i18n, lang) = (use_i18n(), use_lang());
    let id = measure.id.clone();
    let heading_id = format!("{}-heading", anchors::measure(&id));
    let schedule_id = format!("{}-schedule", anchors::measure(&id));
    let labelled_by = heading_id.clone();
    let years = plan.roadmap_years();
    let whole = t_string!(i18n, document.whole_measure).to_owned();
    let rows: Vec<(String, Option<String>, _)> = schedule_rows(measure, &years)
        .into_iter()
        .map(|row| {
            (
                row.label.unwrap_or_else(|| whole.clone()),
                row.number,
                row.cells,
            )
        })
        .collect();
    // What a note on the whole measure or a pointer keeps of its name: the plan's Japanese.
    let kept_label = td_string!(
        Locale::ja,
        document.measure_part,
        heading = measure_heading(measure)
    )
    .to_string();
    view! {
        <section id=anchors::measure(&id) class="doc-measure" aria-labelledby=labelled_by>
            <h3 id=heading_id.clone()>
                {number_view(measure.number.clone())}
                {writer.inline(keys::measure(&id, "title"), measure.title.clone())}
            </h3>
            <PresentHere anchor=anchors::measure(&id) label=kept_label.clone() heading=heading_id.clone()/>
            <PartNotes anchor=anchors::measure(&id) label=kept_label heading=heading_id.clone()/>
            {(!trails.is_empty()).then(|| {
                let place = trails.iter().map(|t| t.iter().map(|n| n.title.clone()).collect::<Vec<_>>().join(" › ")).collect::<Vec<_>>().join("／");
                view! { <p class="doc-measure__place" lang=text_lang(&place)>{place.clone()}</p> }
            })}
            {MEASURE_FIELDS.iter().filter_map(|(field, _)| measure_field(measure, field).map(|text| view! {
                <h4>{measure_field_label_in(field, lang)}</h4>
                {writer.block(keys::measure(&id, field), text.clone())}
            })).collect_view()}
            {(!measure.actions.is_empty()).then(|| view! {
                <h4>{t!(i18n, document.actions)}</h4>
                <ul class="doc-actions">
                    {measure.actions.iter().map(|a| view! {
                        <li>
                            {number_view(a.number.clone())}
                            {writer.inline(keys::action(&id, &a.id), a.title.clone())}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {(!measure.kpis.is_empty()).then(|| view! {
                <h4>{t!(i18n, document.kpis)}</h4>
                <ul class="doc-kpis">
                    {measure.kpis.iter().enumerate().map(|(i, k)| view! {
                        <li>{writer.inline(keys::kpi(&id, i), k.text.clone())}</li>
                    }).collect_view()}
                </ul>
            })}
            {(!measure.lead_departments.is_empty() || !measure.related_departments.is_empty()).then(|| view! {
                <dl class="facts facts--stacked">
                    <div><dt>{t!(i18n, document.lead)}</dt><dd lang=department_lang(&measure.lead_departments)>{names_in(&measure.lead_departments, lang)}</dd></div>
                    {(!measure.related_departments.is_empty()).then(|| view! {
                        <div><dt>{t!(i18n, document.related)}</dt><dd lang=department_lang(&measure.related_departments)>{names_in(&measure.related_departments, lang)}</dd></div>
                    })}
                </dl>
            })}
            {(!measure.general_plan_refs.is_empty()).then(|| {
                let refs = names_in(&measure.general_plan_refs, lang);
                view! { <p class="fact-note">{t!(i18n, document.general_plan)}<span lang=text_lang(&refs)>{refs.clone()}</span></p> }
            })}
            {(!rows.is_empty()).then(|| {
                let table = view! {
                    <table class="data-table doc-schedule">
                        <caption id=schedule_id.clone()>{t!(i18n, document.schedule_caption)}</caption>
                        <thead><tr>
                            <th scope="col">{t!(i18n, document.schedule_item)}</th>
                            {years.iter().map(|y| view! { <th scope="col">{year_heading(*y, lang)}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|(label, number, cells)| view! {
                                <tr>
                                    <th scope="row" lang=text_lang(&label)>{number.map(|n| format!("{n} "))}{label.clone()}</th>
                                    {years.iter().map(|y| view! {
                                        <td>{cells.iter().find(|(year, _, _)| year == y).map(|(_, continued, text)| view! {
                                            {continued.then(|| t!(i18n, document.continued))}
                                            <span lang=text_lang(text)>{text.clone()}</span>
                                        })}</td>
                                    }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any();
                let label = t_string!(i18n, document.schedule_label, measure = measure.title.clone()).to_string();
                table_frame(label, format!("{schedule_id} {heading_id}"), lang, table)
            })}
        </section>
    }
    .into_any()
}

/// The language of a row of the plan's names: Japanese if any is.
fn department_lang(names: &[String]) -> &'static str {
    text_lang(&names.concat())
}
