//! Changes between two versions as the comparison and revision pages show them: inserted text
//! underlined in `<ins>`, deleted text struck through in `<del>`, each also named in words for
//! screen readers and in print, so nothing depends on colour.

use keikaku_domain::lang::Lang;
use keikaku_domain::revision::diff::{place_in, Change, ItemDiff, ItemKind, PlanDiff, MOVED};
use keikaku_domain::revision::text_diff::{Span, SpanKind};
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};
use crate::lang::{text_lang, use_lang};

/// One field's text with its insertions and deletions marked. The text is the plan's own; the
/// marks that name insertions and deletions are in the page's language.
#[component]
pub fn TextChanges(spans: Vec<Span>) -> impl IntoView {
    let i18n = use_i18n();
    // The language of the whole text, not of each run: a run of digits inside a Japanese
    // sentence is still read as part of it.
    let lang = text_lang(&spans.iter().map(|s| s.text.as_str()).collect::<String>());
    spans
        .into_iter()
        .map(|span| match span.kind {
            SpanKind::Equal => view! { <span lang=lang>{span.text}</span> }.into_any(),
            SpanKind::Inserted => view! {
                <ins class="diff-ins">
                    <span class="diff-mark">{t!(i18n, versions.mark_added)}</span>
                    <span lang=lang>{span.text}</span>
                    <span class="diff-mark">{t!(i18n, versions.mark_end)}</span>
                </ins>
            }
            .into_any(),
            SpanKind::Deleted => view! {
                <del class="diff-del">
                    <span class="diff-mark">{t!(i18n, versions.mark_removed)}</span>
                    <span lang=lang>{span.text}</span>
                    <span class="diff-mark">{t!(i18n, versions.mark_end)}</span>
                </del>
            }
            .into_any(),
        })
        .collect_view()
}

/// How an item changed, as its badge says it.
fn change_label(item: &ItemDiff) -> &'static str {
    let i18n = use_i18n();
    match item.change {
        Change::Added => t_string!(i18n, versions.added),
        Change::Removed => t_string!(i18n, versions.removed),
        Change::Changed if item.fields.is_empty() && item.moved.is_some() => {
            t_string!(i18n, versions.moved)
        }
        Change::Changed => t_string!(i18n, versions.changed),
    }
}

/// Places in the structure (trails of the plan's titles), each marked with its language.
fn places(list: Vec<String>, lang: Lang) -> AnyView {
    let i18n = use_i18n();
    if list.is_empty() {
        return t!(i18n, versions.outside_structure).into_any();
    }
    let separator = t_string!(i18n, versions.place_separator);
    list.into_iter()
        .enumerate()
        .map(|(i, place)| {
            let place = place_in(&place, lang).to_owned();
            let place_lang = text_lang(&place);
            view! { {(i > 0).then_some(separator)}<span lang=place_lang>{place}</span> }
        })
        .collect_view()
        .into_any()
}

/// One changed thing: what it is, how it changed, where it moved, and its fields.
#[component]
pub fn ChangeItem(item: ItemDiff) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), use_lang());
    let label = change_label(&item);
    let anchor = item.anchor();
    let (title, year) = item.title_in(lang);
    let title_lang = text_lang(&title);
    let fields: Vec<(String, Vec<Span>)> = item
        .fields
        .iter()
        .map(|f| (item.field_label_in(f, lang), f.spans.clone()))
        .collect();
    let class = format!(
        "diff-item diff-item--{}",
        match item.change {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        }
    );
    view! {
        <article id=anchor class=class>
            <h4 class="diff-item__title">
                <span class="badge badge--diff">{label}</span>" "
                {item.kind.item_label_in(lang)}{t!(i18n, versions.heading_separator)}
                <span lang=title_lang>{title}</span>{year.map(|y| format!(", {y}"))}
                {item.renamed.then(|| view! { " "<span class="badge badge--diff">{t!(i18n, versions.renamed)}</span> })}
            </h4>
            {item.moved.map(|moved| {
                let text = if moved.from == moved.to {
                    t!(i18n, versions.reordered).into_any()
                } else {
                    let (from, to) = (places(moved.from, lang), places(moved.to, lang));
                    view! { {t!(i18n, versions.moved_to)}{from}" → "{to} }.into_any()
                };
                view! { <p class="diff-item__moved">{text}</p> }
            })}
            {(!fields.is_empty()).then(|| view! {
                <dl class="diff-fields">
                    {fields.into_iter().map(|(label, spans)| {
                        let label_lang = text_lang(&label);
                        view! {
                            <div>
                                <dt lang=label_lang>{label}</dt>
                                <dd class="diff-text"><TextChanges spans/></dd>
                            </div>
                        }
                    }).collect_view()}
                </dl>
            })}
        </article>
    }
}

