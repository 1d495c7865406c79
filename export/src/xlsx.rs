//! The sheet as an Excel workbook: one worksheet named after the round, a bold frozen header
//! row with a filter, wrapped text in the paragraph columns, and set up to print on A4
//! landscape with the header row repeated.

use keikaku_sync::round_sheet::Sheet;
use rust_xlsxwriter::{Format, FormatAlign, Workbook};

use crate::columns::COLUMNS;
use crate::ExportError;

/// Worksheet names are at most 31 characters and may not hold `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    let clean: String = title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if clean.is_empty() {
        "評価".to_owned()
    } else {
        clean
    }
}

pub fn sheet_xlsx(sheet: &Sheet) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    let worksheet = workbook.add_worksheet();
    worksheet.set_name(sheet_name(&sheet.head.title))?;
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color("#E8F0FB");
    let wrapped = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let plain = Format::new().set_align(FormatAlign::Top);
    for (col, column) in COLUMNS.iter().enumerate() {
        let col = col as u16;
        worksheet.write_string_with_format(0, col, column.heading, &header)?;
        worksheet.set_column_width(col, if column.wide { 40 } else { 12 })?;
    }
    for (i, row) in sheet.rows.iter().enumerate() {
        let line = i as u32 + 1;
        for (col, column) in COLUMNS.iter().enumerate() {
            let text = (column.cell)(sheet, row);
            let format = if column.wide { &wrapped } else { &plain };
            worksheet.write_string_with_format(line, col as u16, &text, format)?;
        }
    }
    worksheet.set_freeze_panes(1, 3)?;
    worksheet.autofilter(0, 0, sheet.rows.len() as u32, COLUMNS.len() as u16 - 1)?;
    worksheet.set_landscape();
    worksheet.set_paper_size(9);
    worksheet.set_repeat_rows(0, 0)?;
    let running_head = format!("&L{}　{}&R&P / &N", sheet.head.plan_title, sheet.head.title);
    worksheet.set_header(running_head);
    Ok(workbook.save_to_buffer()?)
}
