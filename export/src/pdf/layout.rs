//! Laying text out on A4 pages: measuring it with the font's own advances, breaking Japanese
//! lines between any two characters but never before closing punctuation or after an opening
//! bracket (禁則) and never inside a Latin word or number, and filling pages top to bottom. The
//! result is a list of pages of positioned items that `render` turns into PDF.

use std::collections::HashMap;

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
pub const MARGIN_X: f32 = 50.0;
pub const TOP: f32 = 64.0;
pub const BOTTOM: f32 = 790.0;
pub const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN_X;

/// One thing on a page. `y` is the baseline for text, the top edge for boxes (from the top).
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        gray: u8,
        text: String,
    },
    Box {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        rgb: (u8, u8, u8),
    },
}

/// The advances of one face, per character at 1 pt, measured once each.
pub struct Metrics<'a> {
    font: FontRef<'a>,
    cache: HashMap<char, f32>,
}

impl<'a> Metrics<'a> {
    pub fn new(data: &'a [u8], index: u32) -> Option<Metrics<'a>> {
        Some(Metrics {
            font: FontRef::from_index(data, index).ok()?,
            cache: HashMap::new(),
        })
    }

    /// The width of `c` at 1 pt; characters the font lacks count as one em.
    fn advance(&mut self, c: char) -> f32 {
        if let Some(width) = self.cache.get(&c) {
            return *width;
        }
        let glyph = self.font.charmap().map(c);
        let metrics = self
            .font
            .glyph_metrics(Size::new(1.0), LocationRef::default());
        let width = glyph.and_then(|g| metrics.advance_width(g)).unwrap_or(1.0);
        self.cache.insert(c, width);
        width
    }

    pub fn width(&mut self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c)).sum::<f32>() * size
    }
}

/// Characters a line may not start with (閉じ括弧, 句読点, 小書き仮名, 長音).
fn no_line_start(c: char) -> bool {
    "、。，．,.）」』】〕〉》］｝)]}！？!?・：；:;ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〜％%"
        .contains(c)
}

/// Characters a line may not end with (開き括弧).
fn no_line_end(c: char) -> bool {
    "（「『【〔〈《［｛([{".contains(c)
}

fn in_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._-/@:%".contains(c)
}

/// Breaks `text` into lines at most `width` wide at `size`; line feeds start new lines.
pub fn wrap(metrics: &mut Metrics, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let chars: Vec<char> = paragraph.chars().collect();
        if chars.is_empty() {
            lines.push(String::new());
            continue;
        }
        let mut start = 0;
        while start < chars.len() {
            let mut used = 0.0;
            let mut end = start;
            while end < chars.len() {
                let advance = metrics.advance(chars[end]) * size;
                if used + advance > width && end > start {
                    break;
                }
                used += advance;
                end += 1;
            }
            if end < chars.len() {
                let mut cut = end;
                // Keep a Latin word or number whole when it fits on a line of its own.
                if in_word(chars[cut]) && in_word(chars[cut - 1]) {
                    let word_start = (start..cut)
                        .rev()
                        .find(|&i| !in_word(chars[i]))
                        .map_or(start, |i| i + 1);
                    if word_start > start {
                        cut = word_start;
                    }
                }
                // 禁則: pull the character before a closing mark down with it, and keep an
                // opening bracket with what follows.
                while cut > start + 1 && (no_line_start(chars[cut]) || no_line_end(chars[cut - 1]))
                {
                    cut -= 1;
                }
                end = cut;
            }
            lines.push(chars[start..end].iter().collect());
            start = end;
        }
    }
    lines
}

/// Where a bookmark points: its title, level (0 top), page index and height on the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    pub title: String,
    pub level: usize,
    pub page: usize,
    pub y: f32,
}

/// Pages being filled, with the fonts' metrics.
pub struct Pages<'a> {
    pub regular: Metrics<'a>,
    pub bold: Metrics<'a>,
    pub pages: Vec<Vec<Item>>,
    pub y: f32,
    pub anchors: Vec<Anchor>,
}

