//! Tables printed in a plan (period comparisons, matrices), as accessible HTML tables.

use keikaku_domain::format::Table;
use leptos::prelude::*;

/// A horizontally scrollable, keyboard-focusable frame for wide tables on phones.
#[component]
pub fn ScrollFrame(
    #[prop(optional, into)] label: Option<String>,
    /// The ids of the elements naming the frame, instead of `label`: where the name holds a
    /// plan's Japanese words on an English page (an attribute cannot say its language).
    #[prop(optional, into)]
    labelled_by: Option<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-scroll" role="region" aria-label=label aria-labelledby=labelled_by tabindex="0">
            {children()}
        </div>
    }
}

#[component]
pub fn PlanTable(table: Table) -> impl IntoView {
    let label = table.title.clone();
    view! {
        <ScrollFrame label=label>
            <table class="data-table" id=format!("table-{}", table.id)>
                <caption>
                    {table.title.clone()}
                    {table.caption.clone().map(|c| view! { <span class="caption-note">{c}</span> })}
                </caption>
                <thead>
                    <tr>{table.header.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view()}</tr>
                </thead>
                <tbody>
                    {table.rows.iter().map(|row| view! {
                        <tr>
                            {row.iter().enumerate().map(|(i, cell)| if i == 0 {
                                view! { <th scope="row">{cell.clone()}</th> }.into_any()
                            } else {
                                view! { <td>{cell.clone()}</td> }.into_any()
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </ScrollFrame>
    }
}
