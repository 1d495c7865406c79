//! Progress on a plan: what staff record per measure or action and fiscal year, and the rules a
//! value must follow before it is stored or sent.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use keikaku_domain::import::is_valid_id;
use keikaku_domain::{FiscalYear, Stage};

use crate::round::RoundRecord;
use serde::{Deserialize, Serialize};

/// Longest narrative text (実績, 評価コメント, 次の取組), in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Longest field note, in characters.
pub const MAX_NOTE_CHARS: usize = 4_000;
/// Longest author display string on a field note, in characters.
pub const MAX_AUTHOR_CHARS: usize = 100;
/// Longest remark on a KPI reading, in characters.
pub const MAX_READING_NOTE_CHARS: usize = 1_000;
/// Longest KPI value text, in characters (`-123456.789`).
pub const MAX_DECIMAL_CHARS: usize = 32;
/// Fiscal years a progress record may be about; the same window the plan import accepts.
pub const FISCAL_YEARS: std::ops::RangeInclusive<i32> = 1989..=2100;

/// A value that breaks a rule, with the place it was found (`percent`, `note.date`, `key`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{field}: {reason}")]
pub struct Invalid {
    pub field: String,
    pub reason: String,
}

impl Invalid {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// What progress is recorded on: a measure (施策) or one of its actions, by plan-file id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    content = "id",
    rename_all = "snake_case",
    deny_unknown_fields
)]
pub enum Target {
    Measure(String),
    Action(String),
}

impl Target {
    pub fn kind(&self) -> &'static str {
        match self {
            Target::Measure(_) => "measure",
            Target::Action(_) => "action",
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Target::Measure(id) | Target::Action(id) => id,
        }
    }
}

/// Identifies one progress record: a plan's measure or action in one fiscal year.
///
/// Its string form, `plan/measure:id/2024`, is stable; the browser uses it as the IndexedDB
/// key. Valid ids never contain `/` or `:` (see [`is_valid_id`]), so the form parses back
/// unambiguously.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordKey {
    pub plan_id: String,
    pub target: Target,
    pub fiscal_year: FiscalYear,
}

impl RecordKey {
    pub fn measure(plan_id: &str, measure_id: &str, fiscal_year: i32) -> RecordKey {
        RecordKey {
            plan_id: plan_id.to_owned(),
            target: Target::Measure(measure_id.to_owned()),
            fiscal_year: FiscalYear(fiscal_year),
        }
    }

    pub fn action(plan_id: &str, action_id: &str, fiscal_year: i32) -> RecordKey {
        RecordKey {
            plan_id: plan_id.to_owned(),
            target: Target::Action(action_id.to_owned()),
            fiscal_year: FiscalYear(fiscal_year),
        }
    }

    pub fn validate(&self) -> Result<(), Invalid> {
        if !is_valid_id(&self.plan_id) {
            return Err(Invalid::new("key.plan_id", "not a valid plan id"));
        }
        if !is_valid_id(self.target.id()) {
            let reason = format!("not a valid {} id", self.target.kind());
            return Err(Invalid::new("key.target.id", reason));
        }
        if !FISCAL_YEARS.contains(&self.fiscal_year.0) {
            let reason = format!(
                "fiscal year must be within {}–{}",
                FISCAL_YEARS.start(),
                FISCAL_YEARS.end()
            );
            return Err(Invalid::new("key.fiscal_year", reason));
        }
        Ok(())
    }
}

impl fmt::Display for RecordKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let RecordKey {
            plan_id,
            target,
            fiscal_year,
        } = self;
        write!(
            f,
            "{plan_id}/{}:{}/{}",
            target.kind(),
            target.id(),
            fiscal_year.0
        )
    }
}

impl FromStr for RecordKey {
    type Err = Invalid;

