//! Why a request was refused, in both of the interface's languages.
//!
//! The store and the server decide a refusal before they know who reads it, so a reason is
//! written once in each language where it is decided, and the answer picks the reader's
//! language at the edge (the server's error response). Reasons that come from the pure crates'
//! `_in(lang)` functions are built with [`Reason::of`], so their wording stays in one place.

use std::borrow::Cow;
use std::fmt;

use crate::lang::Lang;

/// A reason users read, in Japanese and in English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    ja: Cow<'static, str>,
    en: Cow<'static, str>,
}

impl Reason {
    pub fn new(ja: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Reason {
        Reason {
            ja: ja.into(),
            en: en.into(),
        }
    }

    /// A reason fixed at compile time, for a `const`.
    pub const fn fixed(ja: &'static str, en: &'static str) -> Reason {
        Reason {
            ja: Cow::Borrowed(ja),
            en: Cow::Borrowed(en),
        }
    }

    /// The reason `say` gives in each language: for refusals whose words a pure crate
    /// already writes per language (`TextProblem::reason_in`, `Refusal::reason_in`).
    pub fn of(say: impl Fn(Lang) -> String) -> Reason {
        Reason::new(say(Lang::Ja), say(Lang::En))
    }

    /// A protocol error a conforming client never causes (a malformed sync push, an unknown
    /// query parameter): it is for the developer of a client, in English in both languages.
    pub fn technical(text: impl Into<Cow<'static, str>>) -> Reason {
        let text = text.into();
        Reason::new(text.clone(), text)
    }

    pub fn in_lang(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.ja,
            Lang::En => &self.en,
        }
    }
}

/// Logs and other machine readers see the Japanese, the plan's own language.
impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.ja)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::TextProblem;

    #[test]
    fn a_reason_reads_in_the_language_asked_for() {
        let reason = Reason::new("入力してください。", "Please enter a value.");
        assert_eq!(reason.in_lang(Lang::Ja), "入力してください。");
        assert_eq!(reason.in_lang(Lang::En), "Please enter a value.");
        assert_eq!(reason.to_string(), "入力してください。");
    }

    #[test]
    fn a_reason_of_a_pure_crate_keeps_its_wording_in_each_language() {
        let reason = Reason::of(|lang| TextProblem::Empty.reason_in(lang));
        assert_eq!(reason.in_lang(Lang::Ja), TextProblem::Empty.reason());
        assert_eq!(
            reason.in_lang(Lang::En),
            TextProblem::Empty.reason_in(Lang::En)
        );
        assert_ne!(reason.in_lang(Lang::Ja), reason.in_lang(Lang::En));
    }

    #[test]
    fn a_technical_reason_is_the_same_in_both_languages() {
        let reason = Reason::technical("unknown query parameter");
        assert_eq!(reason.in_lang(Lang::Ja), reason.in_lang(Lang::En));
    }
}
