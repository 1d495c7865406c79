//! 「メモ・付箋」 on a part of the document (a chapter, a measure, the structure): the reader's
//! notes on it, and a form to add a note, a bookmark, or a highlight of a phrase of its text —
//! the way to highlight without selecting text, by keyboard.
//!
//! The part's `label` is what a note on the whole part keeps (the plan's Japanese); an English
//! page names the part's button by the part's heading instead (`heading`, an element id), as an
//! attribute cannot say which of its words are Japanese.

use keikaku_domain::anchor::Selector;
use keikaku_domain::document::{measure_field_label_in, Passage};
use keikaku_domain::lang::{mark_japanese, Lang};
use keikaku_sync::annotation::{AnnotationKind, Target};
use leptos::prelude::*;

use super::{locale_of, message, Notes, Placed};
use crate::i18n::{t, t_string, td_string, use_i18n};

/// The notes of the part `anchor` (named `label`, headed by the element `heading`), for a
/// signed-in reader.
#[component]
pub fn PartNotes(
    #[prop(into)] anchor: String,
    #[prop(into)] label: String,
    #[prop(into)] heading: String,
) -> impl IntoView {
    let notes = use_context::<Notes>();
    // Only a change of these rebuilds the form: a sync must not clear what is typed.
    let shown = Memo::new(move |_| notes.is_some_and(|n| n.shown()));
    move || {
        let notes = notes?;
        shown.get().then(|| {
            view! { <PartNotesBody notes anchor=anchor.clone() label=label.clone() heading=heading.clone()/> }
        })
    }
}

#[component]
fn PartNotesBody(notes: Notes, anchor: String, label: String, heading: String) -> impl IntoView {
    let i18n = use_i18n();
    let here = {
        let anchor = anchor.clone();
        Memo::new(move |_| notes.placed_where(|p| p.part().as_deref() == Some(anchor.as_str())))
    };
    let open = RwSignal::new(false);
    let ready = Memo::new(move |_| notes.available());
    let form_id = format!("{anchor}-note-form");
    // Named with the part: in Japanese by its label, otherwise by the button's words and the
    // part's heading.
    let button_id = format!("{anchor}-note-add");
    let (toggle_label, labelled_by) = match notes.lang() {
        Lang::Ja => (
            Some(t_string!(i18n, notebook.add_label, label = label.clone()).to_string()),
            None,
        ),
        Lang::En => (None, Some(format!("{button_id} {heading}"))),
    };
    view! {
        <div class="part-notes">
            {move || {
                let items = here.get();
                (!items.is_empty()).then(|| view! {
                    <ul class="part-notes__list" aria-label=t_string!(i18n, notebook.mine)>
                        {items.into_iter().map(|placed| view! { <NoteItem notes placed/> }).collect_view()}
                    </ul>
                })
            }}
            <button type="button" class="button part-notes__add" id=button_id aria-expanded=move || open.get().to_string()
                aria-controls=form_id.clone() aria-label=toggle_label aria-labelledby=labelled_by
                on:click=move |_| open.update(|o| *o = !*o)>
                {t!(i18n, notebook.add)}
            </button>
            <div id=form_id hidden=move || !open.get()>
                {move || open.get().then(|| if ready.get() {
                    view! {
                        <NoteForm notes anchor=anchor.clone() label=label.clone() editing=None on_done=move || open.set(false)/>
                    }.into_any()
                } else {
                    view! { <p role="status">{t!(i18n, notebook.loading)}</p> }.into_any()
                })}
            </div>
        </div>
    }
}

