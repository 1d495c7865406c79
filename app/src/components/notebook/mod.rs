//! A reader's notes on the document (閲覧室のメモ): highlights, notes and bookmarks (付箋),
//! private to them, kept in the replica's outbox like progress (`keikaku_sync::annotation`),
//! so they are made offline and follow the reader to every device.
//!
//! [`Notes`] is provided by the document page; the parts offer 「メモ・付箋」 ([`PartNotes`]),
//! a selection in the text offers a highlight ([`SelectionBar`]), the marked text is painted
//! without touching the page's elements ([`Highlights`]), and [`NotesPanel`] lists, searches
//! and exports them, with the notes whose text a revision changed. Nothing of it is rendered
//! on the server or before the replica is open, so hydration never meets it.
//!
//! Its words are the page's language (the notes' own text and the plan's as written); what a
//! note keeps of where it was made (a part's name) is the plan's Japanese, whatever the reader's
//! language, so a note reads the same on every device.

mod highlights;
mod panel;
mod part;

use std::collections::BTreeSet;

use keikaku_domain::document::{part_anchor_of, part_anchors, passages, PartName, Passage};
use keikaku_domain::format::Plan;
use keikaku_domain::lang::Lang;
use keikaku_sync::annotation::{place, Annotation, AnnotationKind, Notebook, Placement, Target};
use keikaku_sync::progress::Invalid;
use leptos::prelude::*;

pub use highlights::{Highlights, SelectionBar};
pub use panel::NotesPanel;
pub use part::PartNotes;

use crate::i18n::{td_string, use_i18n, Locale};
use crate::offline::use_sync_status;

/// The reader's notes on the plan shown, and what placing them needs.
#[derive(Clone, Copy)]
pub struct Notes {
    plan_id: StoredValue<String>,
    /// The version shown: new notes are made on it.
    version: u32,
    plan: StoredValue<Plan>,
    passages: StoredValue<Vec<Passage>>,
    /// Every annotation of the reader's on this plan, as the replica shows it; `None` while
    /// nobody's replica is open here (the public, or before it is loaded).
    all: Signal<Option<Vec<Annotation>>>,
    /// The notes as they stand, placed in the version shown: computed once per change of the
    /// notebook, for every part and the list to read.
    placed: Memo<Vec<Placed>>,
    /// What the last change came to, for a status line.
    pub message: RwSignal<Option<Result<String, String>>>,
    /// The server said the reader keeps notes here: their controls are in the page from the
    /// start (a page built offline shows them once the notes are read).
    expected: bool,
    /// The page's language, for what is said after the fact (saved, deleted).
    locale: Locale,
}

/// A note as it stands, where it is in the version shown.
#[derive(Clone, PartialEq)]
pub struct Placed {
    pub annotation: Annotation,
    pub placement: Placement,
    /// Edited on two devices: another head shares its origin.
    pub concurrent: bool,
}

impl Placed {
    /// The element id of the part it is on, if it is in this version.
    pub fn part(&self) -> Option<String> {
        match &self.placement {
            Placement::Text { key, .. } => Some(part_anchor_of(key)),
            Placement::Part { anchor } => Some(anchor.clone()),
            Placement::Changed => None,
        }
    }
}

impl Notes {
    /// Notes on `plan` (the version `version` of `plan_id`), provided to the page's parts.
    pub fn provide(plan_id: String, version: u32, plan: &Plan, expected: bool) -> Notes {
        let status = use_sync_status();
        let id = plan_id.clone();
        let all = Signal::derive(move || {
            status.revision.track();
            if !status.ready.get() || status.closed() {
                return None;
            }
            #[cfg(feature = "hydrate")]
            {
                crate::offline::engine::engine().map(|e| e.with_replica(|r| r.annotations(&id)))
            }
            #[cfg(not(feature = "hydrate"))]
            {
                let _ = &id;
                None
            }
        });
        let passages = StoredValue::new(passages(plan));
        let parts = StoredValue::new(part_anchors(plan));
        let placed = Memo::new(move |_| match all.get() {
            Some(all) => place_all(Notebook::new(all), passages, parts),
            None => Vec::new(),
        });
        let notes = Notes {
            plan_id: StoredValue::new(plan_id),
            version,
            plan: StoredValue::new(plan.clone()),
            passages,
            all,
            placed,
            message: RwSignal::new(None),
            expected,
            locale: use_i18n().get_locale_untracked(),
        };
        provide_context(notes);
        notes
    }

