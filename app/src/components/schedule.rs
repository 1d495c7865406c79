//! The stage legend shown beside roadmap tables (the tables themselves are written as HTML text
//! by `keikaku_render::schedule`).

use keikaku_render::schedule::{legend_label, stage_legend_items};
use leptos::prelude::*;

/// Legend explaining the stage colours.
#[component]
pub fn StageLegend() -> impl IntoView {
    let lang = crate::lang::use_lang();
    view! { <ul class="stage-legend" aria-label=legend_label(lang) inner_html=stage_legend_items(lang)></ul> }
}
