//! The sheet as CSV: UTF-8 with a byte-order mark, so Excel on a town-hall PC opens it as
//! Japanese text instead of guessing Shift_JIS; CRLF line ends, every field quoted when needed.

use keikaku_sync::round_sheet::Sheet;

use crate::columns::COLUMNS;
use crate::ExportError;

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

pub fn sheet_csv(sheet: &Sheet) -> Result<Vec<u8>, ExportError> {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    writer.write_record(COLUMNS.iter().map(|c| c.heading))?;
    for row in &sheet.rows {
        writer.write_record(COLUMNS.iter().map(|c| (c.cell)(sheet, row)))?;
    }
    writer
        .into_inner()
        .map_err(|e| ExportError::Csv(e.into_error().into()))
}
