//! A roadmap cell: its planned text with the stage it names, shown as a badge.

use keikaku_domain::roadmap::RoadmapCell;
use keikaku_domain::Stage;
use leptos::prelude::*;

#[component]
pub fn StageBadge(stage: Stage) -> impl IntoView {
    view! { <span class=format!("stage stage--{}", stage.slug())>{stage.label()}</span> }
}

/// One roadmap cell: what the plan says for the year and, when recorded, what was achieved.
#[component]
pub fn ScheduleCellView(
    cell: Option<RoadmapCell>,
    #[prop(default = None)] actual: Option<String>,
) -> impl IntoView {
    let actual = actual.map(|a| view! { <span class="cell__actual">"実績："{a}</span> });
    match cell {
        None => view! {
            <td class="cell cell--empty">
                {if actual.is_none() { Some(view! { <span class="visually-hidden">"予定なし"</span> }) } else { None }}
                {actual}
            </td>
        }
        .into_any(),
        Some(cell) => {
            let lines: Vec<String> = cell.text.lines().map(str::to_owned).collect();
            let class = format!("cell {}", cell.stage.map(|s| format!("cell--{}", s.slug())).unwrap_or_default());
            // The badge repeats the text when the text is exactly a stage name.
            let badge = cell.stage.filter(|s| cell.text.trim() != s.label());
            view! {
                <td class=class>
                    {badge.map(|stage| view! { <StageBadge stage/> })}
                    {lines.into_iter().map(|l| view! { <span class="cell__line">{l}</span> }).collect_view()}
                    {actual}
                </td>
            }
            .into_any()
        }
    }
}

/// Legend explaining the stage colours.
#[component]
pub fn StageLegend() -> impl IntoView {
    view! {
        <ul class="stage-legend" aria-label="段階の凡例">
            {Stage::ALL.into_iter().map(|stage| view! { <li><StageBadge stage/></li> }).collect_view()}
        </ul>
    }
}
