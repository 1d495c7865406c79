//! The heading block shared by all pages of one plan: breadcrumb, title, key facts, tabs. The
//! markup is `keikaku_render::plan_header`'s, which the service worker's first view shares.

use keikaku_domain::views::{paths, PlanSummary};
use keikaku_domain::PlanStatus;
use keikaku_render::plan_header::{breadcrumb_list, plan_header_contents, BREADCRUMBS_LABEL};
use leptos::prelude::*;

pub use keikaku_render::plan_header::PlanTab;

/// Breadcrumb trail; the last entry is the current page and is not a link.
#[component]
pub fn Breadcrumbs(trail: Vec<(String, Option<String>)>) -> impl IntoView {
    view! { <nav class="breadcrumbs" aria-label=BREADCRUMBS_LABEL inner_html=breadcrumb_list(&trail)></nav> }
}

/// The plan's status (as `keikaku_render::plan_header::write_status_badge` writes it).
#[component]
pub fn StatusBadge(status: PlanStatus) -> impl IntoView {
    view! { <span class=format!("badge badge--{}", status.as_str())>{status.label()}</span> }
}

/// Title block and section tabs for a plan's pages.
#[component]
pub fn PlanHeader(
    summary: PlanSummary,
    current: PlanTab,
    /// The plan title is the page's main heading (overview), not a link back to it.
    #[prop(optional)]
    title_is_heading: bool,
) -> impl IntoView {
    // Feed readers find the plan's feed from any of its pages.
    let feed = leptos_meta::Link(
        leptos_meta::LinkProps::builder()
            .rel("alternate")
            .type_("application/atom+xml")
            .title(format!("{}の更新（Atom）", summary.title))
            .href(paths::plan_feed(&summary.id))
            .build(),
    );
    view! {
        {feed}
        <div class="plan-header" inner_html=plan_header_contents(&summary, current, title_is_heading)></div>
    }
}