    fn from_str(text: &str) -> Result<RecordKey, Invalid> {
        let malformed = || {
            Invalid::new(
                "key",
                format!("{text:?} is not of the form plan/measure:id/2024"),
            )
        };
        let mut parts = text.split('/');
        let (Some(plan_id), Some(target), Some(year), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed());
        };
        let target = match target.split_once(':') {
            Some(("measure", id)) => Target::Measure(id.to_owned()),
            Some(("action", id)) => Target::Action(id.to_owned()),
            _ => return Err(malformed()),
        };
        let fiscal_year = year.parse().map(FiscalYear).map_err(|_| malformed())?;
        let key = RecordKey {
            plan_id: plan_id.to_owned(),
            target,
            fiscal_year,
        };
        key.validate()?;
        Ok(key)
    }
}

/// How a measure or action is going (状況).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    NotStarted,
    OnTrack,
    Delayed,
    Completed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::NotStarted,
        Status::OnTrack,
        Status::Delayed,
        Status::Completed,
        Status::Cancelled,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Status::NotStarted => "未着手",
            Status::OnTrack => "順調",
            Status::Delayed => "遅れ",
            Status::Completed => "完了",
            Status::Cancelled => "中止",
        }
    }

    pub fn label_in(self, lang: keikaku_domain::lang::Lang) -> &'static str {
        match lang {
            keikaku_domain::lang::Lang::Ja => self.label(),
            keikaku_domain::lang::Lang::En => match self {
                Status::NotStarted => "Not started",
                Status::OnTrack => "On track",
                Status::Delayed => "Delayed",
                Status::Completed => "Completed",
                Status::Cancelled => "Cancelled",
            },
        }
    }
}

pub use keikaku_domain::evaluation::Grade;

/// The fields of a progress record that hold one current value each. The last accepted write
/// wins, but only when its author had seen the value it replaces (see `server::decide_set`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The stage actually reached (到達段階).
    Stage,
    /// 状況.
    Status,
    /// Percent done, 0–100 (進捗率).
    Percent,
    /// Narrative of results (実績).
    Results,
    /// The A–D evaluation grade (評価).
    Grade,
    /// Comment on the grade (評価コメント).
    GradeComment,
    /// Next actions, the PDCA Act (次の取組).
    NextActions,
}

impl Field {
    pub const ALL: [Field; 7] = [
        Field::Stage,
        Field::Status,
        Field::Percent,
        Field::Results,
        Field::Grade,
        Field::GradeComment,
        Field::NextActions,
    ];

    /// Free text written by people, where concurrent edits to different passages both survive
    /// through a three-way merge instead of conflicting.
    pub fn is_narrative(self) -> bool {
        matches!(
            self,
            Field::Results | Field::GradeComment | Field::NextActions
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Stage => "stage",
            Field::Status => "status",
            Field::Percent => "percent",
            Field::Results => "results",
            Field::Grade => "grade",
            Field::GradeComment => "grade_comment",
            Field::NextActions => "next_actions",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Field::Stage => "到達段階",
            Field::Status => "状況",
            Field::Percent => "進捗率",
            Field::Results => "実績",
            Field::Grade => "評価",
            Field::GradeComment => "評価コメント",
            Field::NextActions => "次の取組",
        }
    }

