//! 「自分のメモ・付箋」: every note of the reader's on the plan, searchable together with the
//! plan's text (offline too: both are on the device), with links back to where each is; the
//! notes whose text a revision changed (「改定で該当箇所が変わったメモ」) with the passage's
//! comparison; and the notes written out as CSV or text.

use keikaku_domain::document::measure_of;
use keikaku_domain::revision::diff::{anchor as diff_anchor, ItemKind};
use keikaku_domain::views::{format_japan_time, paths};
use keikaku_sync::annotation::{to_csv, to_text, Annotation, Placement, Target};
use leptos::prelude::*;

use super::{Notes, Placed};

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
    let query = RwSignal::new(String::new());
    let matching = move || {
        let query = keikaku_domain::search::normalize(query.get().trim());
        notes.placed_where(|p| query.is_empty() || p.annotation.matches(&query))
    };
    let ready = Memo::new(move |_| notes.available());
    let count = move || {
        ready
            .get()
            .then(|| format!("（{}件）", notes.placed_count()))
    };
    let plan_id = notes.plan_id();
    let export = move |csv: bool| {
        let notebook = notes.notebook();
        let (name, body, mime) = if csv {
            (
                format!("{}-memo.csv", notes.plan_id()),
                to_csv(&notebook),
                "text/csv;charset=utf-8",
            )
        } else {
            let title = notes.plan_title();
            (
                format!("{}-memo.txt", notes.plan_id()),
                to_text(&title, &notebook),
                "text/plain;charset=utf-8",
            )
        };
        download(&name, &body, mime);
    };
    view! {
        <details class="notes-panel">
            <summary>"自分のメモ・付箋"{count}</summary>
            {move || (!ready.get()).then(|| view! { <p class="notes-panel__body" role="status">"メモを読み込み中です…"</p> })}
            <div class="notes-panel__body" hidden=move || !ready.get()>
                <div class="field">
                    <label for="notes-search">"メモと本文を検索"</label>
                    <input type="search" id="notes-search" prop:value=move || query.get()
                        on:input=move |ev| query.set(event_target_value(&ev))/>
                </div>
                <p class="notes-panel__status" role="status">{move || notes.message.get().map(|m| match m { Ok(m) | Err(m) => m })}</p>
                {move || {
                    let (here, changed): (Vec<Placed>, Vec<Placed>) = matching()
                        .into_iter()
                        .partition(|p| p.placement != Placement::Changed);
                    view! {
                        <h3 class="notes-panel__heading">"この版のメモ"</h3>
                        {if here.is_empty() {
                            view! { <p>"メモはありません。本文を選ぶか、各章・施策の「メモ・付箋を追加」から残せます。"</p> }.into_any()
                        } else {
                            view! {
                                <ul class="notes-panel__list">
                                    {here.into_iter().map(|p| view! { <NoteEntry notes placed=p/> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        {(!changed.is_empty()).then(|| view! {
                            <h3 class="notes-panel__heading">"改定で該当箇所が変わったメモ"</h3>
                            <p>"メモを付けた本文が、この版では見つかりません。元の箇所と版、変更の比較を示します。"</p>
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
                        <h3 class="notes-panel__heading">"本文の検索結果（"{found.len()}"件）"</h3>
                        <ul class="notes-panel__list">
                            {found.into_iter().map(|passage| {
                                let anchor = keikaku_domain::document::part_anchor_of(&passage.key);
                                let label = notes.part_label(&anchor).unwrap_or_default();
                                let snippet: String = passage.text.chars().take(80).collect();
                                view! { <li><a href=format!("#{anchor}")>{label}</a>"："{snippet}</li> }
                            }).collect_view()}
                        </ul>
                    })
                }}
                <p class="notes-panel__export">
                    <button type="button" class="button" on:click=move |_| export(true)>"CSVで書き出す"</button>
                    <button type="button" class="button" on:click=move |_| export(false)>"テキストで書き出す"</button>
                </p>
                <p class="fact-note">"メモは本人だけが読めます。"<a href=paths::versions(&plan_id)>"改定履歴"</a>"の版を開いても、メモは該当する箇所に表示されます。"</p>
            </div>
        </details>
    }
}

/// A note in this version: where it is, what it says, when it was made.
#[component]
fn NoteEntry(notes: Notes, placed: Placed) -> impl IntoView {
    let anchor = placed.part().unwrap_or_default();
    let label = notes.part_label(&anchor).unwrap_or_else(|| anchor.clone());
    let a = placed.annotation;
    view! {
        <li>
            <span class="part-notes__kind">{a.kind.label()}</span>" "
            <a href=format!("#{anchor}")>{label}</a>
            {matches!(a.target, Target::Passage { .. }).then(|| view! { " "<q>{a.quote().to_owned()}</q> })}
            {(!a.text.is_empty()).then(|| view! { <span class="notes-panel__text">{a.text.clone()}</span> })}
            <span class="notes-panel__meta">{format!("第{}版・{}", a.version, format_japan_time(a.made_at))}</span>
            {placed.concurrent.then(|| view! { <span class="part-notes__concurrent">"（別の端末での編集と2通りあります）"</span> })}
        </li>
    }
}

/// A note whose text is gone from this version: its quote, its version, the comparison.
#[component]
fn ChangedEntry(notes: Notes, annotation: Annotation) -> impl IntoView {
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
    view! {
        <li>
            <span class="part-notes__kind">{annotation.kind.label()}</span>" "
            "元の箇所："<q>{annotation.quote().to_owned()}</q>
            {(!annotation.text.is_empty()).then(|| view! { <span class="notes-panel__text">{annotation.text.clone()}</span> })}
            <span class="notes-panel__meta">{format!("第{}版で作成・{}", annotation.version, format_japan_time(annotation.made_at))}</span>
            {compare.map(|href| view! { <a href=href>"この箇所の変更を比較する"</a> })}
            <button type="button" class="button" on:click=move |_| notes.delete(id.clone())>"削除"</button>
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
