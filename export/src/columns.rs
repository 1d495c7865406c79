//! The columns of a 進捗管理シート, shared by the CSV and the XLSX so both say the same: each
//! column's heading and how a row fills it.

use keikaku_domain::date::Day;
use keikaku_domain::evaluation::Grade;
use keikaku_sync::progress::Target;
use keikaku_sync::round_sheet::{KpiLine, Sheet, SheetRow};

/// One column: its heading and its text for a row of a sheet.
pub struct Column {
    pub heading: &'static str,
    /// Wide columns hold paragraphs (results, reasons).
    pub wide: bool,
    pub cell: fn(&Sheet, &SheetRow) -> String,
}

fn grade(grade: Option<Grade>) -> String {
    grade.map_or_else(String::new, |g| g.as_str().to_owned())
}

/// `最新値 60%（2025-03-31時点）` and the rest of one KPI, on one line.
pub fn kpi_text(kpi: &KpiLine) -> String {
    let point = |p: &Option<(String, String)>| {
        p.as_ref().map_or_else(
            || "—".to_owned(),
            |p| keikaku_sync::round_sheet::dated_amount(p, keikaku_domain::lang::Lang::Ja),
        )
    };
    let latest = match &kpi.latest {
        Some((value, at)) => keikaku_sync::round_sheet::reading_as_of(
            value,
            &kpi.unit,
            at,
            keikaku_domain::lang::Lang::Ja,
        ),
        None => "未記録".to_owned(),
    };
    let rate = kpi
        .achievement
        .as_ref()
        .map_or_else(|| "—".to_owned(), |a| format!("{}%", a.percent));
    format!(
        "{}：基準値 {} → 最新値 {} → 目標値 {}（達成率 {rate}）",
        kpi.label,
        point(&kpi.baseline),
        latest,
        point(&kpi.target)
    )
}

/// Every column, in order.
pub const COLUMNS: &[Column] = &[
    Column {
        heading: "番号",
        wide: false,
        cell: |_, r| r.number.clone().unwrap_or_default(),
    },
    Column {
        heading: "区分",
        wide: false,
        cell: |_, r| match r.target {
            Target::Measure(_) => "施策".into(),
            Target::Action(_) => "取組".into(),
        },
    },
    Column {
        heading: "施策・取組",
        wide: true,
        cell: |_, r| r.title.clone(),
    },
    Column {
        heading: "施策（取組の場合）",
        wide: true,
        cell: |_, r| r.measure_title.clone().unwrap_or_default(),
    },
    Column {
        heading: "基本方針",
        wide: true,
        cell: |_, r| r.pillar.clone().unwrap_or_default(),
    },
    Column {
        heading: "主担当課",
        wide: false,
        cell: |_, r| r.lead_departments.join("、"),
    },
    Column {
        heading: "関係課",
        wide: false,
        cell: |_, r| r.related_departments.join("、"),
    },
    Column {
        heading: "年度",
        wide: false,
        cell: |s, _| s.head.fiscal_year.label(),
    },
    Column {
        heading: "計画（工程表）",
        wide: true,
        cell: |_, r| r.planned.clone().unwrap_or_default(),
    },
    Column {
        heading: "計画上の段階",
        wide: false,
        cell: |_, r| {
            r.planned_stage
                .map_or_else(String::new, |s| s.label().to_owned())
        },
    },
    Column {
        heading: "到達した段階",
        wide: false,
        cell: |_, r| r.stage.map_or_else(String::new, |s| s.label().to_owned()),
    },
    Column {
        heading: "状況",
        wide: false,
        cell: |_, r| r.status.map_or_else(String::new, |s| s.label().to_owned()),
    },
    Column {
        heading: "進捗率（%）",
        wide: false,
        cell: |_, r| r.percent.map_or_else(String::new, |p| p.to_string()),
    },
    Column {
        heading: "実績",
        wide: true,
        cell: |_, r| r.results.clone(),
    },
    Column {
        heading: "KPI（基準値→最新値→目標値・達成率）",
        wide: true,
        cell: |_, r| r.kpis.iter().map(kpi_text).collect::<Vec<_>>().join("\n"),
    },
    Column {
        heading: "自己評価",
        wide: false,
        cell: |_, r| grade(r.self_grade),
    },
    Column {
        heading: "自己評価の理由",
        wide: true,
        cell: |_, r| r.self_reason.clone(),
    },
    Column {
        heading: "二次評価",
        wide: false,
        cell: |_, r| grade(r.secondary.as_ref().map(|s| s.grade)),
    },
    Column {
        heading: "二次評価の理由",
        wide: true,
        cell: |_, r| {
            r.secondary
                .as_ref()
                .map_or_else(String::new, |s| s.reason.clone())
        },
    },
    Column {
        heading: "次の取組（改善）",
        wide: true,
        cell: |_, r| r.next_actions.clone(),
    },
    Column {
        heading: "状態",
        wide: false,
        cell: |_, r| r.state.label().to_owned(),
    },
    Column {
        heading: "差戻し・再開の理由",
        wide: true,
        cell: |_, r| r.comment.clone().unwrap_or_default(),
    },
    Column {
        heading: "最終更新",
        wide: false,
        cell: |_, r| {
            r.last_update
                .map_or_else(String::new, |t| Day::in_japan_at(t).to_string())
        },
    },
    Column {
        heading: "期限超過",
        wide: false,
        cell: |_, r| {
            if r.overdue {
                "○".into()
            } else {
                String::new()
            }
        },
    },
    Column {
        heading: "停滞",
        wide: false,
        cell: |_, r| if r.stale { "○".into() } else { String::new() },
    },
];
