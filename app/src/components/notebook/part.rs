//! 「メモ・付箋」 on a part of the document (a chapter, a measure, the structure): the reader's
//! notes on it, and a form to add a note, a bookmark, or a highlight of a phrase of its text —
//! the way to highlight without selecting text, by keyboard.

use keikaku_domain::anchor::Selector;
use keikaku_domain::document::{Passage, MEASURE_FIELDS};
use keikaku_sync::annotation::{AnnotationKind, Target};
use leptos::prelude::*;

use super::{japanese, Notes, Placed};

/// The notes of the part `anchor` (named `label`), for a signed-in reader.
#[component]
pub fn PartNotes(#[prop(into)] anchor: String, #[prop(into)] label: String) -> impl IntoView {
    let notes = use_context::<Notes>();
    // Only a change of these rebuilds the form: a sync must not clear what is typed.
    let shown = Memo::new(move |_| notes.is_some_and(|n| n.shown()));
    move || {
        let notes = notes?;
        shown.get().then(|| {
            view! { <PartNotesBody notes anchor=anchor.clone() label=label.clone()/> }
        })
    }
}

#[component]
fn PartNotesBody(notes: Notes, anchor: String, label: String) -> impl IntoView {
    let here = {
        let anchor = anchor.clone();
        Memo::new(move |_| notes.placed_where(|p| p.part().as_deref() == Some(anchor.as_str())))
    };
    let open = RwSignal::new(false);
    let ready = Memo::new(move |_| notes.available());
    let form_id = format!("{anchor}-note-form");
    let toggle_label = format!("メモ・付箋を追加：{label}");
    view! {
        <div class="part-notes">
            {move || {
                let items = here.get();
                (!items.is_empty()).then(|| view! {
                    <ul class="part-notes__list" aria-label="自分のメモ">
                        {items.into_iter().map(|placed| view! { <NoteItem notes placed/> }).collect_view()}
                    </ul>
                })
            }}
            <button type="button" class="button part-notes__add" aria-expanded=move || open.get().to_string()
                aria-controls=form_id.clone() aria-label=toggle_label on:click=move |_| open.update(|o| *o = !*o)>
                "メモ・付箋を追加"
            </button>
            <div id=form_id hidden=move || !open.get()>
                {move || open.get().then(|| if ready.get() {
                    view! {
                        <NoteForm notes anchor=anchor.clone() label=label.clone() editing=None on_done=move || open.set(false)/>
                    }.into_any()
                } else {
                    view! { <p role="status">"メモを読み込み中です…"</p> }.into_any()
                })}
            </div>
        </div>
    }
}

/// One note in a part's list, with its edit and delete buttons.
#[component]
fn NoteItem(notes: Notes, placed: Placed) -> impl IntoView {
    let editing = RwSignal::new(false);
    let annotation = placed.annotation.clone();
    let id = annotation.id.clone();
    let quote = matches!(annotation.target, Target::Passage { .. })
        .then(|| format!("「{}」", annotation.quote()));
    let text = annotation.text.clone();
    let kind = annotation.kind;
    let anchor = placed.part().unwrap_or_default();
    view! {
        <li class=format!("part-notes__item part-notes__item--{}", kind_class(kind))>
            <span class="part-notes__kind">{kind.label()}</span>" "
            {quote.map(|q| view! { <q class="part-notes__quote">{q}</q>" " })}
            <span class="part-notes__text">{text}</span>
            {placed.concurrent.then(|| view! {
                <span class="part-notes__concurrent">"（別の端末での編集と2通りあります。残さない方を削除してください）"</span>
            })}
            <span class="part-notes__actions">
                <button type="button" class="button" on:click=move |_| editing.update(|e| *e = !*e)
                    aria-expanded=move || editing.get().to_string()>"編集"</button>
                <button type="button" class="button" on:click=move |_| notes.delete(id.clone())>"削除"</button>
            </span>
            {move || editing.get().then(|| view! {
                <NoteForm notes anchor=anchor.clone() label=String::new() editing=Some(annotation.clone()) on_done=move || editing.set(false)/>
            })}
        </li>
    }
}