    /// The field's name in `lang`, as the sync page names a conflict's field.
    pub fn label_in(self, lang: keikaku_domain::lang::Lang) -> &'static str {
        match lang {
            keikaku_domain::lang::Lang::Ja => self.label(),
            keikaku_domain::lang::Lang::En => match self {
                Field::Stage => "Stage reached",
                Field::Status => "Status",
                Field::Percent => "Progress (%)",
                Field::Results => "Results",
                Field::Grade => "Evaluation",
                Field::GradeComment => "Evaluation comment",
                Field::NextActions => "Next actions",
            },
        }
    }

    /// The value of a field that was never set.
    pub fn empty_value(self) -> FieldValue {
        match self {
            Field::Stage => FieldValue::Stage(None),
            Field::Status => FieldValue::Status(None),
            Field::Percent => FieldValue::Percent(None),
            Field::Grade => FieldValue::Grade(None),
            Field::Results | Field::GradeComment | Field::NextActions => {
                FieldValue::Text(String::new())
            }
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A field's value, typed. `None` clears a choice; an empty text is a cleared narrative.
///
/// In JSON the variant names the type: `{"percent": 40}`, `{"stage": null}`, `{"text": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldValue {
    Stage(Option<Stage>),
    Status(Option<Status>),
    Percent(Option<u8>),
    Grade(Option<Grade>),
    Text(String),
}

impl FieldValue {
    pub fn as_text(&self) -> Option<&str> {
        match self {
            FieldValue::Text(text) => Some(text),
            _ => None,
        }
    }

    /// Whether this is the kind of value `field` holds (not whether it is valid).
    pub fn fits(&self, field: Field) -> bool {
        matches!(
            (field, self),
            (Field::Stage, FieldValue::Stage(_))
                | (Field::Status, FieldValue::Status(_))
                | (Field::Percent, FieldValue::Percent(_))
                | (Field::Grade, FieldValue::Grade(_))
                | (
                    Field::Results | Field::GradeComment | Field::NextActions,
                    FieldValue::Text(_)
                )
        )
    }
}

/// Checks that `value` may be stored in `field`.
pub fn validate(field: Field, value: &FieldValue) -> Result<(), Invalid> {
    if !value.fits(field) {
        return Err(Invalid::new(
            field.as_str(),
            "wrong type of value for this field",
        ));
    }
    match value {
        FieldValue::Percent(Some(percent)) if *percent > 100 => Err(Invalid::new(
            field.as_str(),
            "percent must be between 0 and 100",
        )),
        FieldValue::Text(text) => check_text(field.as_str(), text, MAX_TEXT_CHARS, Lines::Many),
        _ => Ok(()),
    }
}

/// A value together with the server sequence number of the change that set it. Version 0 means
/// the server never set it: a field that was never written, or a client's unconfirmed value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Versioned<T> {
    pub value: T,
    pub version: u64,
}

impl<T> Versioned<T> {
    pub fn new(value: T, version: u64) -> Self {
        Versioned { value, version }
    }
}

/// A dated observation from the field (OODA Observe). Append-only: a note is never edited, only
/// retracted, and a retracted note stays as a tombstone so every replica learns of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldNote {
    /// Client-generated and globally unique (the id of the mutation that appended it).
    pub id: String,
    /// `YYYY-MM-DD`: the day observed, which may be earlier than the day recorded.
    pub date: String,
    pub text: String,
    /// Who wrote it, as shown to readers.
    pub author: String,
    #[serde(default)]
    pub retracted: bool,
}

impl FieldNote {
    pub fn validate(&self) -> Result<(), Invalid> {
        if !is_valid_id(&self.id) {
            return Err(Invalid::new("note.id", "not a valid id"));
        }
        check_date("note.date", &self.date)?;
        if self.text.trim().is_empty() {
            return Err(Invalid::new("note.text", "must not be empty"));
        }
        check_text("note.text", &self.text, MAX_NOTE_CHARS, Lines::Many)?;
        if self.author.trim().is_empty() {
            return Err(Invalid::new("note.author", "must not be empty"));
        }
        check_text("note.author", &self.author, MAX_AUTHOR_CHARS, Lines::One)?;
        if self.retracted {
            return Err(Invalid::new(
                "note.retracted",
                "a new note cannot be retracted",
            ));
        }
        Ok(())
    }
}

