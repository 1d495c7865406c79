//! Form fields of server-rendered pages.

/// What the field with this id already holds in the page, for the signal behind it. A
/// server-rendered form can be typed into before the app has loaded; the app then takes over
/// the field with its own value, and starting that from the page keeps what was typed. Empty
/// on the server, and when the field is not in the page (a page reached in the app).
pub fn typed_value(id: &str) -> String {
    page_value(id).unwrap_or_default()
}

/// Like [`typed_value`], but `None` when the field is not in the page, so that a field the
/// page shows with a stored value (which may have been emptied on purpose) can tell the two
/// apart.
pub fn page_value(id: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        let field = leptos::prelude::document().get_element_by_id(id)?;
        js_sys::Reflect::get(&field, &"value".into())
            .ok()
            .and_then(|value| value.as_string())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        None
    }
}

/// An action for a form: it runs in the browser, where its future need not be `Send`.
///
/// On the server, where forms are rendered but never used, it is an action that does nothing.
/// `Action::new_local` there would keep the closure in a `SendWrapper`, which panics when the
/// page's reactive owner is dropped on another thread of the runtime than the one that
/// rendered it, and the page's answer was lost with it.
pub fn browser_action<I, O, F, Fu>(action: F) -> leptos::prelude::Action<I, O>
where
    I: Send + Sync + 'static,
    O: Send + Sync + 'static,
    F: Fn(&I) -> Fu + 'static,
    Fu: std::future::Future<Output = O> + 'static,
{
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::Action::new_local(action)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        drop(action);
        leptos::prelude::Action::new(|_: &I| std::future::pending::<O>())
    }
}

/// What a form's last request came to: a message of what was done, or the refusal.
pub type Outcome = leptos::prelude::RwSignal<Option<Result<String, crate::client::Problem>>>;

/// Whether a refusal naming `named` is about `field`: that field or one inside it.
fn names(named: Option<&str>, field: &str) -> bool {
    named.is_some_and(|f| {
        f == field
            || f.strip_prefix(field)
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// The reason the last request was refused for `field` (or a field inside it), to show beside
/// that field.
pub fn field_error(
    outcome: Outcome,
    field: &'static str,
) -> impl Fn() -> Option<crate::client::Problem> + Copy + Send + Sync + 'static {
    use leptos::prelude::Get;
    move || match outcome.get() {
        Some(Err(p)) if names(p.field.as_deref(), field) => Some(p),
        _ => None,
    }
}

/// What was done, or why it was refused, as the paragraph above a form says it; the server's
/// reason (in the page's language, but it may quote the plan's Japanese) is marked with its
/// language.
pub fn outcome_notice(result: Result<String, crate::client::Problem>) -> leptos::prelude::AnyView {
    use leptos::prelude::*;
    match result {
        Ok(message) => view! { <p class="notice" role="status">{message}</p> }.into_any(),
        Err(problem) => view! {
            <p class="notice notice--error" role="alert">
                <crate::client::ProblemMessage problem/>
            </p>
        }
        .into_any(),
    }
}

/// The outcome of a form's last request: what was done, or why it was refused, unless the
/// refusal is shown beside one of `beside` (see [`field_error`]).
#[leptos::component]
pub fn FormOutcome(
    outcome: Outcome,
    #[prop(optional)] beside: &'static [&'static str],
) -> impl leptos::prelude::IntoView {
    use leptos::prelude::*;
    move || {
        outcome.get().and_then(|result| match result {
            Err(problem) if beside.iter().any(|f| names(problem.field.as_deref(), f)) => None,
            result => Some(outcome_notice(result)),
        })
    }
}
