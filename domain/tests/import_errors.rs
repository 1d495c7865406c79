//! Every kind of malformed plan file is rejected with the place and the reason.

use keikaku_domain::import::{parse_plan_file, ImportError};

/// A small valid plan; tests break one thing at a time.
fn valid() -> serde_json::Value {
    serde_json::json!({
        "format": "keikaku-plan/1",
        "organization": {
            "id": "test-city", "name": "試験市", "prefecture": "長野県",
            "departments": [{ "name": "企画課" }, { "name": "子ども課" }]
        },
        "plan": {
            "id": "test-plan", "title": "試験市DX計画", "adopted": "2022-06",
            "period": { "start_fiscal_year": 2022, "end_fiscal_year": 2024 },
            "chapters": [{ "id": "intro", "title": "はじめに", "body": "本文",
                "tables": [{ "id": "t1", "title": "表", "header": ["a", "b"], "rows": [["1", "2"]] }] }],
            "structure": [{ "id": "pillar-1", "kind": "pillar", "title": "柱1", "measures": ["m1"] }],
            "measures": [{
                "id": "m1", "title": "施策1",
                "lead_departments": ["企画課"],
                "kpis": [{ "label": "出生数", "unit": "人", "target": { "value": 260, "year": 2024 }, "text": "出生数 260人" }],
                "actions": [{ "id": "m1-1", "title": "取組", "schedule": [{ "fiscal_year": 2022, "text": "検討" }] }],
                "schedule": [{ "fiscal_year": 2023, "text": "試験導入" }]
            }],
            "glossary": [{ "id": "dx", "term": "DX", "definition": "デジタル変革" }]
        }
    })
}

fn parse(value: &serde_json::Value) -> Result<keikaku_domain::PlanFile, ImportError> {
    parse_plan_file("test.json", &serde_json::to_vec(value).unwrap())
}

fn single_error(value: &serde_json::Value) -> (String, String) {
    let err = parse(value).expect_err("must be rejected");
    assert_eq!(err.file, "test.json");
    assert_eq!(err.problems.len(), 1, "{err}");
    (
        err.problems[0].place.clone(),
        err.problems[0].reason.clone(),
    )
}

#[test]
fn the_valid_file_parses() {
    let file = parse(&valid()).unwrap();
    assert_eq!(
        file.plan.measures[0].kpis[0].target.as_ref().unwrap().value,
        260.0
    );
}

#[test]
fn wrong_type_names_the_path() {
    let mut v = valid();
    v["plan"]["measures"][0]["kpis"][0]["target"]["value"] = "260人".into();
    let (place, reason) = single_error(&v);
    assert_eq!(place, "plan.measures[0].kpis[0].target.value");
    assert!(
        reason.contains("invalid type: string \"260人\""),
        "{reason}"
    );
}

#[test]
fn missing_field_names_the_object_and_field() {
    let mut v = valid();
    v["plan"]["measures"][0]
        .as_object_mut()
        .unwrap()
        .remove("title");
    let (place, reason) = single_error(&v);
    assert_eq!(place, "plan.measures[0]");
    assert!(reason.contains("missing field `title`"), "{reason}");
}

#[test]
fn unknown_field_is_rejected() {
    let mut v = valid();
    v["plan"]["measures"][0]["targetState"] = "typo".into();
    let (place, reason) = single_error(&v);
    assert_eq!(place, "plan.measures[0].targetState");
    assert!(reason.contains("unknown field `targetState`"), "{reason}");
}

#[test]
fn duplicate_ids_name_both_places() {
    let mut v = valid();
    v["plan"]["measures"][0]["actions"][0]["id"] = "m1".into();
    let (place, reason) = single_error(&v);
    assert_eq!(place, "plan.measures[0].actions[0].id");
    assert!(
        reason.contains(
            "duplicate measure or action id \"m1\" (first declared at plan.measures[0].id)"
        ),
        "{reason}"
    );
}