/// One actual value of a KPI as of a date. Append-only: a correction is a newer reading with
/// the same `kpi_id` and `as_of`, so earlier readings stay on record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiReading {
    /// Client-generated and globally unique (the id of the mutation that appended it).
    pub id: String,
    /// Which of the measure's KPIs this reads, by the id the app assigns it.
    pub kpi_id: String,
    /// A decimal number as text (`260`, `-3.5`), so no precision is lost on the way.
    pub value: String,
    /// `YYYY-MM-DD`.
    pub as_of: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl KpiReading {
    pub fn validate(&self) -> Result<(), Invalid> {
        if !is_valid_id(&self.id) {
            return Err(Invalid::new("reading.id", "not a valid id"));
        }
        if !is_valid_id(&self.kpi_id) {
            return Err(Invalid::new("reading.kpi_id", "not a valid id"));
        }
        if !is_decimal(&self.value) {
            return Err(Invalid::new(
                "reading.value",
                "must be a decimal number such as 260 or -3.5",
            ));
        }
        check_date("reading.as_of", &self.as_of)?;
        if let Some(note) = &self.note {
            check_text("reading.note", note, MAX_READING_NOTE_CHARS, Lines::One)?;
        }
        Ok(())
    }
}

/// Everything recorded about one measure or action in one fiscal year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressRecord {
    pub key: RecordKey,
    /// Only fields that were ever set; see [`ProgressRecord::value`] for the others.
    pub fields: BTreeMap<Field, Versioned<FieldValue>>,
    /// By note id.
    pub notes: BTreeMap<String, Versioned<FieldNote>>,
    /// By reading id.
    pub kpi_readings: BTreeMap<String, Versioned<KpiReading>>,
    /// The reporting rounds the record is part of, by round id. Not part of what was recorded:
    /// [`ProgressRecord::is_empty`] ignores them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rounds: BTreeMap<String, Versioned<RoundRecord>>,
}

impl ProgressRecord {
    pub fn new(key: RecordKey) -> ProgressRecord {
        ProgressRecord {
            key,
            fields: BTreeMap::new(),
            notes: BTreeMap::new(),
            kpi_readings: BTreeMap::new(),
            rounds: BTreeMap::new(),
        }
    }

    /// The field's current value, or its empty value if it was never set.
    pub fn value(&self, field: Field) -> FieldValue {
        self.fields
            .get(&field)
            .map_or_else(|| field.empty_value(), |v| v.value.clone())
    }

    /// The stage reached, if recorded.
    pub fn stage(&self) -> Option<Stage> {
        match self.value(Field::Stage) {
            FieldValue::Stage(stage) => stage,
            _ => None,
        }
    }

    /// The status, if recorded.
    pub fn status(&self) -> Option<Status> {
        match self.value(Field::Status) {
            FieldValue::Status(status) => status,
            _ => None,
        }
    }

    /// The percent done, if recorded.
    pub fn percent(&self) -> Option<u8> {
        match self.value(Field::Percent) {
            FieldValue::Percent(percent) => percent,
            _ => None,
        }
    }

    /// The department's own evaluation (自己評価), if recorded.
    pub fn grade(&self) -> Option<Grade> {
        match self.value(Field::Grade) {
            FieldValue::Grade(grade) => grade,
            _ => None,
        }
    }

    /// A narrative field's text; empty if never set.
    pub fn text(&self, field: Field) -> String {
        self.value(field).as_text().unwrap_or_default().to_owned()
    }

    /// The version of the field's current value; 0 if it was never set.
    pub fn version(&self, field: Field) -> u64 {
        self.fields.get(&field).map_or(0, |v| v.version)
    }

    /// Notes not retracted, oldest observation first (ties in recording order).
    pub fn visible_notes(&self) -> Vec<&FieldNote> {
        let mut notes: Vec<&Versioned<FieldNote>> =
            self.notes.values().filter(|n| !n.value.retracted).collect();
        notes.sort_by(|a, b| {
            (&a.value.date, unconfirmed_last(a.version), &a.value.id).cmp(&(
                &b.value.date,
                unconfirmed_last(b.version),
                &b.value.id,
            ))
        });
        notes.into_iter().map(|n| &n.value).collect()
    }

