//! The pages a visitor reads as the server wrote them, without the app.
//!
//! A citizen's phone should not download the offline editor to read a plan: these pages are
//! complete in their HTML, their forms are plain GET forms and their charts are SVG, so for a
//! visitor the page loads no WebAssembly (see `app::scripts`). Everything else (signing in,
//! the document reader, the editors, the app shell) needs the app and always loads it.

/// Whether the page at `path` (without its query) works fully without the app for a visitor.
pub fn reads_without_app(path: &str) -> bool {
    let trimmed = path.trim_end_matches('/');
    if matches!(trimmed, "" | "/search" | "/accessibility") {
        return true;
    }
    let Some(rest) = trimmed.strip_prefix("/plans/") else {
        return false;
    };
    let segments: Vec<&str> = rest.split('/').collect();
    match segments.as_slice() {
        [plan] => !plan.is_empty(),
        [plan, page] => {
            !plan.is_empty() && matches!(*page, "progress" | "data" | "roadmap" | "glossary")
        }
        [plan, "measures", measure] => !plan.is_empty() && !measure.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::reads_without_app;

    #[test]
    fn every_public_page_type_is_read_without_the_app() {
        for path in [
            "/",
            "/search",
            "/accessibility",
            "/plans/komagane-dx-strategy",
            "/plans/komagane-dx-strategy/",
            "/plans/komagane-dx-strategy/progress",
            "/plans/komagane-dx-strategy/data",
            "/plans/komagane-dx-strategy/roadmap",
            "/plans/komagane-dx-strategy/glossary",
            "/plans/komagane-dx-strategy/measures/regional-06",
        ] {
            assert!(reads_without_app(path), "{path}");
        }
    }

    #[test]
    fn pages_that_edit_sign_in_or_work_offline_need_the_app() {
        for path in [
            "/login",
            "/logout",
            "/admin",
            "/sync",
            "/tasks",
            "/app-shell",
            "/plans/komagane-dx-strategy/document",
            "/plans/komagane-dx-strategy/v/2",
            "/plans/komagane-dx-strategy/compare",
            "/plans/komagane-dx-strategy/revision",
            "/plans/komagane-dx-strategy/rounds",
            "/plans/komagane-dx-strategy/measures/regional-06/edit",
            "/plans/komagane-dx-strategy/measures/regional-06/progress",
            "/plans/komagane-dx-strategy/measures/regional-06/history",
            "/rounds/r1/report",
            "/plans/",
            "/plans//roadmap",
            "/plans/komagane-dx-strategy/measures/",
        ] {
            assert!(!reads_without_app(path), "{path}");
        }
    }
}