/// One note in a part's list, with its edit and delete buttons.
#[component]
fn NoteItem(notes: Notes, placed: Placed) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), notes.lang());
    let editing = RwSignal::new(false);
    let annotation = placed.annotation.clone();
    let id = annotation.id.clone();
    // An English page leaves the quotation marks to `<q>`.
    let quote = matches!(annotation.target, Target::Passage { .. }).then(|| match lang {
        Lang::Ja => format!("「{}」", annotation.quote()),
        Lang::En => annotation.quote().to_owned(),
    });
    let text_lang = mark_japanese(&annotation.text);
    let text = annotation.text.clone();
    let kind = annotation.kind;
    let anchor = placed.part().unwrap_or_default();
    view! {
        <li class=format!("part-notes__item part-notes__item--{}", kind_class(kind))>
            <span class="part-notes__kind">{kind.label_in(lang)}</span>" "
            {quote.map(|q| {
                let lang = crate::lang::text_lang(&q);
                view! { <q class="part-notes__quote" lang=lang>{q}</q>" " }
            })}
            <span class="part-notes__text" lang=text_lang>{text}</span>
            {placed.concurrent.then(|| view! {
                <span class="part-notes__concurrent">{t!(i18n, notebook.concurrent)}</span>
            })}
            <span class="part-notes__actions">
                <button type="button" class="button" on:click=move |_| editing.update(|e| *e = !*e)
                    aria-expanded=move || editing.get().to_string()>{t!(i18n, notebook.edit)}</button>
                <button type="button" class="button" on:click=move |_| notes.delete(id.clone())>{t!(i18n, notebook.delete)}</button>
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
    let (i18n, lang) = (use_i18n(), notes.lang());
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
                            td_string!(locale_of(lang), notebook.phrase_not_found).to_owned(),
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
                phrase_error.set(Some(message(&invalid, lang)))
            }
            Err(invalid) => text_error.set(Some(message(&invalid, lang))),
        }
    };
    let creating = editing.is_none();
    let text_label = move || match kind.get() {
        AnnotationKind::Bookmark => t_string!(i18n, notebook.bookmark_label),
        AnnotationKind::Highlight => t_string!(i18n, notebook.note_optional),
        AnnotationKind::Note => t_string!(i18n, notebook.note),
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
                    <legend>{t!(i18n, notebook.kind)}</legend>
                    {kind_choice(AnnotationKind::Note, t_string!(i18n, notebook.note))}
                    {kind_choice(AnnotationKind::Bookmark, t_string!(i18n, notebook.bookmark))}
                    {(!passages.is_empty()).then(|| kind_choice(AnnotationKind::Highlight, t_string!(i18n, notebook.highlight_phrase)))}
                </fieldset>
            })}
            {move || (creating && kind.get() == AnnotationKind::Highlight).then(|| {
                // An option holds text only: it is marked Japanese when the passage is.
                let options = stored_passages.with_value(|p| p.iter().enumerate().map(|(i, p)| view! {
                    <option value=i.to_string() selected=move || passage.get() == i lang=mark_japanese(&p.text)>{passage_label(p, lang)}</option>
                }).collect_view());
                view! {
                    <div class="field">
                        <label for=passage_id.clone()>{t!(i18n, notebook.passage)}</label>
                        <select id=passage_id.clone() on:change=move |ev| passage.set(event_target_value(&ev).parse().unwrap_or(0))>{options}</select>
                    </div>
                    <div class="field">
                        <label for=phrase_id.clone()>{t!(i18n, notebook.phrase)}</label>
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
                <button type="submit" class="button">{if creating { t_string!(i18n, notebook.save) } else { t_string!(i18n, notebook.save_changes) }}</button>
                <button type="button" class="button" on:click=move |_| on_done()>{t!(i18n, notebook.cancel)}</button>
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

/// How a passage is named in the list to choose from, in `lang`: its field and how it begins.
fn passage_label(passage: &Passage, lang: Lang) -> String {
    let locale = locale_of(lang);
    let parts: Vec<&str> = passage.key.split('/').collect();
    let field = match parts.as_slice() {
        [_, _, "title"] => td_string!(locale, notebook.field_title),
        ["measure", _, "action", ..] => td_string!(locale, notebook.field_action),
        ["measure", _, "kpi", ..] => td_string!(locale, notebook.field_kpi),
        ["measure", _, field] => measure_field_label_in(field, lang)
            .unwrap_or_else(|| td_string!(locale, notebook.field_text)),
        ["chapter", _, "list", ..] => td_string!(locale, notebook.field_list),
        ["chapter", _, "table", ..] => td_string!(locale, notebook.field_table),
        _ => td_string!(locale, notebook.field_text),
    };
    let mut start: String = passage.text.chars().take(24).collect();
    if passage.text.chars().count() > 24 {
        start.push('…');
    }
    td_string!(locale, notebook.passage_option, field, start).to_string()
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
            passage_label(&passage, Lang::Ja),
            "概要：𠮷田市は窓口のデジタル化を進める。"
        );
        assert_eq!(
            passage_label(&passage, Lang::En),
            "Summary: 𠮷田市は窓口のデジタル化を進める。"
        );
        let long = Passage {
            key: "chapter/intro/list/l1/0".into(),
            text: "あ".repeat(30),
        };
        assert_eq!(
            passage_label(&long, Lang::En),
            format!("List item: {}…", "あ".repeat(24))
        );
    }
}
