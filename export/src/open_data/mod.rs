//! A published plan as open data: six datasets (measures, actions, roadmap cells, KPIs,
//! published progress and evaluations, KPI readings), each with fixed columns described by its
//! data dictionary, written as CSV and JSON from the same rows (see [`write`]).
//!
//! Columns follow the Digital Agency's 自治体標準オープンデータセット where it has a convention:
//! every row starts with 全国地方公共団体コード and 地方公共団体名, years are Western numbers,
//! dates `YYYY-MM-DD`, lists are separated by `;`. What is not published is empty (null in
//! JSON), never zero.

pub mod write;

use keikaku_domain::{Organization, Plan, Stage};
use keikaku_sync::progress::{kpi_id, Target};
use keikaku_sync::report::PlanActuals;

/// One of a plan's datasets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dataset {
    Measures,
    Actions,
    Roadmap,
    Kpis,
    Progress,
    KpiReadings,
}

/// What a column holds, so JSON writes numbers as numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    Decimal,
    Date,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Text => "文字列",
            Kind::Integer => "整数",
            Kind::Decimal => "数値",
            Kind::Date => "日付（YYYY-MM-DD）",
        }
    }

    pub fn label_in(self, lang: keikaku_domain::lang::Lang) -> &'static str {
        match lang {
            keikaku_domain::lang::Lang::Ja => self.label(),
            keikaku_domain::lang::Lang::En => match self {
                Kind::Text => "Text",
                Kind::Integer => "Integer",
                Kind::Decimal => "Number",
                Kind::Date => "Date (YYYY-MM-DD)",
            },
        }
    }
}

/// A column: its CSV heading, its JSON key, what it holds and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub heading: &'static str,
    pub key: &'static str,
    pub kind: Kind,
    pub description: &'static str,
}

const fn column(
    heading: &'static str,
    key: &'static str,
    kind: Kind,
    description: &'static str,
) -> Column {
    Column {
        heading,
        key,
        kind,
        description,
    }
}

/// The columns every dataset starts with.
const COMMON: [Column; 3] = [
    column(
        "全国地方公共団体コード",
        "local_government_code",
        Kind::Text,
        "総務省の全国地方公共団体コード（検査数字を含む6桁）。計画ファイルにないときは空。",
    ),
    column(
        "地方公共団体名",
        "local_government_name",
        Kind::Text,
        "計画を定めた地方公共団体の名称。",
    ),
    column(
        "計画ID",
        "plan_id",
        Kind::Text,
        "計画の識別子（URLの /plans/ の後ろ）。",
    ),
];

const MEASURE_ID: Column = column("施策ID", "measure_id", Kind::Text, "施策の識別子。");
const ACTION_ID: Column = column(
    "取組ID",
    "action_id",
    Kind::Text,
    "取組の識別子。施策そのものの行では空。",
);
const TARGET_KIND: Column = column(
    "対象区分",
    "target_kind",
    Kind::Text,
    "measure（施策）または action（取組）。",
);
const FISCAL_YEAR: Column = column(
    "年度",
    "fiscal_year",
    Kind::Integer,
    "会計年度（西暦。2024は令和6年度＝2024年4月〜2025年3月）。",
);
const KPI_ID: Column = column(
    "指標ID",
    "kpi_id",
    Kind::Text,
    "施策の中での指標の識別子（kpi-1 から計画の掲載順）。",
);

const MEASURES: &[Column] = &[
    MEASURE_ID,
    column("施策番号", "number", Kind::Text, "計画書に印刷された番号。"),
    column("施策名", "title", Kind::Text, "施策の名称。"),
    column(
        "基本方針",
        "pillar",
        Kind::Text,
        "施策が最初に掲げられた体系の最上位（基本方針・柱など）。",
    ),
    column("概要", "summary", Kind::Text, "施策の概要。"),
    column("目指す姿", "target_state", Kind::Text, "施策が目指す姿。"),
    column("現状と課題", "current_issues", Kind::Text, "現状と課題。"),
    column("方向性", "direction", Kind::Text, "取組の方向性。"),
    column("取組内容", "content", Kind::Text, "取組の内容。"),
    column(
        "担当課",
        "lead_departments",
        Kind::Text,
        "主担当の課。複数のときは ; で区切る。",
    ),
    column(
        "関係課",
        "related_departments",
        Kind::Text,
        "関係する課。複数のときは ; で区切る。",
    ),
    column(
        "総合計画との関連",
        "general_plan_refs",
        Kind::Text,
        "関連する総合計画の施策番号。複数のときは ; で区切る。",
    ),
];