    /// The latest reading of each KPI: newest `as_of`, and among readings of the same day the
    /// one recorded last.
    pub fn latest_readings(&self) -> BTreeMap<&str, &KpiReading> {
        let mut latest: BTreeMap<&str, &Versioned<KpiReading>> = BTreeMap::new();
        for reading in self.kpi_readings.values() {
            let newer = |old: &Versioned<KpiReading>| {
                (&reading.value.as_of, unconfirmed_last(reading.version))
                    > (&old.value.as_of, unconfirmed_last(old.version))
            };
            match latest.get(reading.value.kpi_id.as_str()) {
                Some(old) if !newer(old) => {}
                _ => {
                    latest.insert(&reading.value.kpi_id, reading);
                }
            }
        }
        latest.into_iter().map(|(k, v)| (k, &v.value)).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.notes.is_empty() && self.kpi_readings.is_empty()
    }
}

/// Serializes a map of records by key as a plain list (each record carries its key), since
/// JSON object keys must be strings.
pub(crate) mod records_by_key {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serializer};

    use super::{ProgressRecord, RecordKey};

    pub fn serialize<S: Serializer>(
        records: &BTreeMap<RecordKey, ProgressRecord>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(records.values())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<RecordKey, ProgressRecord>, D::Error> {
        let records = Vec::<ProgressRecord>::deserialize(deserializer)?;
        Ok(records.into_iter().map(|r| (r.key.clone(), r)).collect())
    }
}

