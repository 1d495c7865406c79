//! The interface's languages. Plan content is Japanese (the plan file may add English per
//! field); the interface's own texts live in the app's locale files, and the few labels the
//! pure crates write (fiscal years, periods) take a [`Lang`].

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ja, Lang::En];

    /// The BCP 47 code, as in `<html lang>` and the language cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|lang| lang.code() == code)
    }

    /// The language's name in itself, as the switch offers it.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::Ja => "日本語",
            Lang::En => "English",
        }
    }

    /// `ja_JP` / `en_US`, for Open Graph's `og:locale`.
    pub fn open_graph_locale(self) -> &'static str {
        match self {
            Lang::Ja => "ja_JP",
            Lang::En => "en_US",
        }
    }
}

/// Whether `text` holds Japanese (kana, kanji or full-width forms): where a label may be the
/// plan's words or the interface's, it is marked `lang="ja"` when it is, so screen readers
/// read it in a Japanese voice on an English page.
pub fn is_japanese(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c,
            '\u{3040}'..='\u{30ff}' // hiragana, katakana
            | '\u{3400}'..='\u{9fff}' // kanji
            | '\u{f900}'..='\u{faff}'
            | '\u{ff01}'..='\u{ff60}' // full-width forms
            | '\u{3000}'..='\u{303f}') // Japanese punctuation
    })
}

/// The language of a text of the plan's own (a title, a field): Japanese, or the English the
/// plan file gave for it. Set on the element holding it, so screen readers read each in its
/// own voice whatever the page's language.
pub fn text_lang(text: &str) -> &'static str {
    if is_japanese(text) {
        Lang::Ja.code()
    } else {
        Lang::En.code()
    }
}

/// `lang="ja"` for a text that holds Japanese, nothing otherwise (it is in the page's language):
/// for figures, notes and names that may or may not be Japanese.
pub fn mark_japanese(text: &str) -> Option<&'static str> {
    is_japanese(text).then_some(Lang::Ja.code())
}

#[cfg(test)]
mod tests {
    use super::{is_japanese, mark_japanese, text_lang, Lang};

    #[test]
    fn texts_say_their_language() {
        assert_eq!(text_lang("健康管理"), "ja");
        assert_eq!(text_lang("Health management"), "en");
        assert_eq!(mark_japanese("52.5%（平成28年度）"), Some("ja"));
        assert_eq!(mark_japanese("52.5% (FY2016)"), None);
    }

    #[test]
    fn japanese_is_told_from_latin_text() {
        assert!(is_japanese("こまがねDX戦略"));
        assert!(is_japanese("カテゴリ"));
        assert!(is_japanese("（"));
        assert!(!is_japanese("Glossary"));
        assert!(!is_japanese("FY2024 (Reiwa 6) – KPI 100%"));
    }

    #[test]
    fn codes_round_trip_and_unknown_ones_are_refused() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::from_code("EN"), None);
    }
}