const ACTIONS: &[Column] = &[
    MEASURE_ID,
    ACTION_ID,
    column("取組番号", "number", Kind::Text, "計画書に印刷された番号。"),
    column("取組名", "title", Kind::Text, "取組の名称。"),
    column(
        "取組の区分",
        "group",
        Kind::Text,
        "計画書で取組をまとめた見出し。",
    ),
];

const ROADMAP: &[Column] = &[
    TARGET_KIND,
    MEASURE_ID,
    ACTION_ID,
    FISCAL_YEAR,
    column(
        "年度表記",
        "fiscal_year_label",
        Kind::Text,
        "和暦と西暦の年度表記。",
    ),
    column(
        "計画内容",
        "planned",
        Kind::Text,
        "工程表にその年度について書かれていること。",
    ),
    column(
        "段階",
        "stage",
        Kind::Text,
        "計画内容が示す段階（検討・試験導入・本番導入・定着化）。読み取れないときは空。",
    ),
    column(
        "継続する最終年度",
        "through",
        Kind::Integer,
        "工程表で矢印により同じ内容が続く最後の年度（西暦）。続かないときは空。",
    ),
];

const KPIS: &[Column] = &[
    MEASURE_ID,
    KPI_ID,
    column("指標名", "label", Kind::Text, "何を測るか。"),
    column("単位", "unit", Kind::Text, "値の単位（%、件など）。"),
    column(
        "基準値",
        "baseline",
        Kind::Decimal,
        "計画策定時などの基準値。",
    ),
    column(
        "基準年",
        "baseline_year",
        Kind::Integer,
        "基準値の年（西暦。年度か暦年かは計画書の表記による）。",
    ),
    column(
        "目標値",
        "target",
        Kind::Decimal,
        "計画書に書かれた目標の値。目標の種類が「増減」なら基準値からの増減。",
    ),
    column(
        "目標の種類",
        "target_kind",
        Kind::Text,
        "level（目標値そのものが目指す水準）または change（基準値からの増減、% ならポイント）。",
    ),
    column(
        "目標水準",
        "target_level",
        Kind::Decimal,
        "目指す水準（増減の目標なら基準値＋目標値）。達成率はこの値で求める。",
    ),
    column("目標年", "target_year", Kind::Integer, "目標の年（西暦）。"),
    column("出典", "source", Kind::Text, "値の出典（調査名など）。"),
    column("原文", "text", Kind::Text, "計画書の記載そのまま。"),
];

const PROGRESS: &[Column] = &[
    TARGET_KIND,
    MEASURE_ID,
    ACTION_ID,
    FISCAL_YEAR,
    column(
        "状況",
        "status",
        Kind::Text,
        "未着手・順調・遅れ・完了・中止。公表されていないときは空。",
    ),
    column(
        "到達段階",
        "stage",
        Kind::Text,
        "検討・試験導入・本番導入・定着化。",
    ),
    column("進捗率", "percent", Kind::Integer, "進捗率（0〜100、%）。"),
    column("評価", "grade", Kind::Text, "A〜D の評価。"),
    column("実績", "results", Kind::Text, "実績の記述。"),
];

const KPI_READINGS: &[Column] = &[
    MEASURE_ID,
    KPI_ID,
    FISCAL_YEAR,
    column("値", "value", Kind::Decimal, "公表された指標の値。"),
    column("時点", "as_of", Kind::Date, "値の時点。"),
];

impl Dataset {
    pub const ALL: [Dataset; 6] = [
        Dataset::Measures,
        Dataset::Actions,
        Dataset::Roadmap,
        Dataset::Kpis,
        Dataset::Progress,
        Dataset::KpiReadings,
    ];