/// The counts of a comparison as a table (kind × added, removed, changed, moved).
#[component]
pub fn ChangeCounts(diff: PlanDiff) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), use_lang());
    let counts = diff.counts();
    let mut kinds: Vec<_> = counts.iter().map(|c| c.kind).collect();
    kinds.dedup();
    // The counts name what they count in Japanese, which is also what the columns look for.
    let columns = [
        Change::Added.label(),
        Change::Removed.label(),
        Change::Changed.label(),
        MOVED,
    ];
    let cell = move |kind, what: &str| {
        counts
            .iter()
            .find(|c| c.kind == kind && c.what == what)
            .map_or("—".to_owned(), |c| {
                t_string!(i18n, versions.count, n = c.count).to_string()
            })
    };
    view! {
        <div class="table-scroll" role="region" aria-label=t_string!(i18n, versions.counts) tabindex="0">
            <table class="data-table diff-counts">
                <caption>{t!(i18n, versions.counts)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, versions.kind)}</th>
                        <th scope="col">{t!(i18n, versions.added)}</th>
                        <th scope="col">{t!(i18n, versions.removed)}</th>
                        <th scope="col">{t!(i18n, versions.changed)}</th>
                        <th scope="col">{t!(i18n, versions.moved)}</th>
                    </tr>
                </thead>
                <tbody>
                    {kinds.into_iter().map(|kind| view! {
                        <tr>
                            <th scope="row">{kind.label_in(lang)}</th>
                            {columns.iter().map(|what| view! { <td>{cell(kind, what)}</td> }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// A group of changes on the comparison page: a measure with its parts, or one other kind.
#[derive(PartialEq)]
enum Group {
    Measure(String),
    Kind(ItemKind),
}

/// Every change, grouped: the plan, chapters, structure, each measure with its parts,
/// milestones, glossary.
#[component]
pub fn ChangeList(diff: PlanDiff) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), use_lang());
    let mut groups: Vec<(Group, Vec<ItemDiff>)> = Vec::new();
    for item in diff.items {
        let group = match (&item.measure, item.kind) {
            (Some(_), _) | (None, ItemKind::Measure) => {
                Group::Measure(item.measure.clone().unwrap_or_else(|| item.id.clone()))
            }
            (None, kind) => Group::Kind(kind),
        };
        match groups.last_mut() {
            Some((name, items)) if *name == group => items.push(item),
            _ => groups.push((group, vec![item])),
        }
    }
    groups
        .into_iter()
        .map(|(group, items)| {
            let title = match group {
                Group::Measure(_) => {
                    let name = items
                        .iter()
                        .find_map(|i| i.measure_title.clone())
                        .or_else(|| {
                            items
                                .iter()
                                .find(|i| i.kind == ItemKind::Measure)
                                .map(|i| i.title.clone())
                        })
                        .unwrap_or_default();
                    let name_lang = text_lang(&name);
                    view! { {t!(i18n, versions.measure_group)}<span lang=name_lang>{name}</span> }
                        .into_any()
                }
                Group::Kind(kind) => kind.label_in(lang).into_any(),
            };
            view! {
                <section class="diff-group">
                    <h3>{title}</h3>
                    {items.into_iter().map(|item| view! { <ChangeItem item/> }).collect_view()}
                </section>
            }
        })
        .collect_view()
}