/// Orders by version with unconfirmed (version 0) entries last, as they were recorded most
/// recently.
fn unconfirmed_last(version: u64) -> u64 {
    if version == 0 {
        u64::MAX
    } else {
        version
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lines {
    One,
    Many,
}

pub(crate) fn check_text(
    field: &str,
    text: &str,
    max_chars: usize,
    lines: Lines,
) -> Result<(), Invalid> {
    if text.chars().count() > max_chars {
        return Err(Invalid::new(
            field,
            format!("longer than {max_chars} characters"),
        ));
    }
    let allowed = |c: char| lines == Lines::Many && (c == '\n' || c == '\t');
    if text.chars().any(|c| c.is_control() && !allowed(c)) {
        let reason = match lines {
            Lines::Many => "contains a control character (only line feeds and tabs are allowed)",
            Lines::One => "contains a control character or line break",
        };
        return Err(Invalid::new(field, reason));
    }
    Ok(())
}

fn check_date(field: &str, text: &str) -> Result<(), Invalid> {
    if is_valid_date(text) {
        Ok(())
    } else {
        Err(Invalid::new(
            field,
            format!("{text:?} is not a real date of the form YYYY-MM-DD between 1900 and 2199"),
        ))
    }
}

pub use keikaku_domain::date::is_valid_date;

/// The id a KPI reading names a measure's KPI by: `kpi-1`, `kpi-2`, … in the order the plan
/// lists the measure's KPIs (`index` counts from 0).
pub fn kpi_id(index: usize) -> String {
    format!("kpi-{}", index + 1)
}

/// An optional minus sign, digits, and optionally a point and more digits: `260`, `-3.5`.
pub fn is_decimal(text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let well_formed = match unsigned.split_once('.') {
        Some((whole, fraction)) => digits(whole) && digits(fraction),
        None => digits(unsigned),
    };
    well_formed && text.len() <= MAX_DECIMAL_CHARS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(date: &str, text: &str) -> FieldNote {
        FieldNote {
            id: "c1-1".into(),
            date: date.into(),
            text: text.into(),
            author: "企画振興課 佐藤".into(),
            retracted: false,
        }
    }

    fn reading(value: &str, as_of: &str) -> KpiReading {
        KpiReading {
            id: "c1-2".into(),
            kpi_id: "births".into(),
            value: value.into(),
            as_of: as_of.into(),
            note: None,
        }
    }

    #[test]
    fn record_keys_round_trip_through_their_string_form() {
        let keys = [
            RecordKey::measure("komagane-dx", "birth-rate", 2024),
            RecordKey::action("komagane-dx", "birth-rate-1", 2019),
            RecordKey::measure("a", "0", 2100),
        ];
        for key in keys {
            let text = key.to_string();
            assert_eq!(text.parse::<RecordKey>(), Ok(key.clone()), "{text}");
        }
        assert_eq!(
            RecordKey::measure("komagane-dx", "birth-rate", 2024).to_string(),
            "komagane-dx/measure:birth-rate/2024"
        );
    }

    #[test]
    fn malformed_key_strings_are_refused() {
        for text in [
            "",
            "plan/measure:m/2024/extra",
            "plan/measure:m",
            "plan/kpi:m/2024",
            "plan/measure-m/2024",
            "plan/measure:m/令和6",
            "Plan/measure:m/2024",
            "plan/measure:/2024",
            "plan/measure:m/1900",
            "plan/measure:a:b/2024",
        ] {
            assert!(text.parse::<RecordKey>().is_err(), "{text:?} parsed");
        }
    }

    #[test]
    fn targets_serialize_tagged() {
        let key = RecordKey::action("p", "a-1", 2024);
        let json = serde_json::to_value(&key).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"plan_id": "p", "target": {"kind": "action", "id": "a-1"}, "fiscal_year": 2024})
        );
        let unknown =
            r#"{"plan_id":"p","target":{"kind":"action","id":"a"},"fiscal_year":2024,"x":1}"#;
        assert!(serde_json::from_str::<RecordKey>(unknown).is_err());
    }

    #[test]
    fn field_values_name_their_type_in_json() {
        let cases = [
            (FieldValue::Percent(Some(40)), r#"{"percent":40}"#),
            (FieldValue::Stage(None), r#"{"stage":null}"#),
            (
                FieldValue::Stage(Some(Stage::Trial)),
                r#"{"stage":"trial"}"#,
            ),
            (
                FieldValue::Status(Some(Status::OnTrack)),
                r#"{"status":"on_track"}"#,
            ),
            (FieldValue::Grade(Some(Grade::B)), r#"{"grade":"B"}"#),
            (FieldValue::Text("実績".into()), r#"{"text":"実績"}"#),
        ];
        for (value, json) in cases {
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
            assert_eq!(serde_json::from_str::<FieldValue>(json).unwrap(), value);
        }
        assert!(serde_json::from_str::<FieldValue>(r#"{"percent":300}"#).is_err());
        assert!(serde_json::from_str::<FieldValue>(r#"{"percent":4.5}"#).is_err());
    }

    #[test]
    fn statuses_and_fields_are_named_in_english_too() {
        use keikaku_domain::lang::Lang;
        let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.label_in(Lang::En)).collect();
        assert_eq!(
            statuses,
            [
                "Not started",
                "On track",
                "Delayed",
                "Completed",
                "Cancelled"
            ]
        );
        let fields: Vec<&str> = Field::ALL.iter().map(|f| f.label_in(Lang::En)).collect();
        assert_eq!(
            fields,
            [
                "Stage reached",
                "Status",
                "Progress (%)",
                "Results",
                "Evaluation",
                "Evaluation comment",
                "Next actions"
            ]
        );
        for field in Field::ALL {
            assert_eq!(field.label_in(Lang::Ja), field.label());
        }
        assert_eq!(Status::Delayed.label_in(Lang::Ja), "遅れ");
    }

    #[test]
    fn statuses_have_japanese_labels() {
        let labels: Vec<&str> = Status::ALL.iter().map(|s| s.label()).collect();
        assert_eq!(labels, ["未着手", "順調", "遅れ", "完了", "中止"]);
        assert_eq!(
            serde_json::to_string(&Status::NotStarted).unwrap(),
            r#""not_started""#
        );
    }

    #[test]
    fn every_field_accepts_its_empty_value_and_only_its_own_type() {
        let samples = [
            FieldValue::Stage(Some(Stage::Rollout)),
            FieldValue::Status(Some(Status::Delayed)),
            FieldValue::Percent(Some(100)),
            FieldValue::Grade(Some(Grade::D)),
            FieldValue::Text("順調に進んでいる。".into()),
        ];
        for field in Field::ALL {
            assert_eq!(validate(field, &field.empty_value()), Ok(()), "{field}");
            let fitting = samples
                .iter()
                .filter(|v| validate(field, v).is_ok())
                .count();
            assert_eq!(fitting, 1, "{field} accepts exactly one sample type");
        }
        let wrong = validate(Field::Percent, &FieldValue::Text("50".into())).unwrap_err();
        assert_eq!(wrong.field, "percent");
    }

    #[test]
    fn percent_is_at_most_100() {
        assert!(validate(Field::Percent, &FieldValue::Percent(Some(0))).is_ok());
        assert!(validate(Field::Percent, &FieldValue::Percent(Some(100))).is_ok());
        let error = validate(Field::Percent, &FieldValue::Percent(Some(101))).unwrap_err();
        assert_eq!(error.reason, "percent must be between 0 and 100");
    }

    #[test]
    fn narrative_text_is_bounded_and_free_of_control_characters() {
        let ok = "一行目\n\t二行目".to_owned();
        assert!(validate(Field::Results, &FieldValue::Text(ok)).is_ok());
        let longest = "あ".repeat(MAX_TEXT_CHARS);
        assert!(validate(Field::Results, &FieldValue::Text(longest)).is_ok());
        let too_long = "あ".repeat(MAX_TEXT_CHARS + 1);
        assert!(validate(Field::NextActions, &FieldValue::Text(too_long)).is_err());
        for bad in ["a\rb", "a\u{0}b", "bell\u{7}", "\u{1b}[31m"] {
            let error = validate(Field::GradeComment, &FieldValue::Text(bad.into())).unwrap_err();
            assert_eq!(error.field, "grade_comment", "{bad:?}");
        }
    }

    #[test]
    fn narrative_fields_are_the_text_fields() {
        for field in Field::ALL {
            assert_eq!(
                field.is_narrative(),
                field.empty_value().as_text().is_some(),
                "{field}"
            );
        }
    }

    #[test]
    fn dates_must_exist() {
        for date in [
            "2024-02-29",
            "2000-02-29",
            "2023-12-31",
            "1900-01-01",
            "2199-12-31",
        ] {
            assert!(is_valid_date(date), "{date}");
        }
        for date in [
            "2023-02-29",
            "1900-02-29",
            "2024-04-31",
            "2024-13-01",
            "2024-00-10",
            "2024-01-00",
            "2024-1-01",
            "2024/01/01",
            "２０２４-01-01",
            "1899-12-31",
            "2024-01-01T00",
            "",
        ] {
            assert!(!is_valid_date(date), "{date}");
        }
    }

    #[test]
    fn kpi_values_are_decimal_numbers() {
        for value in ["0", "260", "-3.5", "3.71", "0001"] {
            assert!(is_decimal(value), "{value}");
        }
        for value in [
            "",
            "-",
            "1.",
            ".5",
            "1,234",
            "1e3",
            "+1",
            "２６０",
            "NaN",
            "1.2.3",
        ] {
            assert!(!is_decimal(value), "{value}");
        }
        assert!(!is_decimal(&"9".repeat(MAX_DECIMAL_CHARS + 1)));
    }

    #[test]
    fn notes_are_validated() {
        assert_eq!(note("2024-06-01", "説明会に30名参加").validate(), Ok(()));
        assert_eq!(
            note("2024-06-31", "x").validate().unwrap_err().field,
            "note.date"
        );
        assert_eq!(
            note("2024-06-01", " \n ").validate().unwrap_err().field,
            "note.text"
        );
        let long = "あ".repeat(MAX_NOTE_CHARS + 1);
        assert_eq!(
            note("2024-06-01", &long).validate().unwrap_err().field,
            "note.text"
        );
        let mut bad_author = note("2024-06-01", "x");
        bad_author.author = "a\nb".into();
        assert_eq!(bad_author.validate().unwrap_err().field, "note.author");
        let mut bad_id = note("2024-06-01", "x");
        bad_id.id = "C1/1".into();
        assert_eq!(bad_id.validate().unwrap_err().field, "note.id");
        let mut retracted = note("2024-06-01", "x");
        retracted.retracted = true;
        assert_eq!(retracted.validate().unwrap_err().field, "note.retracted");
    }

    #[test]
    fn readings_are_validated() {
        assert_eq!(reading("260", "2025-03-31").validate(), Ok(()));
        assert_eq!(
            reading("二百", "2025-03-31").validate().unwrap_err().field,
            "reading.value"
        );
        assert_eq!(
            reading("1", "2025-02-30").validate().unwrap_err().field,
            "reading.as_of"
        );
        let mut noted = reading("1", "2025-03-31");
        noted.note = Some("速報値".into());
        assert_eq!(noted.validate(), Ok(()));
        noted.note = Some("a\nb".into());
        assert_eq!(noted.validate().unwrap_err().field, "reading.note");
    }

    #[test]
    fn unset_fields_read_as_empty_at_version_zero() {
        let mut record = ProgressRecord::new(RecordKey::measure("p", "m", 2024));
        assert_eq!(record.value(Field::Percent), FieldValue::Percent(None));
        assert_eq!(record.version(Field::Percent), 0);
        record.fields.insert(
            Field::Percent,
            Versioned::new(FieldValue::Percent(Some(30)), 7),
        );
        assert_eq!(record.value(Field::Percent), FieldValue::Percent(Some(30)));
        assert_eq!(record.version(Field::Percent), 7);
        assert!(!record.is_empty());
    }

    #[test]
    fn visible_notes_skip_retracted_ones_and_sort_by_date() {
        let mut record = ProgressRecord::new(RecordKey::measure("p", "m", 2024));
        let mut add = |id: &str, date: &str, version: u64, retracted: bool| {
            let mut n = note(date, id);
            n.id = id.into();
            n.retracted = retracted;
            record.notes.insert(id.into(), Versioned::new(n, version));
        };
        add("n1", "2024-07-01", 3, false);
        add("n2", "2024-05-01", 9, false);
        add("n3", "2024-05-01", 0, false);
        add("n4", "2024-04-01", 4, true);
        let ids: Vec<&str> = record
            .visible_notes()
            .iter()
            .map(|n| n.id.as_str())
            .collect();
        assert_eq!(ids, ["n2", "n3", "n1"]);
    }

    #[test]
    fn latest_reading_per_kpi_prefers_later_dates_then_later_records() {
        let mut record = ProgressRecord::new(RecordKey::measure("p", "m", 2024));
        let mut add = |id: &str, kpi: &str, value: &str, as_of: &str, version: u64| {
            let mut r = reading(value, as_of);
            r.id = id.into();
            r.kpi_id = kpi.into();
            record
                .kpi_readings
                .insert(id.into(), Versioned::new(r, version));
        };
        add("r1", "births", "250", "2025-03-31", 5);
        add("r2", "births", "240", "2024-09-30", 8);
        add("r3", "births", "252", "2025-03-31", 6);
        add("r4", "visits", "10", "2024-09-30", 0);
        add("r5", "visits", "12", "2024-09-30", 12);
        let latest: Vec<(&str, &str)> = record
            .latest_readings()
            .into_iter()
            .map(|(kpi, r)| (kpi, r.value.as_str()))
            .collect();
        assert_eq!(latest, [("births", "252"), ("visits", "10")]);
    }
}
