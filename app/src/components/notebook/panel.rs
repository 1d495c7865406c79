//! 「自分のメモ・付箋」: every note of the reader's on the plan, searchable together with the
//! plan's text (offline too: both are on the device), with links back to where each is; the
//! notes whose text a revision changed (「改定で該当箇所が変わったメモ」) with the passage's
//! comparison; and the notes written out as CSV or text.

use keikaku_domain::document::measure_of;
use keikaku_domain::lang::{mark_japanese, Lang};
use keikaku_domain::revision::diff::{anchor as diff_anchor, ItemKind};
use keikaku_domain::revision::VersionNumber;
use keikaku_domain::views::{format_japan_time_in, paths};
use keikaku_sync::annotation::{to_csv_in, to_text_in, Annotation, Placement, Target};
use leptos::prelude::*;

use super::{part_name_view, Notes, Placed};
use crate::i18n::{t, use_i18n};

#[component]
pub fn NotesPanel() -> impl IntoView {
    let notes = use_context::<Notes>();
    let shown = Memo::new(move |_| notes.is_some_and(|n| n.shown()));
    move || {
        let notes = notes?;
        shown.get().then(|| view! { <NotesPanelBody notes/> })
    }
}

#[component]
fn NotesPanelBody(notes: Notes) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), notes.lang());
    let query = RwSignal::new(String::new());
    let matching = move || {
        let query = keikaku_domain::search::normalize(query.get().trim());
        notes.placed_where(|p| query.is_empty() || p.annotation.matches(&query))
    };
    let ready = Memo::new(move |_| notes.available());
    let count = move || {
        ready
            .get()
            .then(|| t!(i18n, notebook.count, count = notes.placed_count()))
    };
    let plan_id = notes.plan_id();
    let export = move |csv: bool| {
        let notebook = notes.notebook();
        // The file is named in the reader's language too (ASCII either way).
        let stem = match lang {
            Lang::Ja => "memo",
            Lang::En => "notes",
        };
        let (name, body, mime) = if csv {
            (
                format!("{}-{stem}.csv", notes.plan_id()),
                to_csv_in(&notebook, lang),
                "text/csv;charset=utf-8",
            )
        } else {
            let title = notes.plan_title();
            (
                format!("{}-{stem}.txt", notes.plan_id()),
                to_text_in(&title, &notebook, lang),
                "text/plain;charset=utf-8",
            )
        };
        download(&name, &body, mime);
    };
    view! {
        <details class="notes-panel">
            <summary>{t!(i18n, notebook.panel)}{count}</summary>
            {move || (!ready.get()).then(|| view! { <p class="notes-panel__body" role="status">{t!(i18n, notebook.loading)}</p> })}
            <div class="notes-panel__body" hidden=move || !ready.get()>
                <div class="field">
                    <label for="notes-search">{t!(i18n, notebook.search)}</label>
                    <input type="search" id="notes-search" prop:value=move || query.get()
                        on:input=move |ev| query.set(event_target_value(&ev))/>
                </div>
                // An error from the device's store may be in Japanese whatever the page's language.
                {move || {
                    let message = notes.message.get().map(|m| match m { Ok(m) | Err(m) => m });
                    let lang = message.as_deref().and_then(mark_japanese);
                    view! { <p class="notes-panel__status" role="status" lang=lang>{message}</p> }
                }}
                {move || {
                    let (here, changed): (Vec<Placed>, Vec<Placed>) = matching()
                        .into_iter()
                        .partition(|p| p.placement != Placement::Changed);
                    view! {
                        <h3 class="notes-panel__heading">{t!(i18n, notebook.here)}</h3>
                        {if here.is_empty() {
                            view! { <p>{t!(i18n, notebook.none)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="notes-panel__list">
                                    {here.into_iter().map(|p| view! { <NoteEntry notes placed=p/> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        {(!changed.is_empty()).then(|| view! {
                            <h3 class="notes-panel__heading">{t!(i18n, notebook.changed)}</h3>
                            <p>{t!(i18n, notebook.changed_lead)}</p>
                            <ul class="notes-panel__list notes-panel__list--changed">
                                {changed.into_iter().map(|p| view! { <ChangedEntry notes annotation=p.annotation/> }).collect_view()}
                            </ul>
                        })}
                    }
                }}
                {move || {
                    let q = query.get();
                    let found = notes.search_text(&q, 20);
                    (!q.trim().is_empty()).then(|| view! {
                        <h3 class="notes-panel__heading">{t!(i18n, notebook.text_results, count = found.len())}</h3>
                        <ul class="notes-panel__list">
                            {found.into_iter().map(|passage| {
                                let anchor = keikaku_domain::document::part_anchor_of(&passage.key);
                                let label = notes.part_name(&anchor).map(part_name_view);
                                let snippet: String = passage.text.chars().take(80).collect();
                                let snippet_lang = crate::lang::text_lang(&snippet);
                                view! {
                                    <li><a href=format!("#{anchor}")>{label}</a>{t!(i18n, notebook.result_separator)}<span lang=snippet_lang>{snippet}</span></li>
                                }
                            }).collect_view()}
                        </ul>
                    })
                }}
                <p class="notes-panel__export">
                    <button type="button" class="button" on:click=move |_| export(true)>{t!(i18n, notebook.export_csv)}</button>
                    <button type="button" class="button" on:click=move |_| export(false)>{t!(i18n, notebook.export_text)}</button>
                </p>
                <p class="fact-note">
                    {t!(i18n, notebook.private_before)}<a href=paths::versions(&plan_id)>{t!(i18n, notebook.history)}</a>{t!(i18n, notebook.private_after)}
                </p>
            </div>
        </details>
    }
}

/// A note in this version: where it is, what it says, when it was made.
#[component]
fn NoteEntry(notes: Notes, placed: Placed) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), notes.lang());
    let anchor = placed.part().unwrap_or_default();
    let label = match notes.part_name(&anchor) {
        Some(name) => part_name_view(name).into_any(),
        None => anchor.clone().into_any(),
    };
    let a = placed.annotation;
    let version = VersionNumber(a.version).label_in(lang);
    let time = format_japan_time_in(a.made_at, lang);
    view! {
        <li>
            <span class="part-notes__kind">{a.kind.label_in(lang)}</span>" "
            <a href=format!("#{anchor}")>{label}</a>
            {matches!(a.target, Target::Passage { .. }).then(|| {
                let quote = a.quote().to_owned();
                let lang = crate::lang::text_lang(&quote);
                view! { " "<q lang=lang>{quote}</q> }
            })}
            {(!a.text.is_empty()).then(|| view! { <span class="notes-panel__text" lang=mark_japanese(&a.text)>{a.text.clone()}</span> })}
            <span class="notes-panel__meta">{t!(i18n, notebook.made, version, time)}</span>
            {placed.concurrent.then(|| view! { <span class="part-notes__concurrent">{t!(i18n, notebook.concurrent_short)}</span> })}
        </li>
    }
}

/// A note whose text is gone from this version: its quote, its version, the comparison.
#[component]
fn ChangedEntry(notes: Notes, annotation: Annotation) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), notes.lang());
    let plan_id = notes.plan_id();
    let measure = match &annotation.target {
        Target::Passage { selector } => measure_of(&selector.key).map(str::to_owned),
        Target::Part { anchor, .. } => anchor.strip_prefix("doc-measure-").map(str::to_owned),
    };
    let compare = (annotation.version != notes.version()).then(|| {
        let base = paths::compare(&plan_id, annotation.version, notes.version());
        match &measure {
            Some(id) => format!("{base}#{}", diff_anchor(ItemKind::Measure, id)),
            None => base,
        }
    });
    let id = annotation.id.clone();
    let version = VersionNumber(annotation.version).label_in(lang);
    let time = format_japan_time_in(annotation.made_at, lang);
    let quote = annotation.quote().to_owned();
    view! {
        <li>
            <span class="part-notes__kind">{annotation.kind.label_in(lang)}</span>" "
            {t!(i18n, notebook.original_place)}<q lang=crate::lang::text_lang(&quote)>{quote.clone()}</q>
            {(!annotation.text.is_empty()).then(|| view! { <span class="notes-panel__text" lang=mark_japanese(&annotation.text)>{annotation.text.clone()}</span> })}
            <span class="notes-panel__meta">{t!(i18n, notebook.made_in, version, time)}</span>
            {compare.map(|href| view! { <a href=href>{t!(i18n, notebook.compare)}</a> })}
            <button type="button" class="button" on:click=move |_| notes.delete(id.clone())>{t!(i18n, notebook.delete)}</button>
        </li>
    }
}

/// Offers `body` as a file to save, made in the browser (works offline).
fn download(name: &str, body: &str, mime: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(body));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
            return;
        };
        let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
            return;
        };
        if let Ok(link) = leptos::prelude::document().create_element("a") {
            let _ = link.set_attribute("href", &url);
            let _ = link.set_attribute("download", name);
            if let Some(link) = link.dyn_ref::<web_sys::HtmlElement>() {
                link.click();
            }
        }
        // Revoked once the browser has had time to start saving it.
        gloo_timers::callback::Timeout::new(60_000, move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        })
        .forget();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (name, body, mime);
}
