//! What a form's last request came to, shown where the user looks: a refusal that names one of
//! the form's fields beside that field, anything else (and success) above the form.

use leptos::prelude::*;

use crate::client::Problem;

/// A form's last outcome: a success message, or the problem.
pub type Outcome = RwSignal<Option<Result<String, Problem>>>;

/// The reason the last request was refused for `field`, if it was.
pub fn field_problem(outcome: Outcome, field: &str) -> Option<String> {
    outcome
        .get()
        .and_then(|o| o.err())
        .filter(|p| p.field.as_deref() == Some(field))
        .map(|p| p.reason)
}

/// The success message, or a problem that names none of `fields` (those show beside their
/// field), above the form.
#[component]
pub fn FormNotice(outcome: Outcome, fields: &'static [&'static str]) -> impl IntoView {
    move || {
        outcome.get().and_then(|o| match o {
            Err(p) if p.field.as_deref().is_some_and(|f| fields.contains(&f)) => None,
            result => Some(crate::components::form::outcome_notice(result)),
        })
    }
}
