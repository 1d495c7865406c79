//! Changes between two versions as the comparison and revision pages show them: inserted text
//! underlined in `<ins>`, deleted text struck through in `<del>`, each also named in words for
//! screen readers and in print, so nothing depends on colour.

use keikaku_domain::revision::diff::{Change, ItemDiff, PlanDiff};
use keikaku_domain::revision::text_diff::{Span, SpanKind};
use leptos::prelude::*;

/// One field's text with its insertions and deletions marked.
#[component]
pub fn TextChanges(spans: Vec<Span>) -> impl IntoView {
    spans
        .into_iter()
        .map(|span| match span.kind {
            SpanKind::Equal => view! { <span>{span.text}</span> }.into_any(),
            SpanKind::Inserted => view! {
                <ins class="diff-ins">
                    <span class="diff-mark">"［追加："</span>{span.text}<span class="diff-mark">"］"</span>
                </ins>
            }
            .into_any(),
            SpanKind::Deleted => view! {
                <del class="diff-del">
                    <span class="diff-mark">"［削除："</span>{span.text}<span class="diff-mark">"］"</span>
                </del>
            }
            .into_any(),
        })
        .collect_view()
}

fn change_label(item: &ItemDiff) -> &'static str {
    match item.change {
        Change::Added => "追加",
        Change::Removed => "削除",
        Change::Changed if item.fields.is_empty() && item.moved.is_some() => "移動",
        Change::Changed => "変更",
    }
}

/// One changed thing: what it is, how it changed, where it moved, and its fields.
#[component]
pub fn ChangeItem(item: ItemDiff) -> impl IntoView {
    let label = change_label(&item);
    let anchor = item.anchor();
    let heading = format!("{}：{}", item.kind.label(), item.title);
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
                <span class="badge badge--diff">{label}</span>" "{heading}
                {item.renamed.then(|| view! { " "<span class="badge badge--diff">"名称変更"</span> })}
            </h4>
            {item.moved.map(|moved| {
                let text = if moved.from == moved.to {
                    "並び順が変わりました".to_owned()
                } else {
                    format!(
                        "移動：{} → {}",
                        if moved.from.is_empty() { "（体系の外）".to_owned() } else { moved.from.join("／") },
                        if moved.to.is_empty() { "（体系の外）".to_owned() } else { moved.to.join("／") },
                    )
                };
                view! { <p class="diff-item__moved">{text}</p> }
            })}
            {(!item.fields.is_empty()).then(|| view! {
                <dl class="diff-fields">
                    {item.fields.into_iter().map(|f| view! {
                        <div>
                            <dt>{f.label}</dt>
                            <dd class="diff-text"><TextChanges spans=f.spans/></dd>
                        </div>
                    }).collect_view()}
                </dl>
            })}
        </article>
    }
}

/// The counts of a comparison as a table (kind × added, removed, changed, moved).
#[component]
pub fn ChangeCounts(diff: PlanDiff) -> impl IntoView {
    let counts = diff.counts();
    let mut kinds: Vec<_> = counts.iter().map(|c| c.kind).collect();
    kinds.dedup();
    let cell = move |kind, what: &str| {
        counts
            .iter()
            .find(|c| c.kind == kind && c.what == what)
            .map_or("—".to_owned(), |c| format!("{}件", c.count))
    };
    view! {
        <div class="table-scroll" role="region" aria-label="変更の件数" tabindex="0">
            <table class="data-table diff-counts">
                <caption>"変更の件数"</caption>
                <thead>
                    <tr>
                        <th scope="col">"種類"</th>
                        <th scope="col">"追加"</th>
                        <th scope="col">"削除"</th>
                        <th scope="col">"変更"</th>
                        <th scope="col">"移動"</th>
                    </tr>
                </thead>
                <tbody>
                    {kinds.into_iter().map(|kind| view! {
                        <tr>
                            <th scope="row">{kind.label()}</th>
                            <td>{cell(kind, "追加")}</td>
                            <td>{cell(kind, "削除")}</td>
                            <td>{cell(kind, "変更")}</td>
                            <td>{cell(kind, "移動")}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Every change, grouped: the plan, chapters, structure, each measure with its parts,
/// milestones, glossary.
#[component]
pub fn ChangeList(diff: PlanDiff) -> impl IntoView {
    use keikaku_domain::revision::diff::ItemKind;
    let mut groups: Vec<(String, Vec<ItemDiff>)> = Vec::new();
    for item in diff.items {
        let group = match (&item.measure, item.kind) {
            (Some(_), _) | (None, ItemKind::Measure) => {
                let id = item.measure.clone().unwrap_or_else(|| item.id.clone());
                format!("measure:{id}")
            }
            (None, kind) => kind.label().to_owned(),
        };
        match groups.last_mut() {
            Some((name, items)) if *name == group => items.push(item),
            _ => groups.push((group, vec![item])),
        }
    }
    groups
        .into_iter()
        .map(|(group, items)| {
            let title = if group.starts_with("measure:") {
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
                format!("施策 {name}")
            } else {
                group.clone()
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