    /// Whether the reader's notes are read (signed in, replica open).
    pub fn available(&self) -> bool {
        self.all.with(Option::is_some)
    }

    /// Whether the page shows the notes' controls: from the start when the server said so.
    pub fn shown(&self) -> bool {
        self.expected || self.available()
    }

    pub fn notebook(&self) -> Notebook {
        Notebook::new(self.all.get().unwrap_or_default())
    }

    /// Every note as it stands, placed in the version shown, oldest first.
    pub fn placed(&self) -> Vec<Placed> {
        self.placed.get()
    }

    /// The placed notes `keep` keeps, oldest first: each part and the list read the one
    /// placement without copying all of it.
    pub fn placed_where(&self, keep: impl Fn(&Placed) -> bool) -> Vec<Placed> {
        self.placed
            .with(|all| all.iter().filter(|p| keep(p)).cloned().collect())
    }

    pub fn placed_count(&self) -> usize {
        self.placed.with(Vec::len)
    }

    pub fn plan_id(&self) -> String {
        self.plan_id.get_value()
    }

    pub fn version(&self) -> u32 {
        self.version
    }

    /// The page's language.
    pub fn lang(&self) -> Lang {
        crate::lang::lang_of(self.locale)
    }

    /// Adds a note (or, with `replaces`, an edit of one) after checking it as the server will,
    /// so a refusal is shown beside the field instead of being queued.
    pub fn add(
        self,
        kind: AnnotationKind,
        target: Target,
        text: String,
        replaces: Option<String>,
    ) -> Result<(), Invalid> {
        let annotation = Annotation {
            // Checked with a stand-in id; the replica gives the real one.
            id: "new".into(),
            plan_id: self.plan_id(),
            version: self.version,
            kind,
            target,
            text,
            replaces,
            made_at: now(),
            retracted: false,
        };
        annotation.validate()?;
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let Some(engine) = crate::offline::engine::engine() else {
                return;
            };
            let new = keikaku_sync::client::NewAnnotation {
                plan_id: annotation.plan_id,
                version: annotation.version,
                kind: annotation.kind,
                target: annotation.target,
                text: annotation.text,
                replaces: annotation.replaces,
                made_at: annotation.made_at,
            };
            let done = engine.annotate(new).await;
            let saved = td_string!(self.locale, notebook.saved).to_owned();
            self.message.set(Some(done.map(|()| saved)));
        });
        Ok(())
    }

    /// Deletes one of the reader's notes.
    pub fn delete(self, id: String) {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let Some(engine) = crate::offline::engine::engine() else {
                return;
            };
            let done = engine.retract_annotation(self.plan_id(), id).await;
            let deleted = td_string!(self.locale, notebook.deleted).to_owned();
            self.message.set(Some(done.map(|()| deleted)));
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = id;
    }

    /// The passages of the part `anchor`, in order.
    pub fn passages_of(&self, anchor: &str) -> Vec<Passage> {
        self.passages.with_value(|passages| {
            passages
                .iter()
                .filter(|p| part_anchor_of(&p.key) == anchor)
                .cloned()
                .collect()
        })
    }

    /// The passages whose text contains `query` (width and case folded), at most `limit`.
    pub fn search_text(&self, query: &str, limit: usize) -> Vec<Passage> {
        let query = keikaku_domain::search::normalize(query.trim());
        if query.is_empty() {
            return Vec::new();
        }
        self.passages.with_value(|passages| {
            passages
                .iter()
                .filter(|p| keikaku_domain::search::normalize(&p.text).contains(&query))
                .take(limit)
                .cloned()
                .collect()
        })
    }

    pub fn plan_title(&self) -> String {
        self.plan.with_value(|plan| plan.title.clone())
    }

    /// How the part `anchor` is named in the version shown, on this page.
    pub fn part_name(&self, anchor: &str) -> Option<PartName> {
        let lang = self.lang();
        self.plan
            .with_value(|plan| keikaku_domain::document::part_name_in(plan, anchor, lang))
    }
}

