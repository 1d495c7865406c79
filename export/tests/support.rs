//! A sheet of two records of the 駒ヶ根市 plan, one with text that CSV must quote.

use keikaku_domain::date::Day;
use keikaku_domain::evaluation::{Grade, RecordState, RoundKind, RoundState};
use keikaku_domain::import::parse_plan_file;
use keikaku_domain::FiscalYear;
use keikaku_sync::progress::{
    Field, FieldValue, KpiReading, ProgressRecord, RecordKey, Target, Versioned,
};
use keikaku_sync::round::{RoundRecord, Secondary};
use keikaku_sync::round_sheet::{RoundHead, RowInput, Sheet};

pub const TRICKY: &str = "窓口を \"3か所\"、週2回で開始\n次年度は全庁展開";

pub fn sheet() -> Sheet {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../samples/plans/komagane.json"
    );
    let plan = parse_plan_file("komagane", &std::fs::read(path).unwrap())
        .unwrap()
        .plan;
    let head = RoundHead {
        id: "r6".into(),
        plan_id: plan.id.clone(),
        plan_title: plan.title.clone(),
        organization_name: "駒ヶ根市".into(),
        fiscal_year: FiscalYear(2024),
        kind: RoundKind::YearEnd,
        title: "令和6年度実績".into(),
        opens_on: "2025-04-01".into(),
        deadline: "2025-05-31".into(),
        state: RoundState::Final,
        stale_days: 14,
        created_at: 1_743_465_600,
    };
    let round = |state| RoundRecord {
        round_id: "r6".into(),
        title: "令和6年度実績".into(),
        kind: RoundKind::YearEnd,
        round_state: RoundState::Final,
        deadline: "2025-05-31".into(),
        state,
        reopened: false,
        step: 3,
        comment: None,
        secondary: None,
    };
    let mut record = ProgressRecord::new(RecordKey::measure(&plan.id, "citizen-02", 2024));
    record.fields.insert(
        Field::Results,
        Versioned::new(FieldValue::Text(TRICKY.into()), 1),
    );
    record.fields.insert(
        Field::Grade,
        Versioned::new(FieldValue::Grade(Some(Grade::B)), 2),
    );
    record.kpi_readings.insert(
        "r1".into(),
        Versioned::new(
            KpiReading {
                id: "r1".into(),
                kpi_id: "kpi-1".into(),
                value: "60".into(),
                as_of: "2025-03-31".into(),
                note: None,
            },
            3,
        ),
    );
    let approved = RoundRecord {
        secondary: Some(Secondary {
            grade: Grade::C,
            reason: "目標に対して遅れ".into(),
        }),
        ..round(RecordState::Approved)
    };
    let rows = vec![
        RowInput {
            target: Target::Measure("citizen-01".into()),
            round: round(RecordState::NotEntered),
            content: ProgressRecord::new(RecordKey::measure(&plan.id, "citizen-01", 2024)),
            last_update: None,
        },
        RowInput {
            target: Target::Measure("citizen-02".into()),
            round: approved,
            content: record,
            last_update: Some(1_744_000_000),
        },
    ];
    Sheet::build(head, &plan, rows, Day::parse("2025-06-10").unwrap())
}
