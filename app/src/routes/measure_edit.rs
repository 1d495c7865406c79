//! `/plans/:plan_id/measures/:measure_id/edit`: an administrator edits a measure's text and
//! its lead and related departments.
//!
//! Saving sends only the fields that changed, one audited change each. A refused field shows
//! its reason beside it and keeps what was typed; fields that were saved are marked saved.

use std::collections::BTreeSet;

use keikaku_domain::views::{paths, EditableField, MeasureEditView};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde_json::json;

use crate::api::{measure_edit_page, Guarded};
use crate::client::{locale, send_json, Problem, ProblemMessage};
use crate::components::form::{browser_action, page_value};
use crate::components::layout::{
    Forbidden, LoadError, Loading, NotFound, PageTitle, SignInRequired,
};
use crate::components::plan_header::Breadcrumbs;
use crate::i18n::{t, t_string, td_string, use_i18n};
use crate::lang::{text_lang, use_lang};

/// A problem beside a field or above a form, in the page's language.
fn problem_notice(problem: Problem) -> impl IntoView {
    view! { <p class="notice notice--error" role="alert"><ProblemMessage problem/></p> }
}

#[component]
pub fn MeasureEditPage() -> impl IntoView {
    let params = use_params_map();
    let i18n = use_i18n();
    let page = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("plan_id").unwrap_or_default(),
                p.get("measure_id").unwrap_or_default(),
            )
        },
        |(plan_id, measure_id)| measure_edit_page(plan_id, measure_id),
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(Guarded::NotFound) => view! { <NotFound message=t_string!(i18n, measure_edit.not_found)/> }.into_any(),
                    Ok(Guarded::SignInRequired) => view! { <SignInRequired title=t_string!(i18n, measure_edit.title)/> }.into_any(),
                    Ok(Guarded::Forbidden) => view! {
                        <Forbidden title=t_string!(i18n, measure_edit.title) message=t_string!(i18n, measure_edit.forbidden)/>
                    }.into_any(),
                    Ok(Guarded::Found(view)) => view! { <MeasureEditor view=*view/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn field_id(field: &EditableField) -> String {
    format!("field-{}", field.name)
}

/// A text field being edited: what is stored and what is typed.
#[derive(Clone, Copy)]
struct FieldState {
    saved: RwSignal<String>,
    typed: RwSignal<String>,
    error: RwSignal<Option<Problem>>,
}

#[component]
fn MeasureEditor(view: MeasureEditView) -> impl IntoView {
    let MeasureEditView {
        summary,
        measure_id,
        measure_title,
        fields,
        lead_departments,
        related_departments,
        departments,
        csrf_token,
    } = view;
    let measure_href = paths::measure(&summary.id, &measure_id);
    let api = format!("/api/v1/plans/{}/measures/{measure_id}", summary.id);
    let states: Vec<(EditableField, FieldState)> = fields
        .into_iter()
        .map(|f| {
            let state = FieldState {
                saved: RwSignal::new(f.value.clone()),
                typed: RwSignal::new(f.value.clone()),
                error: RwSignal::new(None),
            };
            (f, state)
        })
        .collect();
    // The server-rendered page shows the stored text, and may have been typed into before the
    // app loaded. What it holds is read now, before hydration sets the fields, and taken in
    // once the page is hydrated: hydration must meet the page the server rendered.
    let typed_early: Vec<(FieldState, String)> = states
        .iter()
        .filter_map(|(field, state)| {
            page_value(&field_id(field))
                .filter(|typed| *typed != field.value)
                .map(|typed| (*state, typed))
        })
        .collect();
    Effect::new(move |_| {
        for (state, typed) in &typed_early {
            state.typed.set(typed.clone());
        }
    });
    let outcome = RwSignal::new(None::<Result<String, Problem>>);
    let i18n = use_i18n();
    // The outcome's words, in the page's language, for the save that runs in the browser,
    // away from the component (so looked up by the page's locale, not the context).
    let lang = use_lang();
    let locale = locale(lang);
    let no_changes = td_string!(locale, measure_edit.no_changes);
    let saved_message =
        move |count: usize| td_string!(locale, measure_edit.saved, count).to_string();
    let partly_message = move |failed: usize, saved: usize| {
        td_string!(locale, measure_edit.partly_saved, failed, saved).to_string()
    };

    let save_text = {
        let (api, token, states) = (api.clone(), csrf_token.clone(), states.clone());
        browser_action(move |_: &()| {
            let (api, token, states) = (api.clone(), token.clone(), states.clone());
            async move {
                let mut saved = 0;
                let mut failed = 0;
                for (field, state) in &states {
                    let typed = state.typed.get_untracked();
                    if typed == state.saved.get_untracked() {
                        continue;
                    }
                    let value = if typed.trim().is_empty() {
                        None
                    } else {
                        Some(typed.clone())
                    };
                    let body = json!({ "field": field.name, "value": value });
                    match send_json("PATCH", &api, &token, Some(&body)).await {
                        Ok(_) => {
                            state.saved.set(typed);
                            state.error.set(None);
                            saved += 1;
                        }
                        Err(problem) => {
                            state.error.set(Some(problem));
                            failed += 1;
                        }
                    }
                }
                outcome.set(Some(match (saved, failed) {
                    (0, 0) => Ok(no_changes.to_owned()),
                    (n, 0) => Ok(saved_message(n)),
                    (n, f) => Err(Problem {
                        status: 400,
                        field: None,
                        reason: partly_message(f, n),
                    }),
                }));
            }
        })
    };
    let saving = save_text.pending();
    let unsaved = {
        let states = states.clone();
        move || {
            states
                .iter()
                .filter(|(_, s)| s.typed.get() != s.saved.get())
                .count()
        }
    };

    let page_title = t_string!(
        i18n,
        measure_edit.page_title,
        measure = measure_title.clone(),
        plan = summary.title.clone()
    )
    .to_string();
    let title_lang = text_lang(&measure_title);
    view! {
        <PageTitle text=page_title/>
        <div class="page">
            <Breadcrumbs trail=vec![
                (summary.title.clone(), Some(paths::plan(&summary.id))),
                (measure_title.clone(), Some(measure_href.clone())),
                (t_string!(i18n, measure_edit.breadcrumb).to_owned(), None),
            ]/>
            <h1>{t!(i18n, measure_edit.heading, measure = measure_title.clone(), <ja> = <span lang=title_lang />)}</h1>
            <noscript><p class="notice notice--error">{t!(i18n, measure_edit.needs_javascript)}</p></noscript>
            <form class="edit-form" on:submit=move |ev| { ev.prevent_default(); save_text.dispatch(()); }>
                {states.into_iter().map(|(field, state)| {
                    let id = field_id(&field);
                    // The stored text as the field's content, so the server-rendered page
                    // shows it; once the app runs, `prop:value` keeps the field in step.
                    let stored = state.saved.get_untracked();
                    let error_id = format!("{id}-error");
                    let described = error_id.clone();
                    // In English, the field's English name; the view's own (Japanese) name, marked,
                    // for a field that has none.
                    let label = match (lang, keikaku_domain::views::measure_field_label_en(&field.name)) {
                        (keikaku_domain::lang::Lang::Ja, _) => field.label.clone().into_any(),
                        (_, Some(label)) => label.into_any(),
                        _ => view! { <span lang="ja">{field.label.clone()}</span> }.into_any(),
                    };
                    // The measure's text, in the language it is written in.
                    let typed_lang = move || keikaku_domain::lang::mark_japanese(&state.typed.get());
                    view! {
                        <div class="field">
                            <label for=id.clone()>{label}{field.required.then_some(t!(i18n, measure_edit.required))}</label>
                            <textarea id=id rows=if field.name == "title" { "2" } else { "5" }
                                maxlength="20000" required=field.required lang=typed_lang
                                aria-invalid=move || state.error.get().is_some().to_string()
                                aria-describedby=move || state.error.get().is_some().then(|| described.clone())
                                prop:value=move || state.typed.get()
                                on:input=move |ev| state.typed.set(event_target_value(&ev))>{stored}</textarea>
                            {move || state.error.get().map(|problem| view! { <p class="field__error" id=error_id.clone()><ProblemMessage problem/></p> })}
                            {move || (state.typed.get() != state.saved.get()).then(|| view! { <p class="field__hint">{t!(i18n, measure_edit.unsaved_field)}</p> })}
                        </div>
                    }
                }).collect_view()}
                {move || outcome.get().map(|result| match result {
                    Ok(message) => view! { <p class="notice" role="status">{message}</p> }.into_any(),
                    Err(problem) => problem_notice(problem).into_any(),
                })}
                <p class="edit-form__actions">
                    <button type="submit" disabled=saving>{t!(i18n, measure_edit.save_text)}</button>
                    <span role="status">{move || match unsaved() { 0 => String::new(), count => t_string!(i18n, measure_edit.unsaved_count, count).to_string() }}</span>
                </p>
            </form>
            <DepartmentsEditor api=format!("{api}/departments") token=csrf_token departments lead=lead_departments related=related_departments/>
            <p>
                <a href=measure_href.clone()>{t!(i18n, measure_edit.back_to_measure)}</a>
                {t!(i18n, measure_edit.separator)}
                <a href=format!("{measure_href}/history")>{t!(i18n, measure_edit.history)}</a>
            </p>
        </div>
    }
}

#[component]
fn DepartmentsEditor(
    api: String,
    token: String,
    departments: Vec<String>,
    lead: Vec<String>,
    related: Vec<String>,
) -> impl IntoView {
    // Chosen departments in the organization's order, so the saved lists read naturally.
    let lead_set = RwSignal::new(lead.into_iter().collect::<BTreeSet<String>>());
    let related_set = RwSignal::new(related.into_iter().collect::<BTreeSet<String>>());
    let outcome = RwSignal::new(None::<Result<String, Problem>>);
    let order = departments.clone();
    let i18n = use_i18n();
    let saved = t_string!(i18n, measure_edit.departments_saved);
    let save = browser_action(move |_: &()| {
        let in_order = |set: &BTreeSet<String>| {
            order
                .iter()
                .filter(|d| set.contains(*d))
                .cloned()
                .collect::<Vec<_>>()
        };
        let body = json!({
            "lead": in_order(&lead_set.get_untracked()),
            "related": in_order(&related_set.get_untracked()),
        });
        let (api, token) = (api.clone(), token.clone());
        async move {
            let result = send_json("PUT", &api, &token, Some(&body)).await;
            outcome.set(Some(result.map(|_| saved.to_owned())));
        }
    });
    // A department is either lead or related, never both: choosing it in one list takes it
    // out of the other.
    let group = move |role: &'static str,
                      legend: &'static str,
                      set: RwSignal<BTreeSet<String>>,
                      other: RwSignal<BTreeSet<String>>| {
        let departments = departments.clone();
        view! {
            <fieldset class="checkbox-group">
                <legend>{legend}</legend>
                {departments.into_iter().enumerate().map(|(i, name)| {
                    let id = format!("{role}-department-{i}");
                    let key = name.clone();
                    // A department's name is the organization's own word.
                    let name_lang = text_lang(&name);
                    // The input sits inside its label, which names it.
                    view! {
                        <label class="checkbox">
                            <input type="checkbox" id=id prop:checked=move || set.get().contains(&key)
                                on:change={
                                    let name = name.clone();
                                    move |ev| {
                                        let checked = event_target_checked(&ev);
                                        set.update(|s| { if checked { s.insert(name.clone()); } else { s.remove(&name); } });
                                        if checked {
                                            other.update(|s| { s.remove(&name); });
                                        }
                                    }
                                }/>
                            <span lang=name_lang>{name}</span>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
        }
    };
    view! {
        <section aria-labelledby="departments-heading">
            <h2 id="departments-heading">{t!(i18n, measure_edit.departments)}</h2>
            <form class="edit-form" on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
                {group("lead", t_string!(i18n, measure_edit.lead_departments), lead_set, related_set)}
                {group("related", t_string!(i18n, measure_edit.related_departments), related_set, lead_set)}
                {move || outcome.get().map(|result| match result {
                    Ok(message) => view! { <p class="notice" role="status">{message}</p> }.into_any(),
                    Err(problem) => problem_notice(problem).into_any(),
                })}
                <button type="submit">{t!(i18n, measure_edit.save_departments)}</button>
            </form>
        </section>
    }
}