fn kind_class(kind: AnnotationKind) -> &'static str {
    match kind {
        AnnotationKind::Highlight => "highlight",
        AnnotationKind::Note => "note",
        AnnotationKind::Bookmark => "bookmark",
    }
}

/// Adds a note to the part `anchor`, or (`editing`) changes the text of one.
#[component]
fn NoteForm(
    notes: Notes,
    anchor: String,
    label: String,
    editing: Option<keikaku_sync::annotation::Annotation>,
    on_done: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let kind = RwSignal::new(editing.as_ref().map_or(AnnotationKind::Note, |a| a.kind));
    let text = RwSignal::new(editing.as_ref().map(|a| a.text.clone()).unwrap_or_default());
    let phrase = RwSignal::new(String::new());
    let passages = notes.passages_of(&anchor);
    let passage = RwSignal::new(0_usize);
    let text_error = RwSignal::new(None::<String>);
    let phrase_error = RwSignal::new(None::<String>);
    let stem = format!(
        "{anchor}-{}",
        editing.as_ref().map_or("new", |a| a.id.as_str())
    );
    let ids = (
        format!("{stem}-kind"),
        format!("{stem}-text"),
        format!("{stem}-passage"),
        format!("{stem}-phrase"),
    );
    let (text_id, passage_id, phrase_id) = (ids.1.clone(), ids.2.clone(), ids.3.clone());
    let editing_target = editing.as_ref().map(|a| a.target.clone());
    let replaces = editing.as_ref().map(|a| a.id.clone());
    let stored_passages = StoredValue::new(passages.clone());
    let anchor_for_save = anchor.clone();
    let done = on_done.clone();
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        text_error.set(None);
        phrase_error.set(None);
        let target = match &editing_target {
            Some(target) => target.clone(),
            None if kind.get_untracked() == AnnotationKind::Highlight => {
                let chosen =
                    stored_passages.with_value(|p| p.get(passage.get_untracked()).cloned());
                match chosen.and_then(|p| phrase_selector(&p, &phrase.get_untracked())) {
                    Some(selector) => Target::Passage { selector },
                    None => {
                        phrase_error.set(Some(
                            "選んだ本文にその語句が見つかりません。本文のとおりに入力してください。".into(),
                        ));
                        return;
                    }
                }
            }
            None => Target::Part {
                anchor: anchor_for_save.clone(),
                label: label.clone(),
            },
        };
        match notes.add(
            kind.get_untracked(),
            target,
            text.get_untracked(),
            replaces.clone(),
        ) {
            Ok(()) => done(),
            Err(invalid) if invalid.field.starts_with("annotation.target") => {
                phrase_error.set(Some(japanese(&invalid)))
            }
            Err(invalid) => text_error.set(Some(japanese(&invalid))),
        }
    };
    let creating = editing.is_none();
    let text_label = move || match kind.get() {
        AnnotationKind::Bookmark => "付箋の見出し（40文字まで）",
        AnnotationKind::Highlight => "メモ（任意）",
        AnnotationKind::Note => "メモ",
    };
    let kind_choice = move |value: AnnotationKind, caption: &'static str| {
        let name = ids.0.clone();
        view! {
            <label class="radio">
                <input type="radio" name=name checked=move || kind.get() == value on:change=move |_| kind.set(value)/>
                {caption}
            </label>
        }
    };
    view! {
        <form class="note-form" on:submit=save novalidate>
            {creating.then(|| view! {
                <fieldset class="note-form__kinds">
                    <legend>"種類"</legend>
                    {kind_choice(AnnotationKind::Note, "メモ")}
                    {kind_choice(AnnotationKind::Bookmark, "付箋")}
                    {(!passages.is_empty()).then(|| kind_choice(AnnotationKind::Highlight, "本文の語句をハイライト"))}
                </fieldset>
            })}
            {move || (creating && kind.get() == AnnotationKind::Highlight).then(|| {
                let options = stored_passages.with_value(|p| p.iter().enumerate().map(|(i, p)| view! {
                    <option value=i.to_string() selected=move || passage.get() == i>{passage_label(p)}</option>
                }).collect_view());
                view! {
                    <div class="field">
                        <label for=passage_id.clone()>"本文"</label>
                        <select id=passage_id.clone() on:change=move |ev| passage.set(event_target_value(&ev).parse().unwrap_or(0))>{options}</select>
                    </div>
                    <div class="field">
                        <label for=phrase_id.clone()>"ハイライトする語句（本文のとおりに）"</label>
                        <input type="text" id=phrase_id.clone() prop:value=move || phrase.get()
                            on:input=move |ev| phrase.set(event_target_value(&ev))
                            aria-invalid=move || phrase_error.get().is_some().to_string()
                            aria-describedby=format!("{}-error", phrase_id)/>
                        <p class="field__error" id=format!("{}-error", phrase_id) role="alert">{move || phrase_error.get()}</p>
                    </div>
                }
            })}
            <div class="field">
                <label for=text_id.clone()>{text_label}</label>
                {
                    let (id, described) = (text_id.clone(), format!("{}-error", text_id));
                    // A bookmark's label is one line: a text field, which Enter submits.
                    move || if kind.get() == AnnotationKind::Bookmark {
                        view! {
                            <input type="text" id=id.clone() prop:value=move || text.get()
                                on:input=move |ev| text.set(event_target_value(&ev))
                                aria-invalid=move || text_error.get().is_some().to_string()
                                aria-describedby=described.clone()/>
                        }.into_any()
                    } else {
                        view! {
                            <textarea id=id.clone() rows="3" prop:value=move || text.get()
                                on:input=move |ev| text.set(event_target_value(&ev))
                                aria-invalid=move || text_error.get().is_some().to_string()
                                aria-describedby=described.clone()></textarea>
                        }.into_any()
                    }
                }
                <p class="field__error" id=format!("{}-error", text_id) role="alert">{move || text_error.get()}</p>
            </div>
            <div class="note-form__buttons">
                <button type="submit" class="button">{if creating { "保存" } else { "変更を保存" }}</button>
                <button type="button" class="button" on:click=move |_| on_done()>"キャンセル"</button>
            </div>
        </form>
    }
}