/// A part's name as a page shows it: the kind of part in the page's language, then the plan's
/// words marked with theirs (`施策 ① …`, or `Measure ① …` with the heading in Japanese).
pub fn part_name_view(name: PartName) -> impl IntoView {
    let title = name.title.map(|title| {
        let lang = crate::lang::text_lang(&title);
        view! { <span lang=lang>{title}</span> }
    });
    let gap = (name.kind.is_some() && title.is_some()).then_some(" ");
    view! { {name.kind}{gap}{title} }
}

/// Places every head of `notebook` in the passages and parts of the version shown (the
/// re-anchoring of `keikaku_domain::anchor`; `keikaku:place-notes` on the timeline).
fn place_all(
    notebook: Notebook,
    passages: StoredValue<Vec<Passage>>,
    parts: StoredValue<BTreeSet<String>>,
) -> Vec<Placed> {
    #[cfg(feature = "hydrate")]
    let _phase = crate::timeline::Phase::start("keikaku:place-notes");
    let placements =
        passages.with_value(|passages| parts.with_value(|parts| place(&notebook, passages, parts)));
    notebook
        .heads()
        .iter()
        .zip(placements)
        .map(|(annotation, placement)| Placed {
            concurrent: notebook.is_concurrent(&annotation.id),
            annotation: annotation.clone(),
            placement,
        })
        .collect()
}

/// Unix seconds now, as this device has it.
fn now() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        (js_sys::Date::now() / 1000.0) as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0
    }
}

/// The interface's texts in `lang`, for what is written outside a component.
fn locale_of(lang: Lang) -> Locale {
    match lang {
        Lang::Ja => Locale::ja,
        Lang::En => Locale::en,
    }
}

/// Why a note cannot be kept, in Japanese, for the field it names.
pub fn japanese(invalid: &Invalid) -> String {
    message(invalid, Lang::Ja)
}

/// Why a note cannot be kept, in `lang`, for the field it names: the one place the model's
/// reasons are put into words for readers.
pub fn message(invalid: &Invalid, lang: Lang) -> String {
    let locale = locale_of(lang);
    match invalid.field.as_str() {
        "annotation.text" if invalid.reason.contains("empty") => {
            td_string!(locale, notebook.empty).to_owned()
        }
        "annotation.text" => td_string!(
            locale,
            notebook.too_long,
            note = keikaku_sync::annotation::MAX_ANNOTATION_CHARS,
            label = keikaku_sync::annotation::MAX_LABEL_CHARS
        )
        .to_string(),
        field if field.starts_with("annotation.target.selector") => td_string!(
            locale,
            notebook.quote_too_long,
            max = keikaku_sync::annotation::MAX_QUOTE_CHARS
        )
        .to_string(),
        _ => td_string!(locale, notebook.cannot_save, reason = &invalid.reason).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_read_in_japanese_as_before_and_in_english() {
        let empty = Invalid::new("annotation.text", "must not be empty");
        assert_eq!(japanese(&empty), "メモの内容を入力してください。");
        assert_eq!(message(&empty, Lang::En), "Please write the note.");
        let long = Invalid::new("annotation.text", "too long");
        assert_eq!(
            message(&long, Lang::Ja),
            "メモは4000文字以内、付箋は40文字以内（1行）で入力してください。"
        );
        assert_eq!(
            message(&long, Lang::En),
            "A note can be up to 4000 characters, a bookmark up to 40 characters on one line."
        );
        let quote = Invalid::new("annotation.target.selector.exact", "too long");
        assert_eq!(
            message(&quote, Lang::Ja),
            "ハイライトできるのは2000文字までの1行の語句です。"
        );
        assert_eq!(
            message(&quote, Lang::En),
            "A highlight can be a phrase of up to 2000 characters on one line."
        );
        let other = Invalid::new("annotation.version", "versions count from 1");
        assert_eq!(
            message(&other, Lang::Ja),
            "このメモは保存できません（versions count from 1）。"
        );
        assert_eq!(
            message(&other, Lang::En),
            "This note cannot be saved (versions count from 1)."
        );
    }
}
