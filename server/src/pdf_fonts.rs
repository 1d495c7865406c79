//! The fonts the PDF report is set in, read once from disk: Noto Sans CJK JP (regular and
//! bold), which scripts/lib.sh installs; `KEIKAKU_PDF_FONT` and `KEIKAKU_PDF_BOLD_FONT` name
//! other files (a TrueType or OpenType font, or a collection whose first face is used).

use std::sync::Arc;

use keikaku_export::pdf::PdfFonts;
use tokio::sync::OnceCell;

const REGULAR: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
const BOLD: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc";

static FONTS: OnceCell<Arc<PdfFonts>> = OnceCell::const_new();

fn path(variable: &str, default: &str) -> String {
    std::env::var(variable)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_owned())
}

/// The report's fonts, read on first use.
pub async fn fonts() -> Result<Arc<PdfFonts>, String> {
    FONTS
        .get_or_try_init(|| async {
            let regular = path("KEIKAKU_PDF_FONT", REGULAR);
            let bold = path("KEIKAKU_PDF_BOLD_FONT", BOLD);
            let read = |file: String| async move {
                tokio::fs::read(&file)
                    .await
                    .map(Arc::new)
                    .map_err(|e| format!("{file}: {e}"))
            };
            Ok(Arc::new(PdfFonts {
                regular: read(regular).await?,
                regular_index: 0,
                bold: read(bold).await?,
                bold_index: 0,
            }))
        })
        .await
        .cloned()
}
