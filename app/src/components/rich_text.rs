//! Plan text: paragraphs and line breaks as transcribed, glossary terms linked where the
//! document marks them. Text is always rendered as text, never as HTML.

use keikaku_domain::text::{link_terms, paragraphs, Segment, TermLink};
use keikaku_domain::views::paths;
use leptos::prelude::*;

#[component]
pub fn RichText(
    #[prop(into)] text: String,
    glossary: Vec<TermLink>,
    #[prop(into)] plan_id: String,
) -> impl IntoView {
    paragraphs(&text)
        .into_iter()
        .map(|lines| {
            let count = lines.len();
            let body = lines
                .into_iter()
                .enumerate()
                .map(|(i, line)| {
                    let segments = link_terms(line, &glossary)
                        .into_iter()
                        .map(|segment| match segment {
                            Segment::Text(text) => text.into_any(),
                            Segment::Term {
                                text,
                                term_id,
                                marker,
                            } => view! {
                                <a class="term" href=paths::term(&plan_id, &term_id)>{text}</a>
                                <span class="term-marker" aria-hidden="true">{marker}</span>
                            }
                            .into_any(),
                        })
                        .collect_view();
                    view! { {segments} {(i + 1 < count).then(|| view! { <br/> })} }
                })
                .collect_view();
            view! { <p>{body}</p> }
        })
        .collect_view()
}