impl<'a> Pages<'a> {
    pub fn new(regular: Metrics<'a>, bold: Metrics<'a>) -> Pages<'a> {
        Pages {
            regular,
            bold,
            pages: vec![Vec::new()],
            y: TOP,
            anchors: Vec::new(),
        }
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `height` more fits on this one.
    pub fn ensure(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    pub fn page_index(&self) -> usize {
        self.pages.len() - 1
    }

    pub fn push(&mut self, item: Item) {
        self.pages.last_mut().expect("a page").push(item);
    }

    pub fn anchor(&mut self, title: &str, level: usize) {
        self.anchors.push(Anchor {
            title: title.to_owned(),
            level,
            page: self.page_index(),
            y: self.y,
        });
    }

    /// Wrapped text at `x`, `width` wide; a line that does not fit goes to the next page.
    pub fn text(&mut self, text: &str, size: f32, bold: bool, x: f32, width: f32, gray: u8) {
        let metrics = if bold {
            &mut self.bold
        } else {
            &mut self.regular
        };
        let lines = wrap(metrics, text, size, width);
        let leading = size * 1.6;
        for line in lines {
            self.ensure(leading);
            self.y += leading;
            if !line.is_empty() {
                self.push(Item::Text {
                    x,
                    y: self.y - size * 0.45,
                    size,
                    bold,
                    gray,
                    text: line,
                });
            }
        }
    }

    pub fn paragraph(&mut self, text: &str, size: f32) {
        self.text(text, size, false, MARGIN_X, TEXT_WIDTH, 0);
    }

    /// A label and its (wrapped) value beside it.
    pub fn labelled(&mut self, label: &str, value: &str, size: f32) {
        const LABEL_WIDTH: f32 = 96.0;
        let leading = size * 1.6;
        self.ensure(leading);
        let top = self.y;
        if !label.is_empty() {
            self.push(Item::Text {
                x: MARGIN_X,
                y: top + leading - size * 0.45,
                size,
                bold: true,
                gray: 60,
                text: label.to_owned(),
            });
        }
        // `ensure` above made room for the first line: the value starts beside its label.
        self.text(
            value,
            size,
            false,
            MARGIN_X + LABEL_WIDTH,
            TEXT_WIDTH - LABEL_WIDTH,
            0,
        );
    }

    pub fn gap(&mut self, height: f32) {
        self.y += height;
    }

    /// A horizontal bar of `fraction` of `width`, with its label and figure.
    pub fn bar(&mut self, label: &str, figure: &str, fraction: f32, rgb: (u8, u8, u8)) {
        const LABEL_WIDTH: f32 = 110.0;
        const BAR_WIDTH: f32 = 260.0;
        let size = 9.5;
        self.ensure(18.0);
        let top = self.y + 3.0;
        self.push(Item::Text {
            x: MARGIN_X,
            y: top + 11.0,
            size,
            bold: false,
            gray: 0,
            text: label.to_owned(),
        });
        let width = (fraction.clamp(0.0, 1.0) * BAR_WIDTH).max(0.5);
        self.push(Item::Box {
            x: MARGIN_X + LABEL_WIDTH,
            y: top + 2.0,
            width,
            height: 11.0,
            rgb,
        });
        self.push(Item::Text {
            x: MARGIN_X + LABEL_WIDTH + width + 6.0,
            y: top + 11.0,
            size,
            bold: false,
            gray: 0,
            text: figure.to_owned(),
        });
        self.y += 18.0;
    }

    /// A thin rule across the text width.
    pub fn rule(&mut self) {
        self.ensure(8.0);
        self.push(Item::Box {
            x: MARGIN_X,
            y: self.y + 3.0,
            width: TEXT_WIDTH,
            height: 0.6,
            rgb: (170, 170, 170),
        });
        self.y += 8.0;
    }

    /// Cuts `text` to fit `width` at `size`, ending in "…" when cut.
    pub fn fit(&mut self, text: &str, size: f32, width: f32) -> String {
        if self.regular.width(text, size) <= width {
            return text.to_owned();
        }
        let ellipsis = self.regular.width("…", size);
        let mut out = String::new();
        let mut used = 0.0;
        for c in text.chars() {
            let advance = self.regular.advance(c) * size;
            if used + advance + ellipsis > width {
                break;
            }
            used += advance;
            out.push(c);
        }
        out.push('…');
        out
    }

    pub fn width(&mut self, text: &str, size: f32) -> f32 {
        self.regular.width(text, size)
    }
}
