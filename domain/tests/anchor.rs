//! Notes found again after real revisions of the Komagane plan: a sentence that moved to
//! another field, one that was reworded, one that was deleted, text inserted before a note,
//! and a note on an untouched passage.

use keikaku_domain::anchor::{anchor_all, Anchoring, How, Selector};
use keikaku_domain::document::{passages, Passage};
use keikaku_domain::format::PlanFile;
use keikaku_domain::import::parse_plan_file;
use keikaku_domain::revision::edit::{apply, Edit};

fn komagane() -> PlanFile {
    parse_plan_file(
        "komagane.json",
        include_bytes!("../../samples/plans/komagane.json"),
    )
    .unwrap()
}

fn passage<'a>(list: &'a [Passage], key: &str) -> &'a str {
    &list.iter().find(|p| p.key == key).unwrap().text
}

/// A note on the first occurrence of `quote` in the passage `key`.
fn note(list: &[Passage], key: &str, quote: &str) -> Selector {
    let text = passage(list, key);
    let byte = text
        .find(quote)
        .unwrap_or_else(|| panic!("{quote} in {key}"));
    let start = text[..byte].chars().count();
    Selector::of(key, text, start, start + quote.chars().count()).unwrap()
}

fn set(file: &PlanFile, measure: &str, field: &str, value: String) -> PlanFile {
    let edit = Edit::SetMeasureField {
        measure: measure.into(),
        field: field.into(),
        value: Some(value),
    };
    apply(file, &edit).unwrap()
}

fn text_at(list: &[Passage], anchoring: &Anchoring) -> (String, String) {
    match anchoring {
        Anchoring::Found {
            key, start, end, ..
        } => {
            let text: Vec<char> = passage(list, key).chars().collect();
            (key.clone(), text[*start..*end].iter().collect())
        }
        Anchoring::Orphaned => panic!("orphaned"),
    }
}

#[test]
fn notes_follow_moved_reworded_and_shifted_text_and_deleted_text_is_reported() {
    let original = komagane();
    let before = passages(&original.plan);
    let m = original.plan.measure("citizen-01").unwrap().clone();
    let moved = "紙の申請と並行して電子申請の受付も行います。";
    let reworded = "電子申請を可能とする手続きを増やしていきます。";
    let deleted = "その後、職員がシステムへ手入力を行っていることも多く、処理に時間がかかり、お待たせする一因となっています。";
    let shifted = "介護関係（11手続）を対象として電子化及び業務見直しを進めます。";
    let notes = vec![
        note(&before, "measure/citizen-01/direction", moved),
        note(&before, "measure/citizen-01/direction", reworded),
        note(&before, "measure/citizen-01/current_issues", deleted),
        note(&before, "measure/citizen-01/content", shifted),
        note(&before, "measure/citizen-02/title", "ワンストップ化"),
    ];

    // The revision: the sentence moves from the direction to the content, another is reworded,
    // one is deleted, and the content gets a new first sentence.
    let direction = m.direction.clone().unwrap();
    let mut revised = set(
        &original,
        "citizen-01",
        "direction",
        direction
            .replace(moved, "")
            .replace(reworded, "電子申請が可能な手続きを順次増やしていきます。"),
    );
    let content = m.content.clone().unwrap();
    revised = set(
        &revised,
        "citizen-01",
        "content",
        format!("令和6年度からは事業者向けの手続も対象とします。{content}{moved}"),
    );
    revised = set(
        &revised,
        "citizen-01",
        "current_issues",
        m.current_issues.clone().unwrap().replace(deleted, ""),
    );
    let after = passages(&revised.plan);
    let found = anchor_all(&after, &notes);

    assert_eq!(
        text_at(&after, &found[0]),
        ("measure/citizen-01/content".to_owned(), moved.to_owned())
    );
    assert!(matches!(
        found[0],
        Anchoring::Found {
            how: How::Moved,
            ..
        }
    ));

    let (key, text) = text_at(&after, &found[1]);
    assert_eq!(key, "measure/citizen-01/direction");
    assert_eq!(text, "電子申請が可能な手続きを順次増やしていきます。");
    assert!(matches!(
        found[1],
        Anchoring::Found {
            how: How::Fuzzy(_),
            ..
        }
    ));

    assert_eq!(found[2], Anchoring::Orphaned);

    assert_eq!(
        text_at(&after, &found[3]),
        ("measure/citizen-01/content".to_owned(), shifted.to_owned())
    );
    assert!(matches!(
        found[3],
        Anchoring::Found {
            how: How::Moved,
            ..
        }
    ));

    assert!(matches!(
        found[4],
        Anchoring::Found {
            how: How::Unchanged,
            ..
        }
    ));
}

#[test]
fn a_deleted_passage_leaves_its_notes_orphaned_not_caught_by_similar_words() {
    let original = komagane();
    let before = passages(&original.plan);
    // Every sentence of one measure's direction gets a note; the field is then removed.
    let key = "measure/citizen-06/direction";
    let text = passage(&before, key).to_owned();
    let notes: Vec<Selector> = text
        .split_inclusive('。')
        .filter(|s| s.chars().count() > 8)
        .map(|sentence| note(&before, key, sentence))
        .collect();
    assert!(notes.len() >= 2, "{text}");
    let revised = apply(
        &original,
        &Edit::SetMeasureField {
            measure: "citizen-06".into(),
            field: "direction".into(),
            value: None,
        },
    )
    .unwrap();
    let found = anchor_all(&passages(&revised.plan), &notes);
    assert!(found.iter().all(|a| *a == Anchoring::Orphaned), "{found:?}");
}

#[test]
fn selectors_keep_their_context_and_refuse_empty_ranges() {
    let s = Selector::of("k", "あいうえおかきくけこ", 3, 5).unwrap();
    assert_eq!(
        (s.prefix.as_str(), s.exact.as_str(), s.suffix.as_str()),
        ("あいう", "えお", "かきくけこ")
    );
    assert!(Selector::of("k", "あい", 1, 1).is_none());
    assert!(Selector::of("k", "あい", 1, 3).is_none());
}
