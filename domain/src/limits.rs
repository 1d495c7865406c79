//! The limits on ids and text that every way into the data shares: the plan import, the API's
//! edits of measures and structure nodes, departments, and user accounts. A value one path
//! accepts is one every other path accepts too, so a stored plan always exports to a file the
//! import takes back. `docs/plan-format.md` documents them.

use std::fmt;

/// Longest id, in characters (ids are ASCII, so bytes too).
pub const MAX_ID_CHARS: usize = 64;
/// Longest one-line name: a department, an organization, a login, a display name.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest short text: titles, labels, numbers, terms, KPI texts, table cells, roadmap cells.
pub const MAX_SHORT_TEXT_CHARS: usize = 1_000;
/// Longest paragraph text: descriptions, chapter bodies, a measure's narrative fields.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// Whether `id` is a valid id: 1–64 characters of `a-z`, `0-9` and `-`, starting with a letter
/// or a digit.
pub fn is_valid_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_ID_CHARS
        && (bytes[0].is_ascii_lowercase() || bytes[0].is_ascii_digit())
        && bytes
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// What kind of text a field holds, which decides how long it may be and whether it may break
/// lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// One line of at most [`MAX_NAME_CHARS`].
    Name,
    /// At most [`MAX_SHORT_TEXT_CHARS`]; line breaks allowed (printed titles wrap).
    Short,
    /// At most [`MAX_TEXT_CHARS`]; paragraphs.
    Text,
}

impl TextKind {
    pub fn max_chars(self) -> usize {
        match self {
            TextKind::Name => MAX_NAME_CHARS,
            TextKind::Short => MAX_SHORT_TEXT_CHARS,
            TextKind::Text => MAX_TEXT_CHARS,
        }
    }

    fn multiline(self) -> bool {
        self != TextKind::Name
    }
}

/// Why a text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    /// Blank where a value is required.
    Empty,
    TooLong {
        max: usize,
    },
    /// A line break in a one-line name.
    LineBreak,
    /// A control character other than a line feed or a tab.
    ControlCharacter,
    /// A space in a login.
    Space,
    /// Not of the form name@example.jp.
    NotAnEmail,
}

impl TextProblem {
    /// The reason as users read it, in Japanese.
    pub fn reason(self) -> String {
        self.reason_in(crate::lang::Lang::Ja)
    }

    /// The reason as users read it, in `lang`: a sentence saying what to type instead.
    pub fn reason_in(self, lang: crate::lang::Lang) -> String {
        use crate::lang::Lang;
        match (lang, self) {
            (Lang::Ja, TextProblem::Empty) => "入力してください。".into(),
            (Lang::Ja, TextProblem::TooLong { max }) => {
                format!("{max}文字以内で入力してください。")
            }
            (Lang::Ja, TextProblem::LineBreak) => "改行は使えません。".into(),
            (Lang::Ja, TextProblem::ControlCharacter) => "制御文字は使えません。".into(),
            (Lang::Ja, TextProblem::Space) => "空白は使えません。".into(),
            (Lang::Ja, TextProblem::NotAnEmail) => {
                "メールアドレスの形（例：name@example.lg.jp）で入力してください。".into()
            }
            (Lang::En, TextProblem::Empty) => "Please enter a value.".into(),
            (Lang::En, TextProblem::TooLong { max }) => {
                format!("Please use at most {max} characters.")
            }
            (Lang::En, TextProblem::LineBreak) => "Line breaks cannot be used.".into(),
            (Lang::En, TextProblem::ControlCharacter) => {
                "Control characters cannot be used.".into()
            }
            (Lang::En, TextProblem::Space) => "Spaces cannot be used.".into(),
            (Lang::En, TextProblem::NotAnEmail) => {
                "Please enter an email address such as name@example.lg.jp.".into()
            }
        }
    }
}

/// In English, as the import's command line reports problems.
impl fmt::Display for TextProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextProblem::Empty => f.write_str("must not be empty"),
            TextProblem::TooLong { max } => write!(f, "must be at most {max} characters"),
            TextProblem::LineBreak => f.write_str("must be one line"),
            TextProblem::ControlCharacter => {
                f.write_str("must not contain control characters other than line feed and tab")
            }
            TextProblem::Space => f.write_str("must not contain spaces"),
            TextProblem::NotAnEmail => {
                f.write_str("must be an email address such as name@example.jp")
            }
        }
    }
}

/// Checks an optional text (blank is allowed): its length and its characters.
pub fn check_text(kind: TextKind, value: &str) -> Result<(), TextProblem> {
    if value.chars().count() > kind.max_chars() {
        return Err(TextProblem::TooLong {
            max: kind.max_chars(),
        });
    }
    for c in value.chars() {
        if c == '\n' && !kind.multiline() {
            return Err(TextProblem::LineBreak);
        }
        if c.is_control() && c != '\n' && c != '\t' {
            return Err(TextProblem::ControlCharacter);
        }
    }
    Ok(())
}