#[test]
fn unknown_department_is_rejected() {
    let mut v = valid();
    v["plan"]["measures"][0]["related_departments"] = serde_json::json!(["総務課"]);
    let (place, reason) = single_error(&v);
    assert_eq!(place, "plan.measures[0].related_departments[0]");
    assert!(reason.contains("unknown department \"総務課\""), "{reason}");
}

#[test]
fn unknown_measure_in_structure_is_rejected() {
    let mut v = valid();
    v["plan"]["structure"][0]["measures"] = serde_json::json!(["m1", "m9"]);
    let (place, reason) = single_error(&v);
    assert_eq!(place, "plan.structure[0].measures[1]");
    assert!(reason.contains("unknown measure \"m9\""), "{reason}");
}

#[test]
fn schedule_outside_the_period_is_rejected() {
    let mut v = valid();
    v["plan"]["measures"][0]["schedule"][0]["fiscal_year"] = 2030.into();
    let (place, reason) = single_error(&v);
    assert_eq!(place, "plan.measures[0].schedule[0].fiscal_year");
    assert!(
        reason.contains("令和12年度（2030年度） is outside the plan period"),
        "{reason}"
    );
}

#[test]
fn ragged_table_and_bad_id_and_bad_date() {
    let mut v = valid();
    v["plan"]["chapters"][0]["tables"][0]["rows"][0] = serde_json::json!(["1"]);
    v["plan"]["glossary"][0]["id"] = "Digital Transformation".into();
    v["plan"]["adopted"] = "令和4年6月".into();
    let err = parse(&v).unwrap_err();
    let places: Vec<&str> = err.problems.iter().map(|p| p.place.as_str()).collect();
    assert_eq!(
        places,
        [
            "plan.adopted",
            "plan.chapters[0].tables[0].rows[0]",
            "plan.glossary[0].id"
        ],
        "{err}"
    );
    assert!(err
        .to_string()
        .lines()
        .all(|l| l.starts_with("test.json: ")));
}

#[test]
fn invalid_utf8_gives_line_and_column() {
    let mut bytes = b"{\n  \"format\": \"keikaku-plan/1\",\n  \"x\": \"".to_vec();
    bytes.extend_from_slice(&[0x82, 0xa0]); // Shift_JIS あ
    bytes.extend_from_slice(b"\"\n}");
    let err = parse_plan_file("sjis.json", &bytes).unwrap_err();
    assert_eq!(err.problems[0].place, "line 3, column 9 (byte 40)");
    assert!(err.problems[0].reason.contains("invalid UTF-8"));
}

#[test]
fn truncated_file_says_so() {
    let text = serde_json::to_string_pretty(&valid()).unwrap();
    let cut = &text[..text.len() / 2];
    let err = parse_plan_file("cut.json", cut.as_bytes()).unwrap_err();
    assert!(
        err.problems[0]
            .reason
            .starts_with("truncated file: EOF while parsing"),
        "{err}"
    );
}

#[test]
fn trailing_garbage_and_wrong_format_tag() {
    let text = serde_json::to_string(&valid()).unwrap() + "{}";
    let err = parse_plan_file("t.json", text.as_bytes()).unwrap_err();
    assert!(err.problems[0].reason.contains("trailing"), "{err}");

    let mut v = valid();
    v["format"] = "keikaku-plan/2".into();
    let (place, reason) = single_error(&v);
    assert_eq!(place, "format");
    assert!(reason.contains("unsupported format"));
}

