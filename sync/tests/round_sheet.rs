//! The round sheet on a real plan: rows in the plan's order with the year's plan, what was
//! recorded and the KPIs' achievement; overdue and stale records; counts per state, department
//! and pillar, and the grades.

use keikaku_domain::date::Day;
use keikaku_domain::evaluation::{Grade, RecordState, RoundKind, RoundState};
use keikaku_domain::import::parse_plan_file;
use keikaku_domain::{FiscalYear, Plan};
use keikaku_sync::progress::{
    Field, FieldValue, KpiReading, ProgressRecord, RecordKey, Target, Versioned,
};
use keikaku_sync::round::{RoundRecord, Secondary};
use keikaku_sync::round_sheet::{RoundHead, RowInput, Sheet};

const PLAN: &str = "komagane-dx-strategy";

fn plan() -> Plan {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../samples/plans/komagane.json"
    );
    parse_plan_file("komagane", &std::fs::read(path).unwrap())
        .unwrap()
        .plan
}

fn head() -> RoundHead {
    RoundHead {
        id: "r6".into(),
        plan_id: PLAN.into(),
        plan_title: "駒ヶ根市DX推進計画".into(),
        organization_name: "駒ヶ根市".into(),
        fiscal_year: FiscalYear(2024),
        kind: RoundKind::YearEnd,
        title: "令和6年度実績".into(),
        opens_on: "2025-04-01".into(),
        deadline: "2025-05-31".into(),
        state: RoundState::Open,
        stale_days: 14,
        // 2025-04-01 09:00 in Japan.
        created_at: 1_743_465_600,
    }
}

fn round(state: RecordState) -> RoundRecord {
    RoundRecord {
        round_id: "r6".into(),
        title: "令和6年度実績".into(),
        kind: RoundKind::YearEnd,
        round_state: RoundState::Open,
        deadline: "2025-05-31".into(),
        state,
        reopened: false,
        step: 0,
        comment: None,
        secondary: None,
    }
}

fn record(measure: &str) -> ProgressRecord {
    ProgressRecord::new(RecordKey::measure(PLAN, measure, 2024))
}

fn row(measure: &str, round: RoundRecord, content: ProgressRecord, at: Option<i64>) -> RowInput {
    RowInput {
        target: Target::Measure(measure.into()),
        round,
        content,
        last_update: at,
    }
}

fn day(text: &str) -> Day {
    Day::parse(text).unwrap()
}

#[test]
fn rows_carry_the_plan_the_record_and_the_kpis_achievement() {
    let mut approved = record("citizen-02");
    approved.fields.insert(
        Field::Results,
        Versioned::new(FieldValue::Text("転入手続きをワンストップ化".into()), 5),
    );
    approved.fields.insert(
        Field::Grade,
        Versioned::new(FieldValue::Grade(Some(Grade::B)), 6),
    );
    approved.kpi_readings.insert(
        "r1".into(),
        Versioned::new(
            KpiReading {
                id: "r1".into(),
                kpi_id: "kpi-1".into(),
                value: "60".into(),
                as_of: "2025-03-31".into(),
                note: None,
            },
            7,
        ),
    );
    let reviewed = RoundRecord {
        secondary: Some(Secondary {
            grade: Grade::C,
            reason: "目標に対して遅れ".into(),
        }),
        ..round(RecordState::Approved)
    };
    let sheet = Sheet::build(
        head(),
        &plan(),
        vec![
            row(
                "citizen-01",
                round(RecordState::NotEntered),
                record("citizen-01"),
                None,
            ),
            row("citizen-02", reviewed, approved, Some(1_744_000_000)),
        ],
        day("2025-05-01"),
    );
    assert_eq!(sheet.rows.len(), 2);
    let first = &sheet.rows[0];
    assert_eq!(first.number.as_deref(), Some("①"));
    assert_eq!(
        first.pillar.as_deref(),
        Some("デジタルによる行政手続きをはじめとする市民サービスの向上")
    );
    assert_eq!(first.state, RecordState::NotEntered);
    let second = &sheet.rows[1];
    assert_eq!(second.results, "転入手続きをワンストップ化");
    assert_eq!(second.self_grade, Some(Grade::B));
    assert_eq!(second.secondary.as_ref().unwrap().grade, Grade::C);
    let kpi = &second.kpis[0];
    assert_eq!(kpi.unit, "%");
    assert_eq!(kpi.latest, Some(("60".into(), "2025-03-31".into())));
    let achievement = kpi.achievement.as_ref().unwrap();
    assert_eq!(achievement.percent, 60.0);
    assert_eq!(
        achievement.formula(keikaku_domain::lang::Lang::Ja),
        "最新値 60 ÷ 目標値 100"
    );
    assert_eq!(sheet.days_left(), Some(30));
    let (own, secondary) = sheet.grade_counts();
    assert_eq!(own, [0, 1, 0, 0, 1]);
    assert_eq!(secondary, [0, 0, 1, 0, 1]);
}

#[test]
fn waiting_records_are_stale_after_the_rounds_days_and_overdue_after_the_deadline() {
    let mut typed = record("citizen-03");
    typed.fields.insert(
        Field::Percent,
        Versioned::new(FieldValue::Percent(Some(30)), 3),
    );
    let rows = || {
        vec![
            row(
                "citizen-01",
                round(RecordState::NotEntered),
                record("citizen-01"),
                None,
            ),
            row(
                "citizen-03",
                round(RecordState::NotEntered),
                typed.clone(),
                Some(1_746_000_000),
            ),
            row(
                "citizen-02",
                round(RecordState::Submitted),
                record("citizen-02"),
                None,
            ),
        ]
    };
    // 10 April: nothing is stale yet, nothing overdue.
    let early = Sheet::build(head(), &plan(), rows(), day("2025-04-10"));
    assert_eq!(early.counts().stale, 0);
    assert_eq!(
        early.rows[1].state,
        RecordState::InProgress,
        "content makes it 入力中"
    );
    // 20 April: the untouched record is stale (opened 1 April), the recently typed one not.
    let later = Sheet::build(head(), &plan(), rows(), day("2025-04-20"));
    assert!(later.rows[0].stale);
    assert!(!later.rows[1].stale);
    assert!(
        !later.rows[2].stale,
        "a submitted record waits for nobody in its department"
    );
    // 1 June: past the deadline, both unsubmitted are overdue.
    let late = Sheet::build(head(), &plan(), rows(), day("2025-06-01"));
    let counts = late.counts();
    assert_eq!(counts.overdue, 2);
    assert_eq!(counts.of(RecordState::Submitted), 1);
    assert_eq!(counts.total, 3);
    let taxes = &late.by_department()["税務課"];
    assert_eq!(taxes.total, 3, "税務課 leads all three");
    assert_eq!(late.by_department()["福祉課"].total, 1);
    assert_eq!(late.by_pillar().len(), 1);
}
