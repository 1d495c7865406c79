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
use crate::client::{send_json, Problem};
use crate::components::form::{browser_action, page_value};
use crate::components::layout::{
    Forbidden, LoadError, Loading, NotFound, PageTitle, SignInRequired,
};
use crate::components::plan_header::Breadcrumbs;

const TITLE: &str = "施策の編集";

#[component]
pub fn MeasureEditPage() -> impl IntoView {
    let params = use_params_map();
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
                    Ok(Guarded::NotFound) => view! { <NotFound message="指定された施策は見つかりませんでした。"/> }.into_any(),
                    Ok(Guarded::SignInRequired) => view! { <SignInRequired title=TITLE/> }.into_any(),
                    Ok(Guarded::Forbidden) => view! {
                        <Forbidden title=TITLE message="施策の内容を編集できるのは、この計画を持つ自治体の管理者だけです。"/>
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
    error: RwSignal<Option<String>>,
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
                            state.error.set(Some(problem.message()));
                            failed += 1;
                        }
                    }
                }
                outcome.set(Some(match (saved, failed) {
                    (0, 0) => Ok("変更はありません。".to_owned()),
                    (n, 0) => Ok(format!("{n}項目を保存しました。")),
                    (n, f) => Err(Problem {
                        status: 400,
                        field: None,
                        reason: format!("{f}項目を保存できませんでした（{n}項目は保存済み）。各項目の説明を確認してください。入力内容はそのまま残っています。"),
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

    view! {
        <PageTitle text=format!("{TITLE}：{measure_title}｜{}", summary.title)/>
        <div class="page">
            <Breadcrumbs trail=vec![
                (summary.title.clone(), Some(paths::plan(&summary.id))),
                (measure_title.clone(), Some(measure_href.clone())),
                ("編集".to_owned(), None),
            ]/>
            <h1>{format!("{TITLE}：{measure_title}")}</h1>
            <noscript><p class="notice notice--error">"この画面の操作にはJavaScriptが必要です。"</p></noscript>
            <form class="edit-form" on:submit=move |ev| { ev.prevent_default(); save_text.dispatch(()); }>
                {states.into_iter().map(|(field, state)| {
                    let id = field_id(&field);
                    // The stored text as the field's content, so the server-rendered page
                    // shows it; once the app runs, `prop:value` keeps the field in step.
                    let stored = state.saved.get_untracked();
                    let error_id = format!("{id}-error");
                    let described = error_id.clone();
                    view! {
                        <div class="field">
                            <label for=id.clone()>{field.label.clone()}{field.required.then_some("（必須）")}</label>
                            <textarea id=id rows=if field.name == "title" { "2" } else { "5" }
                                maxlength="20000" required=field.required
                                aria-invalid=move || state.error.get().is_some().to_string()
                                aria-describedby=move || state.error.get().is_some().then(|| described.clone())
                                prop:value=move || state.typed.get()
                                on:input=move |ev| state.typed.set(event_target_value(&ev))>{stored}</textarea>
                            {move || state.error.get().map(|reason| view! { <p class="field__error" id=error_id.clone()>{reason}</p> })}
                            {move || (state.typed.get() != state.saved.get()).then(|| view! { <p class="field__hint">"未保存の変更があります"</p> })}
                        </div>
                    }
                }).collect_view()}
                {move || outcome.get().map(|result| match result {
                    Ok(message) => view! { <p class="notice" role="status">{message}</p> }.into_any(),
                    Err(problem) => view! { <p class="notice notice--error" role="alert">{problem.message()}</p> }.into_any(),
                })}
                <p class="edit-form__actions">
                    <button type="submit" disabled=saving>"本文を保存する"</button>
                    <span role="status">{move || match unsaved() { 0 => String::new(), n => format!("未保存：{n}項目") }}</span>
                </p>
            </form>
            <DepartmentsEditor api=format!("{api}/departments") token=csrf_token departments lead=lead_departments related=related_departments/>
            <p><a href=measure_href.clone()>"施策のページへ戻る"</a>" ・ "<a href=format!("{measure_href}/history")>"変更履歴"</a></p>
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
            outcome.set(Some(result.map(|_| "担当部署を保存しました。".to_owned())));
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
                            {name}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
        }
    };
    view! {
        <section aria-labelledby="departments-heading">
            <h2 id="departments-heading">"担当部署"</h2>
            <form class="edit-form" on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
                {group("lead", "主担当部署", lead_set, related_set)}
                {group("related", "関係部署", related_set, lead_set)}
                {move || outcome.get().map(|result| match result {
                    Ok(message) => view! { <p class="notice" role="status">{message}</p> }.into_any(),
                    Err(problem) => view! { <p class="notice notice--error" role="alert">{problem.message()}</p> }.into_any(),
                })}
                <button type="submit">"担当部署を保存する"</button>
            </form>
        </section>
    }
}
