//! A reporting round's sheet (`keikaku_sync::round_sheet::Sheet`) as the files a town hall
//! passes around: CSV and XLSX with the columns of a department's 進捗管理シート, one row per
//! measure or action, and the evaluation report as PDF; and a published plan as open data
//! (CSV and JSON, [`open_data`]). Pure: bytes in, bytes out.

pub mod columns;
pub mod csv;
pub mod open_data;
pub mod pdf;
pub mod xlsx;

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("CSV: {0}")]
    Csv(#[from] ::csv::Error),
    #[error("XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("PDF: {0}")]
    Pdf(String),
}