    /// The file name's stem: `measures` for `measures.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Dataset::Measures => "measures",
            Dataset::Actions => "actions",
            Dataset::Roadmap => "roadmap",
            Dataset::Kpis => "kpis",
            Dataset::Progress => "progress",
            Dataset::KpiReadings => "kpi-readings",
        }
    }

    pub fn from_name(name: &str) -> Option<Dataset> {
        Dataset::ALL.into_iter().find(|d| d.name() == name)
    }

    pub fn title(self) -> &'static str {
        match self {
            Dataset::Measures => "施策",
            Dataset::Actions => "取組",
            Dataset::Roadmap => "工程表（年度ごとの計画）",
            Dataset::Kpis => "指標（KPI）",
            Dataset::Progress => "進捗と評価（公表分）",
            Dataset::KpiReadings => "指標の実績値（公表分）",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Dataset::Measures => "計画の施策。1行が1施策。",
            Dataset::Actions => "施策の下の取組。1行が1取組。",
            Dataset::Roadmap => "工程表のセル。1行が施策または取組の1年度。",
            Dataset::Kpis => "施策の指標と目標。1行が1指標。",
            Dataset::Progress => {
                "公表された評価（実績報告）の記録。1行が施策または取組の1年度。公表前の記録は含みません。"
            }
            Dataset::KpiReadings => "公表された指標の値。1行が指標の1年度の最新の値。",
        }
    }

    /// [`Dataset::title`] in `lang`.
    pub fn title_in(self, lang: keikaku_domain::lang::Lang) -> &'static str {
        match lang {
            keikaku_domain::lang::Lang::Ja => self.title(),
            keikaku_domain::lang::Lang::En => match self {
                Dataset::Measures => "Measures",
                Dataset::Actions => "Actions",
                Dataset::Roadmap => "Roadmap (plan by fiscal year)",
                Dataset::Kpis => "KPIs",
                Dataset::Progress => "Progress and evaluations (published)",
                Dataset::KpiReadings => "KPI readings (published)",
            },
        }
    }

    /// [`Dataset::description`] in `lang`.
    pub fn description_in(self, lang: keikaku_domain::lang::Lang) -> &'static str {
        match lang {
            keikaku_domain::lang::Lang::Ja => self.description(),
            keikaku_domain::lang::Lang::En => match self {
                Dataset::Measures => "The plan's measures, one per row.",
                Dataset::Actions => "The actions under each measure, one per row.",
                Dataset::Roadmap => "The roadmap's cells: a measure or action in one fiscal year per row.",
                Dataset::Kpis => "The measures' KPIs and their targets, one per row.",
                Dataset::Progress => {
                    "What published evaluations (results reports) recorded: a measure or action in one fiscal year per row. Records not yet published are not included."
                }
                Dataset::KpiReadings => "Published KPI values: the latest value of a KPI in one fiscal year per row.",
            },
        }
    }

    /// Every column, the common ones first.
    pub fn columns(self) -> Vec<Column> {
        let own = match self {
            Dataset::Measures => MEASURES,
            Dataset::Actions => ACTIONS,
            Dataset::Roadmap => ROADMAP,
            Dataset::Kpis => KPIS,
            Dataset::Progress => PROGRESS,
            Dataset::KpiReadings => KPI_READINGS,
        };
        COMMON.iter().chain(own).copied().collect()
    }
}

/// A cell: text, or nothing (empty in CSV, null in JSON).
pub type Cell = Option<String>;

/// What the datasets are built from: the plan, its organization, and the progress its readers
/// may see (for the public, what published rounds made public).
pub struct Source<'a> {
    pub organization: &'a Organization,
    pub plan: &'a Plan,
    pub actuals: &'a PlanActuals,
}

fn text(value: &str) -> Cell {
    (!value.is_empty()).then(|| value.to_owned())
}

fn optional(value: &Option<String>) -> Cell {
    value.as_deref().and_then(text)
}

fn list(values: &[String]) -> Cell {
    text(&values.join(";"))
}

fn number(value: f64) -> Cell {
    Some(keikaku_domain::format::figure(value))
}

