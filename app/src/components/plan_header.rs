//! The heading block shared by all pages of one plan: breadcrumb, title, key facts, tabs. The
//! markup is `keikaku_render::plan_header`'s, which the service worker's first view shares.

use keikaku_domain::views::{paths, PlanSummary};
use keikaku_domain::PlanStatus;
use keikaku_render::plan_header::{breadcrumb_list, plan_header_contents, status_label, texts};
use leptos::prelude::*;

pub use keikaku_render::plan_header::PlanTab;

/// Breadcrumb trail; the last entry is the current page and is not a link.
#[component]
pub fn Breadcrumbs(trail: Vec<(String, Option<String>)>) -> impl IntoView {
    let lang = crate::lang::use_lang();
    view! { <nav class="breadcrumbs" aria-label=texts(lang).breadcrumbs inner_html=breadcrumb_list(&trail, lang)></nav> }
}

/// The plan's status (as `keikaku_render::plan_header::write_status_badge` writes it).
#[component]
pub fn StatusBadge(status: PlanStatus) -> impl IntoView {
    let label = status_label(status, crate::lang::use_lang());
    view! { <span class=format!("badge badge--{}", status.as_str())>{label}</span> }
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
            .title({
                let title = summary.title.clone();
                crate::i18n::t_string!(crate::i18n::use_i18n(), plan.feed_title, title).to_string()
            })
            .href(paths::plan_feed(&summary.id))
            .build(),
    );
    view! {
        {feed}
        <div class="plan-header" inner_html=plan_header_contents(&summary, current, title_is_heading, crate::lang::use_lang())></div>
    }
}
