//! The service worker's first view (see [`keikaku_render::first_view`]), exported for
//! `public/sw.js` as plain WebAssembly functions over linear memory, so the worker needs no
//! generated JavaScript (a service worker cannot import scripts after it has installed):
//!
//! 1. `input_buffer(len)` returns where to write `len` bytes: the page's path and query, a NUL
//!    byte, the kept plan's JSON (UTF-8), and optionally a NUL byte and the page's language
//!    (`ja` or `en`; Japanese without it);
//! 2. `render(len)` writes the first view and returns 1, or 0 when there is none;
//! 3. `output_ptr()` / `output_len()` locate the answer (UTF-8): the document title, a NUL
//!    byte, then the HTML for `<main>`.
//!
//! One page at a time: the worker's thread runs one call to completion.

use std::cell::RefCell;

use keikaku_domain::lang::Lang;

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A buffer of `len` bytes for the next [`render`]'s input.
#[no_mangle]
pub extern "C" fn input_buffer(len: usize) -> *mut u8 {
    INPUT.with(|input| {
        let mut input = input.borrow_mut();
        input.clear();
        input.resize(len, 0);
        input.as_mut_ptr()
    })
}

/// Renders from the first `len` bytes of the input buffer; 1 when there is a first view.
#[no_mangle]
pub extern "C" fn render(len: usize) -> u32 {
    let answer = INPUT.with(|input| {
        let input = input.borrow();
        render_bytes(input.get(..len)?)
    });
    OUTPUT.with(|output| {
        let mut output = output.borrow_mut();
        output.clear();
        if let Some(answer) = &answer {
            output.extend_from_slice(answer.as_bytes());
        }
    });
    u32::from(answer.is_some())
}

#[no_mangle]
pub extern "C" fn output_ptr() -> *const u8 {
    OUTPUT.with(|output| output.borrow().as_ptr())
}

#[no_mangle]
pub extern "C" fn output_len() -> usize {
    OUTPUT.with(|output| output.borrow().len())
}

/// `path NUL plan [NUL lang]` in, `title NUL main` out. JSON holds no NUL byte, so the last
/// one, if any, comes before the language.
pub fn render_bytes(input: &[u8]) -> Option<String> {
    let input = std::str::from_utf8(input).ok()?;
    let (path, rest) = input.split_once('\0')?;
    let (kept_plan, lang) = match rest.rsplit_once('\0') {
        Some((plan, code)) => (plan, Lang::from_code(code)?),
        None => (rest, Lang::Ja),
    };
    let view = keikaku_render::first_view::first_view(path, kept_plan, lang)?;
    Some(format!("{}\0{}", view.title, view.main))
}

#[cfg(test)]
mod tests {
    use super::*;
    use keikaku_render::first_view::first_view;

    const KOMAGANE: &str = include_str!("../../samples/plans/komagane.json");

    /// The plan as the app keeps it in IndexedDB.
    fn kept(file: &str) -> String {
        format!(r#"{{"order":0,"file":{file}}}"#)
    }

    fn rows(html: &str) -> usize {
        html.matches("<tr class=\"roadmap-table__").count()
    }

    #[test]
    fn writes_the_roadmap_from_the_kept_plan_through_the_exported_interface() {
        let input = format!("/plans/komagane-dx-strategy/roadmap\0{}", kept(KOMAGANE));
        let buffer = input_buffer(input.len());
        // SAFETY: the buffer is `input.len()` bytes long and nothing else holds it.
        unsafe { std::ptr::copy_nonoverlapping(input.as_ptr(), buffer, input.len()) };
        assert_eq!(render(input.len()), 1);
        // SAFETY: the output stays put until the next call to `render`.
        let output = unsafe { std::slice::from_raw_parts(output_ptr(), output_len()) };
        let output = std::str::from_utf8(output).unwrap();
        let (title, main) = output.split_once('\0').unwrap();
        assert!(
            title.starts_with("工程表｜") && title.ends_with(" | Keikaku 計画"),
            "{title}"
        );
        assert!(
            main.starts_with("<div class=\"page page--wide\"><nav class=\"breadcrumbs\""),
            "{main:.200}"
        );
        assert!(main.contains("<h1>工程表（ロードマップ）</h1>"));
        assert!(main.contains("<form method=\"get\" action=\"\" class=\"filters\""));
        assert!(main.contains("<caption class=\"visually-hidden\">"));
        assert!(rows(main) > 20, "{} rows", rows(main));
        // Written before anything achieved is read.
        assert!(!main.contains("cell__actual"));

        // With the language the app will render.
        let english = format!("{input}\0en");
        let english = render_bytes(english.as_bytes()).unwrap();
        let (title, main) = english.split_once('\0').unwrap();
        assert!(
            title.starts_with("Roadmap | Komagane DX Strategy"),
            "{title}"
        );
        assert!(main.contains("<h1>Roadmap</h1>"));
    }

    #[test]
    fn applies_the_query_like_the_app() {
        let plan = kept(KOMAGANE);
        let all = first_view("/plans/komagane-dx-strategy/roadmap", &plan, Lang::Ja).unwrap();
        let year = first_view(
            "/plans/komagane-dx-strategy/roadmap?node=&department=&year=2025",
            &plan,
            Lang::Ja,
        )
        .unwrap();
        assert!(year.main.contains("<option value=\"2025\" selected=\"\""));
        assert!(year.main.contains("条件を解除"));
        assert!(!all.main.contains("条件を解除"));
        assert!(
            year.main.matches("<th scope=\"col\">").count()
                < all.main.matches("<th scope=\"col\">").count()
        );
        let wrong = first_view(
            "/plans/komagane-dx-strategy/roadmap?year=%E3%81%82",
            &plan,
            Lang::Ja,
        )
        .unwrap();
        assert!(
            wrong.main.contains("role=\"alert\""),
            "an unreadable year is reported, as in the app"
        );
    }

    #[test]
    fn writes_nothing_it_cannot_write_faithfully() {
        let plan = kept(KOMAGANE);
        for path in [
            "/plans/komagane-dx-strategy",
            "/plans/komagane-dx-strategy/glossary",
            "/plans/komagane-dx-strategy/roadmap/extra",
            "/plans/another-plan/roadmap",
            "/plans/%ZZ/roadmap",
            "/search",
        ] {
            assert_eq!(first_view(path, &plan, Lang::Ja), None, "{path}");
        }
        assert_eq!(
            first_view(
                "/plans/komagane-dx-strategy/roadmap",
                "{\"order\":0}",
                Lang::Ja
            ),
            None
        );
        assert_eq!(render_bytes(b"no separator"), None);
        let unknown = format!(
            "/plans/komagane-dx-strategy/roadmap\0{}\0fr",
            kept(KOMAGANE)
        );
        assert_eq!(
            render_bytes(unknown.as_bytes()),
            None,
            "no language of ours"
        );
        assert_eq!(render_bytes(b"/plans/x/roadmap\0\xff"), None);
    }
}