impl Source<'_> {
    fn common(&self) -> Vec<Cell> {
        vec![
            optional(&self.organization.code),
            text(&self.organization.name),
            text(&self.plan.id),
        ]
    }

    /// The dataset's rows, each as long as its columns.
    pub fn rows(&self, dataset: Dataset) -> Vec<Vec<Cell>> {
        let rows = match dataset {
            Dataset::Measures => self.measures(),
            Dataset::Actions => self.actions(),
            Dataset::Roadmap => self.roadmap(),
            Dataset::Kpis => self.kpis(),
            Dataset::Progress => self.progress(),
            Dataset::KpiReadings => self.kpi_readings(),
        };
        rows.into_iter()
            .map(|own| self.common().into_iter().chain(own).collect())
            .collect()
    }

    fn measures(&self) -> Vec<Vec<Cell>> {
        let pillars = keikaku_sync::overview::first_pillar(self.plan);
        self.plan
            .measures
            .iter()
            .map(|m| {
                let pillar = pillars
                    .get(m.id.as_str())
                    .map(|&i| self.plan.structure[i].title.clone());
                vec![
                    text(&m.id),
                    optional(&m.number),
                    text(&m.title),
                    pillar,
                    optional(&m.summary),
                    optional(&m.target_state),
                    optional(&m.current_issues),
                    optional(&m.direction),
                    optional(&m.content),
                    list(&m.lead_departments),
                    list(&m.related_departments),
                    list(&m.general_plan_refs),
                ]
            })
            .collect()
    }

    fn actions(&self) -> Vec<Vec<Cell>> {
        self.plan
            .measures
            .iter()
            .flat_map(|m| {
                m.actions.iter().map(|a| {
                    vec![
                        text(&m.id),
                        text(&a.id),
                        optional(&a.number),
                        text(&a.title),
                        optional(&a.group),
                    ]
                })
            })
            .collect()
    }

    /// Every measure and action with its target kind, measure id and action id, in plan order.
    fn targets(&self) -> Vec<(Target, &str, Option<&str>, &[keikaku_domain::ScheduleCell])> {
        let mut out = Vec::new();
        for m in &self.plan.measures {
            out.push((
                Target::Measure(m.id.clone()),
                m.id.as_str(),
                None,
                m.schedule.as_slice(),
            ));
            for a in &m.actions {
                out.push((
                    Target::Action(a.id.clone()),
                    m.id.as_str(),
                    Some(a.id.as_str()),
                    a.schedule.as_slice(),
                ));
            }
        }
        out
    }

    fn roadmap(&self) -> Vec<Vec<Cell>> {
        let mut rows = Vec::new();
        for (target, measure, action, schedule) in self.targets() {
            for cell in schedule {
                rows.push(vec![
                    text(target.kind()),
                    text(measure),
                    action.and_then(text),
                    Some(cell.fiscal_year.0.to_string()),
                    text(&cell.fiscal_year.label()),
                    text(&cell.text),
                    Stage::recognise(&cell.text).map(|s| s.label().to_owned()),
                    cell.through.map(|t| t.0.to_string()),
                ]);
            }
        }
        rows
    }

    fn kpis(&self) -> Vec<Vec<Cell>> {
        let mut rows = Vec::new();
        for m in &self.plan.measures {
            for (i, k) in m.kpis.iter().enumerate() {
                let target_kind = k
                    .target
                    .as_ref()
                    .map(|t| if t.relative { "change" } else { "level" }.to_owned());
                rows.push(vec![
                    text(&m.id),
                    Some(kpi_id(i)),
                    text(&k.label),
                    optional(&k.unit),
                    k.baseline.as_ref().and_then(|b| number(b.value)),
                    k.baseline
                        .as_ref()
                        .and_then(|b| b.year.map(|y| y.to_string())),
                    k.target.as_ref().and_then(|t| number(t.value)),
                    target_kind,
                    k.target_level().and_then(number),
                    k.target
                        .as_ref()
                        .and_then(|t| t.year.map(|y| y.to_string())),
                    optional(&k.source),
                    text(&k.text),
                ]);
            }
        }
        rows
    }

    fn progress(&self) -> Vec<Vec<Cell>> {
        let mut rows = Vec::new();
        for (target, measure, action, _) in self.targets() {
            let Some(years) = self.actuals.years(&target) else {
                continue;
            };
            for (year, actual) in years {
                rows.push(vec![
                    text(target.kind()),
                    text(measure),
                    action.and_then(text),
                    Some(year.to_string()),
                    actual.status.map(|s| s.label().to_owned()),
                    actual.stage.map(|s| s.label().to_owned()),
                    actual.percent.map(|p| p.to_string()),
                    actual.grade.map(|g| g.as_str().to_owned()),
                    text(&actual.results),
                ]);
            }
        }
        rows
    }

    fn kpi_readings(&self) -> Vec<Vec<Cell>> {
        let mut rows = Vec::new();
        for m in &self.plan.measures {
            let target = Target::Measure(m.id.clone());
            let Some(years) = self.actuals.years(&target) else {
                continue;
            };
            for i in 0..m.kpis.len() {
                let id = kpi_id(i);
                for (year, actual) in years {
                    if let Some((value, as_of)) = actual.kpis.get(&id) {
                        rows.push(vec![
                            text(&m.id),
                            Some(id.clone()),
                            Some(year.to_string()),
                            text(value),
                            text(as_of),
                        ]);
                    }
                }
            }
        }
        rows
    }
}