#[test]
fn texts_beyond_their_limit_or_with_control_characters_are_rejected() {
    let cases: Vec<(&str, serde_json::Value, &str)> = vec![
        (
            "/plan/measures/0/title",
            "題".repeat(1_001).into(),
            "must be at most 1000 characters",
        ),
        (
            "/plan/measures/0/content",
            "文".repeat(20_001).into(),
            "must be at most 20000 characters",
        ),
        (
            "/plan/chapters/0/body",
            "a\u{1b}b".into(),
            "must not contain control characters other than line feed and tab",
        ),
        (
            "/organization/departments/0/name",
            "企画\n課".into(),
            "must be one line",
        ),
        (
            "/plan/structure/0/description",
            "説".repeat(20_001).into(),
            "must be at most 20000 characters",
        ),
    ];
    for (pointer, value, expected) in cases {
        let mut v = valid();
        if pointer == "/organization/departments/0/name" {
            // Measures name the department too; rename it everywhere.
            v["plan"]["measures"][0]["lead_departments"][0] = value.clone();
        }
        // Index by each part (numbers as list positions), adding the field where it is absent.
        let slot =
            pointer
                .split('/')
                .skip(1)
                .fold(&mut v, |at, part| match part.parse::<usize>() {
                    Ok(index) => &mut at[index],
                    Err(_) => &mut at[part],
                });
        *slot = value;
        let (place, reason) = single_error(&v);
        // `plan.measures[0].title` is the place of `/plan/measures/0/title`.
        let place = place.replace(['[', '.'], "/").replace(']', "");
        assert_eq!(place, pointer.trim_start_matches('/'), "{reason}");
        assert_eq!(reason, expected, "{pointer}");
    }
    // Just within the limits, and with line breaks and tabs, a plan imports.
    let mut v = valid();
    v["plan"]["measures"][0]["title"] = "題".repeat(1_000).into();
    v["plan"]["measures"][0]["content"] = "一\n\t二".repeat(5_000).into();
    assert!(parse(&v).is_ok());
}

#[test]
fn a_relative_target_needs_a_baseline_and_only_a_target_is_relative() {
    let mut v = valid();
    v["plan"]["measures"][0]["kpis"][0]["target"]["relative"] = true.into();
    let (place, reason) = single_error(&v);
    assert_eq!(place, "plan.measures[0].kpis[0].target.relative");
    assert!(reason.contains("needs a baseline"), "{reason}");

    v["plan"]["measures"][0]["kpis"][0]["baseline"] =
        serde_json::json!({ "value": 250, "year": 2022, "relative": true });
    let (place, _) = single_error(&v);
    assert_eq!(place, "plan.measures[0].kpis[0].baseline.relative");

    v["plan"]["measures"][0]["kpis"][0]["baseline"]["relative"] = false.into();
    let kpi = &parse(&v).unwrap().plan.measures[0].kpis[0];
    assert_eq!(kpi.target_level(), Some(510.0));
    assert_eq!(kpi.target_amount().as_deref(), Some("+260人（510人）"));
}

#[test]
fn a_local_government_code_must_carry_its_check_digit() {
    for good in ["202151", "222097", "322016", "284815", "212105"] {
        assert!(keikaku_domain::is_local_government_code(good), "{good}");
    }
    for bad in ["202152", "20215", "2021511", "20215a", "２０２１５１"] {
        assert!(!keikaku_domain::is_local_government_code(bad), "{bad}");
    }
    let mut v = valid();
    v["organization"]["code"] = "202152".into();
    let (place, reason) = single_error(&v);
    assert_eq!(place, "organization.code");
    assert!(reason.contains("check digit"), "{reason}");
    v["organization"]["code"] = "202151".into();
    v["organization"]["licence"] = serde_json::json!({ "name": "CC0", "url": "ftp://example" });
    let (place, _) = single_error(&v);
    assert_eq!(place, "organization.licence.url");
}