/// Checks a required text: not blank, and as [`check_text`].
pub fn check_required(kind: TextKind, value: &str) -> Result<(), TextProblem> {
    if value.trim().is_empty() {
        return Err(TextProblem::Empty);
    }
    check_text(kind, value)
}

/// Checks a login: a name without spaces.
pub fn check_login(login: &str) -> Result<(), TextProblem> {
    check_required(TextKind::Name, login)?;
    if login.chars().any(char::is_whitespace) {
        return Err(TextProblem::Space);
    }
    Ok(())
}

/// Checks an email address well enough to catch typing mistakes: one line, no spaces, a local
/// part and a domain with a dot, at most 254 characters. The mail server is the real judge.
pub fn check_email(email: &str) -> Result<(), TextProblem> {
    check_login(email)?;
    let valid = email.chars().count() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.contains('@')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if valid {
        Ok(())
    } else {
        Err(TextProblem::NotAnEmail)
    }
}

/// The kind of each measure text field an administrator edits (by its API name), the same the
/// import applies to it; `None` for any other name.
pub fn measure_field_kind(field: &str) -> Option<TextKind> {
    match field {
        "title" => Some(TextKind::Short),
        "summary" | "outcome" | "target_state" | "current_issues" | "direction" | "content" => {
            Some(TextKind::Text)
        }
        _ => None,
    }
}

/// The kind of each structure node text field an administrator edits, as the import applies it.
pub fn node_field_kind(field: &str) -> Option<TextKind> {
    match field {
        "title" | "label" | "number" => Some(TextKind::Short),
        "description" => Some(TextKind::Text),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_lowercase_slugs_of_at_most_64_characters() {
        for good in ["a", "0", "komagane-dx", "a-", &"a".repeat(64)] {
            assert!(is_valid_id(good), "{good}");
        }
        for bad in ["", "A", "A_b", "a_b", "-a", "a b", "あ", &"a".repeat(65)] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn texts_are_capped_by_kind_and_keep_only_line_feeds_and_tabs() {
        for kind in [TextKind::Name, TextKind::Short, TextKind::Text] {
            let max = kind.max_chars();
            assert_eq!(check_text(kind, &"字".repeat(max)), Ok(()));
            assert_eq!(
                check_text(kind, &"字".repeat(max + 1)),
                Err(TextProblem::TooLong { max })
            );
            assert_eq!(
                check_text(kind, "a\u{7}b"),
                Err(TextProblem::ControlCharacter)
            );
            assert!(check_text(kind, "a\r\nb").is_err());
            assert_eq!(check_text(kind, ""), Ok(()));
            assert_eq!(check_required(kind, " \t"), Err(TextProblem::Empty));
            assert_eq!(check_text(kind, "a\tb"), Ok(()));
        }
        assert_eq!(
            check_text(TextKind::Name, "a\nb"),
            Err(TextProblem::LineBreak)
        );
        assert_eq!(check_text(TextKind::Short, "a\nb"), Ok(()));
        assert_eq!(check_login("k-admin"), Ok(()));
        assert_eq!(check_login("k admin"), Err(TextProblem::Space));
        assert!(check_login(&"a".repeat(101)).is_err());
    }

    #[test]
    fn every_editable_field_has_the_kind_the_import_gives_it() {
        assert_eq!(measure_field_kind("title"), Some(TextKind::Short));
        assert_eq!(measure_field_kind("content"), Some(TextKind::Text));
        assert_eq!(measure_field_kind("id"), None);
        assert_eq!(node_field_kind("number"), Some(TextKind::Short));
        assert_eq!(node_field_kind("description"), Some(TextKind::Text));
        assert_eq!(node_field_kind("kind"), None);
    }

    #[test]
    fn reasons_read_in_the_pages_language_and_in_english_on_the_command_line() {
        let problem = TextProblem::TooLong { max: 100 };
        assert_eq!(problem.reason(), "100文字以内で入力してください。");
        assert_eq!(problem.to_string(), "must be at most 100 characters");
        assert_eq!(
            problem.reason_in(crate::lang::Lang::En),
            "Please use at most 100 characters."
        );
        assert_eq!(
            TextProblem::Empty.reason_in(crate::lang::Lang::En),
            "Please enter a value."
        );
        assert_eq!(
            TextProblem::Space.reason_in(crate::lang::Lang::Ja),
            TextProblem::Space.reason()
        );
    }

    #[test]
    fn email_addresses_need_a_local_part_and_a_dotted_domain() {
        for good in ["lead@example.jp", "k.tanaka@city.komagane.lg.jp"] {
            assert_eq!(check_email(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "lead",
            "lead@",
            "@example.jp",
            "lead@example",
            "le ad@example.jp",
            "a@b@c.jp",
            "lead@.jp",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }
}
