//! The stage legend shown beside roadmap tables (the tables themselves are written as HTML text
//! by `keikaku_render::schedule`).

use keikaku_render::schedule::{stage_legend_items, LEGEND_LABEL};
use leptos::prelude::*;

/// Legend explaining the stage colours.
#[component]
pub fn StageLegend() -> impl IntoView {
    view! { <ul class="stage-legend" aria-label=LEGEND_LABEL inner_html=stage_legend_items()></ul> }
}