#[test]
fn a_continuing_cell_ends_after_it_starts_within_the_period_and_before_the_next_cell() {
    let mut v = valid();
    let cell = &mut v["plan"]["measures"][0]["actions"][0]["schedule"][0];
    cell["through"] = 2022.into();
    let (place, reason) = single_error(&v);
    assert_eq!(place, "plan.measures[0].actions[0].schedule[0].through");
    assert!(reason.contains("later fiscal year"), "{reason}");
    v["plan"]["measures"][0]["actions"][0]["schedule"][0]["through"] = 2025.into();
    let (_, reason) = single_error(&v);
    assert!(reason.contains("outside the plan period"), "{reason}");
    v["plan"]["measures"][0]["actions"][0]["schedule"] = serde_json::json!([
        { "fiscal_year": 2022, "text": "調査", "through": 2024 },
        { "fiscal_year": 2023, "text": "導入" }
    ]);
    let (_, reason) = single_error(&v);
    assert!(reason.contains("has a cell of its own"), "{reason}");
    v["plan"]["measures"][0]["actions"][0]["schedule"][1]["fiscal_year"] = 2024.into();
    v["plan"]["measures"][0]["actions"][0]["schedule"][0]["through"] = 2023.into();
    let file = parse(&v).unwrap();
    let schedule = &file.plan.measures[0].actions[0].schedule;
    let planned = |y| keikaku_domain::planned_for(schedule, keikaku_domain::FiscalYear(y));
    assert_eq!(
        planned(2023).map(|(c, continued)| (c.text.as_str(), continued)),
        Some(("調査", true))
    );
    assert_eq!(
        planned(2024).map(|(c, continued)| (c.text.as_str(), continued)),
        Some(("導入", false))
    );
}

#[test]
fn english_may_be_given_per_field_and_is_held_to_the_same_limits() {
    let mut v = valid();
    v["plan"]["en"] = serde_json::json!({ "title": "Test City DX Plan" });
    v["plan"]["measures"][0]["en"] = serde_json::json!({ "title": "Measure 1" });
    v["plan"]["measures"][0]["kpis"][0]["en"] = serde_json::json!({ "label": "Births" });
    v["plan"]["glossary"][0]["en"] = serde_json::json!({ "definition": "Digital transformation" });
    let file = parse(&v).unwrap();
    assert!(file.plan.has_english(&file.organization));
    let english = file
        .plan
        .in_language(&file.organization, keikaku_domain::lang::Lang::En);
    assert_eq!(english.title, "Test City DX Plan");
    assert_eq!(
        english.measures[0].kpis[0].text, "出生数 260人",
        "no English given"
    );

    // A field the Japanese object does not have, a blank text and one beyond its limit: each
    // refused where it is.
    let mut typo = valid();
    typo["plan"]["measures"][0]["en"] = serde_json::json!({ "name": "Measure 1" });
    let (place, reason) = single_error(&typo);
    assert_eq!(place, "plan.measures[0].en.name");
    assert!(reason.contains("unknown field `name`"), "{reason}");

    let mut blank = valid();
    blank["plan"]["structure"][0]["en"] = serde_json::json!({ "title": " " });
    assert_eq!(single_error(&blank).0, "plan.structure[0].en.title");

    let mut long = valid();
    long["plan"]["measures"][0]["actions"][0]["en"] =
        serde_json::json!({ "title": "x".repeat(1001) });
    assert_eq!(
        single_error(&long).0,
        "plan.measures[0].actions[0].en.title"
    );

    // Chapters and milestones too.
    let mut chapter = valid();
    chapter["plan"]["chapters"][0]["en"] = serde_json::json!({ "title": "Introduction" });
    let file = parse(&chapter).unwrap();
    let english = file
        .plan
        .in_language(&file.organization, keikaku_domain::lang::Lang::En);
    assert_eq!(english.chapters[0].title, "Introduction");
    assert_eq!(english.chapters[0].body.as_deref(), Some("本文"));
    chapter["plan"]["chapters"][0]["en"] = serde_json::json!({ "body": "" });
    assert_eq!(single_error(&chapter).0, "plan.chapters[0].en.body");
    let mut milestone = valid();
    milestone["plan"]["milestones"] =
        serde_json::json!([{ "fiscal_year": 2025, "text": "開始", "en": { "number": "1" } }]);
    assert_eq!(single_error(&milestone).0, "plan.milestones[0].en.number");
}