/// The selector of the first occurrence of `phrase` in the passage; `None` if it has none.
fn phrase_selector(passage: &Passage, phrase: &str) -> Option<Selector> {
    let phrase = phrase.trim();
    if phrase.is_empty() {
        return None;
    }
    let at = passage.text.find(phrase)?;
    let start = passage.text[..at].chars().count();
    Selector::of(
        &passage.key,
        &passage.text,
        start,
        start + phrase.chars().count(),
    )
}

/// How a passage is named in the list to choose from: its field and how it begins.
fn passage_label(passage: &Passage) -> String {
    let parts: Vec<&str> = passage.key.split('/').collect();
    let field = match parts.as_slice() {
        [_, _, "title"] => "見出し",
        ["measure", _, "action", ..] => "取組",
        ["measure", _, "kpi", ..] => "KPI",
        ["measure", _, field] => MEASURE_FIELDS
            .iter()
            .find(|(f, _)| f == field)
            .map_or("本文", |(_, label)| label),
        ["chapter", _, "list", ..] => "箇条書き",
        ["chapter", _, "table", ..] => "表",
        _ => "本文",
    };
    let start: String = passage.text.chars().take(24).collect();
    let more = if passage.text.chars().count() > 24 {
        "…"
    } else {
        ""
    };
    format!("{field}：{start}{more}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phrase_is_found_in_its_passage_by_characters() {
        let passage = Passage {
            key: "measure/m1/summary".into(),
            text: "𠮷田市は窓口のデジタル化を進める。".into(),
        };
        let selector = phrase_selector(&passage, " 窓口 ").unwrap();
        assert_eq!((selector.start, selector.end), (4, 6));
        assert_eq!(selector.exact, "窓口");
        assert!(phrase_selector(&passage, "郵送").is_none());
        assert!(phrase_selector(&passage, "  ").is_none());
        assert_eq!(
            passage_label(&passage),
            "概要：𠮷田市は窓口のデジタル化を進める。"
        );
    }
}
