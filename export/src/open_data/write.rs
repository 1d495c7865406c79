//! A dataset as files: CSV for Excel (UTF-8 with a byte-order mark and CRLF) or for machines
//! (plain UTF-8, LF), and JSON with the licence, the date of the data and the columns. All
//! three carry the same rows; numbers are numbers in JSON and empty cells are null.

use serde_json::{json, Map, Value};

use super::{Cell, Dataset, Kind, Source};
use crate::csv::BOM;
use crate::ExportError;

/// Which CSV: for Excel or for machines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvFlavour {
    /// UTF-8 with a byte-order mark and CRLF, so Excel on a town-hall PC reads Japanese.
    Excel,
    /// Plain UTF-8 with LF.
    Plain,
}

pub fn dataset_csv(
    source: &Source,
    dataset: Dataset,
    flavour: CsvFlavour,
) -> Result<Vec<u8>, ExportError> {
    let (start, terminator) = match flavour {
        CsvFlavour::Excel => (BOM.to_vec(), ::csv::Terminator::CRLF),
        CsvFlavour::Plain => (Vec::new(), ::csv::Terminator::Any(b'\n')),
    };
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(terminator)
        .from_writer(start);
    writer.write_record(dataset.columns().iter().map(|c| c.heading))?;
    for row in source.rows(dataset) {
        writer.write_record(row.iter().map(|cell| cell.as_deref().unwrap_or("")))?;
    }
    writer
        .into_inner()
        .map_err(|e| ExportError::Csv(e.into_error().into()))
}

/// A cell as JSON: a number for numeric columns, text otherwise, null when empty.
fn value(kind: Kind, cell: &Cell) -> Value {
    match (kind, cell) {
        (_, None) => Value::Null,
        (Kind::Integer | Kind::Decimal, Some(text)) => text
            .parse::<serde_json::Number>()
            .map(Value::Number)
            .unwrap_or_else(|_| Value::String(text.clone())),
        (_, Some(text)) => Value::String(text.clone()),
    }
}

/// The dataset as JSON; `data_date` is the date of the data (`YYYY-MM-DD`).
pub fn dataset_json(source: &Source, dataset: Dataset, data_date: &str) -> Value {
    let columns = dataset.columns();
    let licence = source.organization.licence();
    let rows: Vec<Value> = source
        .rows(dataset)
        .iter()
        .map(|row| {
            let object: Map<String, Value> = columns
                .iter()
                .zip(row)
                .map(|(column, cell)| (column.key.to_owned(), value(column.kind, cell)))
                .collect();
            Value::Object(object)
        })
        .collect();
    json!({
        "dataset": dataset.name(),
        "title": dataset.title(),
        "plan_id": source.plan.id,
        "plan_title": source.plan.title,
        "local_government_code": source.organization.code,
        "local_government_name": source.organization.name,
        "licence": { "name": licence.name, "url": licence.url },
        "data_date": data_date,
        "columns": columns.iter().map(|c| json!({
            "key": c.key, "heading": c.heading, "kind": format!("{:?}", c.kind).to_lowercase(),
            "description": c.description,
        })).collect::<Vec<_>>(),
        "rows": rows,
    })
}