#[test]
fn departments_and_roadmap_cells_may_give_english_held_to_the_japanese_limits() {
    use keikaku_domain::lang::Lang;
    let mut v = valid();
    v["organization"]["departments"][0]["en"] =
        serde_json::json!({ "name": "Planning Division", "note": "Runs the plan" });
    v["plan"]["measures"][0]["schedule"][0]["en"] = serde_json::json!({ "text": "Pilot" });
    v["plan"]["measures"][0]["actions"][0]["schedule"][0]["en"] =
        serde_json::json!({ "text": "Study" });
    v["plan"]["measures"][0]["en"] = serde_json::json!({ "departments_note": "and others" });
    let file = parse(&v).unwrap();
    let english = file.plan.in_language(&file.organization, Lang::En);
    assert_eq!(english.measures[0].lead_departments, ["Planning Division"]);
    assert_eq!(
        english.measures[0].departments_note.as_deref(),
        Some("and others")
    );
    assert_eq!(english.measures[0].schedule[0].text_in(Lang::En), "Pilot");
    assert_eq!(
        english.measures[0].actions[0].schedule[0].text_in(Lang::En),
        "Study"
    );

    // A field the Japanese object does not have: refused where it is.
    let mut typo = valid();
    typo["organization"]["departments"][1]["en"] = serde_json::json!({ "title": "Children" });
    let (place, reason) = single_error(&typo);
    assert_eq!(place, "organization.departments[1].en.title");
    assert!(reason.contains("unknown field `title`"), "{reason}");
    let mut typo = valid();
    typo["plan"]["measures"][0]["actions"][0]["schedule"][0]["en"] =
        serde_json::json!({ "stage": "Study" });
    let (place, reason) = single_error(&typo);
    assert_eq!(place, "plan.measures[0].actions[0].schedule[0].en.stage");
    assert!(reason.contains("unknown field `stage`"), "{reason}");

    // Blank, and beyond the Japanese field's limit (a name: 100 characters; a cell: 1,000).
    let mut blank = valid();
    blank["plan"]["measures"][0]["schedule"][0]["en"] = serde_json::json!({ "text": "  " });
    assert_eq!(
        single_error(&blank).0,
        "plan.measures[0].schedule[0].en.text"
    );
    let mut blank = valid();
    blank["organization"]["departments"][0]["en"] = serde_json::json!({ "name": "" });
    assert_eq!(
        single_error(&blank).0,
        "organization.departments[0].en.name"
    );
    let mut long = valid();
    long["organization"]["departments"][0]["en"] = serde_json::json!({ "name": "x".repeat(101) });
    assert_eq!(single_error(&long).0, "organization.departments[0].en.name");
    let mut long = valid();
    long["plan"]["measures"][0]["actions"][0]["schedule"][0]["en"] =
        serde_json::json!({ "text": "x".repeat(1001) });
    assert_eq!(
        single_error(&long).0,
        "plan.measures[0].actions[0].schedule[0].en.text"
    );
}

#[test]
fn an_english_department_name_names_one_department_only() {
    let mut twice = valid();
    twice["organization"]["departments"][0]["en"] = serde_json::json!({ "name": "Planning" });
    twice["organization"]["departments"][1]["en"] = serde_json::json!({ "name": "Planning" });
    let (place, reason) = single_error(&twice);
    assert_eq!(place, "organization.departments[1].en.name");
    assert!(
        reason.contains(r#"duplicate English department name "Planning""#)
            && reason.contains("企画課"),
        "{reason}"
    );

    // Nor may it be another department's own name: the roadmap takes either.
    let mut other = valid();
    other["organization"]["departments"][1]["en"] = serde_json::json!({ "name": "企画課" });
    let (place, reason) = single_error(&other);
    assert_eq!(place, "organization.departments[1].en.name");
    assert!(reason.contains("another department's name"), "{reason}");

    // Its own Japanese name is fine (a name that reads the same in both languages).
    let mut same = valid();
    same["organization"]["departments"][0]["en"] = serde_json::json!({ "name": "企画課" });
    parse(&same).unwrap();
}
