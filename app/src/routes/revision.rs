//! `/plans/:plan_id/revision`: administrators prepare the plan's next version (改定案). They
//! start it from the current version or from a revised plan file, name it, edit the text of
//! its chapters, structure nodes and measures, see what it changes and what changed in the current version meanwhile, and
//! publish or discard it. Every step is a call to the JSON API (`/api/v1/plans/{plan}/
//! revision…`), which checks and audits it; a refused field keeps what was typed and says why
//! beside it.

use std::collections::BTreeMap;

use keikaku_domain::lang::{mark_japanese, text_lang, Lang};
use keikaku_domain::revision::VersionInfo;
use keikaku_domain::views::{format_japan_time_in, paths};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde_json::json;

use crate::api::versions::{revision_page, RevisionView};
use crate::client::{send_json, Problem, ProblemMessage};
use crate::components::diff::ChangeCounts;
use crate::components::form::{browser_action, FormOutcome};
use crate::components::guarded::{guarded_page, PageTexts};
use crate::components::layout::PageTitle;
use crate::components::plan_header::Breadcrumbs;
use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::lang::use_lang;
use crate::routes::revision_lists::{GlossaryEditor, MeasureListsEditor, MilestoneEditor};
use crate::routes::revision_structure::{FieldError, ScheduleEditor, StructureEditor};
use leptos_i18n::I18nContext;

/// What the page remembers across its reloads: the part being edited (`measure:citizen-01`).
#[derive(Clone, Copy)]
struct PageState {
    reload: RwSignal<u32>,
    measure: RwSignal<Option<String>>,
}

#[component]
pub fn RevisionPage() -> impl IntoView {
    let params = use_params_map();
    let state = PageState {
        reload: RwSignal::new(0),
        measure: RwSignal::new(None),
    };
    let page = Resource::new(
        move || {
            (
                params.read().get("plan_id").unwrap_or_default(),
                state.reload.get(),
            )
        },
        |(plan_id, _)| revision_page(plan_id),
    );
    let i18n = use_i18n();
    let texts = PageTexts {
        title: t_string!(i18n, revision.title),
        not_found: t_string!(i18n, revision.not_found),
        forbidden: t_string!(i18n, revision.forbidden),
    };
    guarded_page(page, texts, move |view| view! { <Revision view state/> })
}

/// A version's title, `第2版（令和6年3月改定）` or `Version 2 (令和6年3月改定)`, its label (the
/// plan's words) marked with its language on a page in another.
fn version_title(info: &VersionInfo, lang: Lang) -> impl Fn() -> AnyView + Clone + Send + Sync {
    let (title, number, label) = (
        info.title_in(lang),
        info.number.label_in(lang),
        info.label.clone(),
    );
    move || match lang {
        Lang::En if !label.is_empty() => view! {
            {number.clone()}" ("<span lang=text_lang(&label)>{label.clone()}</span>")"
        }
        .into_any(),
        _ => title.clone().into_any(),
    }
}

#[component]
fn Revision(view: RevisionView, state: PageState) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), use_lang());
    let RevisionView {
        summary,
        current,
        draft,
        diff,
        changed_meanwhile,
        csrf_token,
    } = view;
    let plan_id = summary.id.clone();
    let api = format!("/api/v1/plans/{plan_id}/revision");
    let body = match draft {
        None => view! {
            <p>{t!(i18n, revision.no_draft, version = version_title(&current, lang))}</p>
            <StartForm api=api.clone() token=csrf_token.clone() state/>
            <FileForm api=api.clone() token=csrf_token.clone() state replaces=false/>
        }
        .into_any(),
        Some((info, file)) => {
            let compare = paths::compare(&plan_id, current.number.0, info.number.0);
            let summary_text = diff
                .as_ref()
                .map(|d| d.summary_in(lang))
                .unwrap_or_default();
            view! {
                <section class="section" aria-labelledby="draft-heading">
                    <h2 id="draft-heading">{t!(i18n, revision.draft_heading, version = version_title(&info, lang))}</h2>
                    <p class="diff-summary">
                        <strong>{t!(i18n, revision.changes_from, version = version_title(&current, lang))}</strong>
                        {summary_text}
                    </p>
                    {diff.filter(|d| !d.is_empty()).map(|d| view! { <ChangeCounts diff=d/> })}
                    <ul class="link-list">
                        <li><a href=paths::version(&plan_id, info.number.0)>{t!(i18n, revision.read_draft)}</a></li>
                        <li><a href=compare>{t!(i18n, revision.compare)}</a></li>
                    </ul>
                    {(!changed_meanwhile.is_empty()).then(|| view! {
                        <div class="notice notice--error" role="note">
                            <p><strong>{t!(i18n, revision.changed_meanwhile)}</strong>
                                {(lang != Lang::Ja).then_some(" ")}{t!(i18n, revision.changed_meanwhile_lead)}</p>
                            <ul>
                                {changed_meanwhile.into_iter().map(|(at, who, what)| {
                                    // Who made the change and what it changed are the server's
                                    // words: users' names, and field names in Japanese for now.
                                    let who = who.unwrap_or_default();
                                    view! {
                                        <li>
                                            {format_japan_time_in(at, lang)}" "
                                            <span lang=mark_japanese(&who)>{who.clone()}</span>" "
                                            <span lang=mark_japanese(&what)>{what.clone()}</span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </div>
                    })}
                </section>
                <LabelForm api=api.clone() token=csrf_token.clone() info=info.clone() state/>
                <TextEditor api=api.clone() token=csrf_token.clone() plan=file.plan.clone() state/>
                <StructureEditor api=api.clone() token=csrf_token.clone() plan=file.plan.clone() reload=state.reload/>
                <ScheduleEditor api=api.clone() token=csrf_token.clone() plan=file.plan.clone() reload=state.reload/>
                <MeasureListsEditor api=api.clone() token=csrf_token.clone() plan=file.plan.clone() reload=state.reload/>
                <MilestoneEditor api=api.clone() token=csrf_token.clone() plan=file.plan.clone() reload=state.reload/>
                <GlossaryEditor api=api.clone() token=csrf_token.clone() plan=file.plan.clone() reload=state.reload/>
                <FileForm api=api.clone() token=csrf_token.clone() state replaces=true/>
                <PublishForm api=api.clone() token=csrf_token.clone() info state versions=paths::versions(&plan_id)/>
            }
            .into_any()
        }
    };
    let title = t_string!(i18n, revision.title);
    view! {
        <PageTitle text=t_string!(i18n, revision.page_title, plan = summary.title.clone()).to_string()/>
        <div class="page">
            <Breadcrumbs trail=vec![
                (summary.title.clone(), Some(paths::plan(&plan_id))),
                (t_string!(i18n, revision.versions).to_owned(), Some(paths::versions(&plan_id))),
                (title.to_owned(), None),
            ]/>
            <h1>{title}</h1>
            <noscript><p class="notice notice--error">{t!(i18n, revision.needs_javascript)}</p></noscript>
            {body}
        </div>
    }
}

/// The label and date inputs of a version, with the field each error names.
#[component]
fn NamingFields(
    prefix: &'static str,
    label: RwSignal<String>,
    issued: RwSignal<String>,
    problem: RwSignal<Option<Result<String, Problem>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let label_id = format!("{prefix}-label");
    let issued_id = format!("{prefix}-issued");
    let label_error = format!("{prefix}-label-error");
    let issued_error = format!("{prefix}-issued-error");
    view! {
        <div class="field">
            <label for=label_id.clone()>{t!(i18n, revision.version_label, <ja> = <span lang="ja" />)}</label>
            <input id=label_id type="text" maxlength="100" prop:value=move || label.get()
                lang=move || mark_japanese(&label.get())
                aria-describedby=label_error.clone()
                on:input=move |ev| label.set(event_target_value(&ev))/>
            <FieldError outcome=problem field="label" id=label_error/>
        </div>
        <div class="field">
            <label for=issued_id.clone()>{t!(i18n, revision.version_date)}</label>
            <input id=issued_id type="text" inputmode="numeric" maxlength="10" prop:value=move || issued.get()
                aria-describedby=issued_error.clone()
                on:input=move |ev| issued.set(event_target_value(&ev))/>
            <FieldError outcome=problem field="issued" id=issued_error/>
        </div>
    }
}

fn optional(text: String) -> Option<String> {
    (!text.trim().is_empty()).then_some(text)
}

#[component]
fn StartForm(api: String, token: String, state: PageState) -> impl IntoView {
    let i18n = use_i18n();
    let label = RwSignal::new(String::new());
    let issued = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<String, Problem>>);
    let start = browser_action(move |_: &()| {
        let body = json!({ "label": optional(label.get_untracked()), "issued": optional(issued.get_untracked()) });
        let (api, token) = (api.clone(), token.clone());
        async move {
            match send_json("POST", &api, &token, Some(&body)).await {
                Ok(_) => state.reload.update(|n| *n += 1),
                Err(problem) => outcome.set(Some(Err(problem))),
            }
        }
    });
    view! {
        <section class="section" aria-labelledby="start-heading">
            <h2 id="start-heading">{t!(i18n, revision.start_heading)}</h2>
            <p>{t!(i18n, revision.start_lead)}</p>
            <form class="edit-form" on:submit=move |ev| { ev.prevent_default(); start.dispatch(()); }>
                <NamingFields prefix="start" label issued problem=outcome/>
                <FormOutcome outcome/>
                <button type="submit" disabled=start.pending()>{t!(i18n, revision.start)}</button>
            </form>
        </section>
    }
}

/// Reads the chosen file's text in the browser; `refusals` say that no file was chosen and
/// that it could not be read.
#[cfg(feature = "hydrate")]
async fn chosen_file_text(
    input_id: &str,
    refusals: (&'static str, &'static str),
) -> Result<String, Problem> {
    use wasm_bindgen::JsCast;
    let (choose, unreadable) = refusals;
    let problem = |reason: &str| Problem {
        status: 400,
        field: Some("file".into()),
        reason: reason.into(),
    };
    let input = document()
        .get_element_by_id(input_id)
        .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
        .ok_or_else(|| problem(choose))?;
    let file = input
        .files()
        .and_then(|files| files.get(0))
        .ok_or_else(|| problem(choose))?;
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .map_err(|_| problem(unreadable))?;
    text.as_string().ok_or_else(|| problem(unreadable))
}

#[component]
fn FileForm(api: String, token: String, state: PageState, replaces: bool) -> impl IntoView {
    let i18n = use_i18n();
    let refusals = (
        t_string!(i18n, revision.choose_file),
        t_string!(i18n, revision.unreadable_file),
    );
    let label = RwSignal::new(String::new());
    let issued = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<String, Problem>>);
    let upload = browser_action(move |_: &()| {
        let mut url = format!("{api}/file?");
        for (name, value) in [
            ("label", label.get_untracked()),
            ("issued", issued.get_untracked()),
        ] {
            if let Some(value) = optional(value) {
                url.push_str(&format!(
                    "{name}={}&",
                    paths::encode_query_component(&value)
                ));
            }
        }
        let token = token.clone();
        async move {
            #[cfg(feature = "hydrate")]
            {
                let result = match chosen_file_text("revision-file", refusals).await {
                    Ok(text) => {
                        crate::client::send::<serde_json::Value>(
                            "PUT",
                            &url,
                            &token,
                            &[],
                            Some(text),
                        )
                        .await
                    }
                    Err(problem) => Err(problem),
                };
                match result {
                    Ok(_) => state.reload.update(|n| *n += 1),
                    Err(problem) => outcome.set(Some(Err(problem))),
                }
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (url, token, state, refusals);
        }
    });
    view! {
        <section class="section" aria-labelledby="file-heading">
            <h2 id="file-heading">{if replaces { t!(i18n, revision.replace_heading).into_any() } else { t!(i18n, revision.import_heading).into_any() }}</h2>
            <p>{if replaces { t!(i18n, revision.replace_lead).into_any() } else { t!(i18n, revision.import_lead).into_any() }}</p>
            <form class="edit-form" on:submit=move |ev| { ev.prevent_default(); upload.dispatch(()); }>
                <div class="field">
                    <label for="revision-file">{t!(i18n, revision.plan_file)}</label>
                    <input id="revision-file" type="file" accept=".json,application/json" aria-describedby="revision-file-error"/>
                    <FieldError outcome field="file" id="revision-file-error".to_owned()/>
                </div>
                <NamingFields prefix="file" label issued problem=outcome/>
                <FormOutcome outcome beside=&["file", "label", "issued"]/>
                <button type="submit" disabled=upload.pending()>{t!(i18n, revision.import)}</button>
            </form>
        </section>
    }
}

#[component]
fn LabelForm(api: String, token: String, info: VersionInfo, state: PageState) -> impl IntoView {
    let i18n = use_i18n();
    let label = RwSignal::new(info.label.clone());
    let issued = RwSignal::new(info.issued.clone().unwrap_or_default());
    let outcome = RwSignal::new(None::<Result<String, Problem>>);
    let save = browser_action(move |_: &()| {
        let body = json!({ "label": optional(label.get_untracked()), "issued": optional(issued.get_untracked()) });
        let (url, token) = (format!("{api}/label"), token.clone());
        async move {
            match send_json("PUT", &url, &token, Some(&body)).await {
                Ok(_) => state.reload.update(|n| *n += 1),
                Err(problem) => outcome.set(Some(Err(problem))),
            }
        }
    });
    view! {
        <section class="section" aria-labelledby="label-heading">
            <h2 id="label-heading">{t!(i18n, revision.naming_heading)}</h2>
            <form class="edit-form" on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
                <NamingFields prefix="label" label issued problem=outcome/>
                <button type="submit" disabled=save.pending()>{t!(i18n, revision.save_naming)}</button>
            </form>
        </section>
    }
}

/// Something of the draft whose text the editor changes: the edit's `op` and the name of its
/// id field, the id, how the list names it, and its fields (name, label, text).
#[derive(Clone)]
struct Editable {
    op: &'static str,
    key: &'static str,
    id: String,
    name: String,
    fields: Vec<(&'static str, &'static str, String)>,
}

/// Every chapter, structure node and measure of the draft, in that order, labelled in the
/// page's language.
fn editables(
    plan: &keikaku_domain::format::Plan,
    i18n: I18nContext<Locale>,
) -> Vec<(&'static str, Vec<Editable>)> {
    use keikaku_domain::document::{chapter_heading, measure_field, measure_heading};
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let number = t_string!(i18n, revision.number);
    let lang = crate::lang::lang_of(i18n.get_locale_untracked());
    let chapters = plan
        .chapters
        .iter()
        .flat_map(|c| c.walk())
        .map(|c| Editable {
            op: "set_chapter_field",
            key: "chapter",
            id: c.id.clone(),
            name: chapter_heading(c),
            fields: vec![
                ("number", number, text(&c.number)),
                ("title", t_string!(i18n, revision.heading), c.title.clone()),
                ("body", t_string!(i18n, revision.body), text(&c.body)),
            ],
        })
        .collect();
    let nodes = keikaku_domain::format::walk_nodes(&plan.structure)
        .into_iter()
        .map(|n| Editable {
            op: "set_node_field",
            key: "node",
            id: n.id.clone(),
            name: format!("{} {}", n.display_label(), n.title),
            fields: vec![
                (
                    "label",
                    t_string!(i18n, revision.node_label),
                    text(&n.label),
                ),
                ("number", number, text(&n.number)),
                ("title", t_string!(i18n, revision.name), n.title.clone()),
                (
                    "description",
                    t_string!(i18n, revision.description),
                    text(&n.description),
                ),
            ],
        })
        .collect();
    let measures = plan
        .measures
        .iter()
        .map(|m| {
            let mut fields = vec![
                ("number", number, text(&m.number)),
                (
                    "title",
                    t_string!(i18n, revision.measure_title),
                    m.title.clone(),
                ),
            ];
            for (field, _) in keikaku_domain::document::MEASURE_FIELDS {
                fields.push((
                    field,
                    keikaku_domain::document::measure_field_label_in(field, lang).unwrap_or(field),
                    measure_field(m, field).cloned().unwrap_or_default(),
                ));
            }
            fields.push((
                "departments_note",
                t_string!(i18n, revision.departments_note),
                text(&m.departments_note),
            ));
            Editable {
                op: "set_measure_field",
                key: "measure",
                id: m.id.clone(),
                name: measure_heading(m),
                fields,
            }
        })
        .collect();
    vec![
        (t_string!(i18n, revision.chapters), chapters),
        (t_string!(i18n, revision.structure), nodes),
        (t_string!(i18n, revision.measures), measures),
    ]
}

/// One-line fields get a small box.
fn short_field(field: &str) -> bool {
    matches!(field, "number" | "title" | "label" | "departments_note")
}

#[component]
fn TextEditor(
    api: String,
    token: String,
    plan: keikaku_domain::format::Plan,
    state: PageState,
) -> impl IntoView {
    let i18n = use_i18n();
    let groups = editables(&plan, i18n);
    let all: Vec<Editable> = groups.iter().flat_map(|(_, items)| items.clone()).collect();
    if all.is_empty() {
        return ().into_any();
    }
    let selected = state.measure;
    let known = selected
        .get_untracked()
        .is_some_and(|key| all.iter().any(|e| format!("{}:{}", e.key, e.id) == key));
    if !known {
        selected.set(all.first().map(|e| format!("{}:{}", e.key, e.id)));
    }
    let find = {
        let all = all.clone();
        move |key: &str| {
            all.iter()
                .find(|e| format!("{}:{}", e.key, e.id) == key)
                .cloned()
        }
    };
    let current = RwSignal::new(find(&selected.get_untracked().unwrap_or_default()));
    let values = |e: &Option<Editable>| -> BTreeMap<&'static str, String> {
        e.iter()
            .flat_map(|e| e.fields.iter().map(|(f, _, v)| (*f, v.clone())))
            .collect()
    };
    let saved = RwSignal::new(values(&current.get_untracked()));
    let typed = RwSignal::new(saved.get_untracked());
    let errors = RwSignal::new(BTreeMap::<String, Problem>::new());
    let outcome = RwSignal::new(None::<Result<String, Problem>>);
    let choose = move |key: String| {
        let found = find(&key);
        selected.set(Some(key));
        saved.set(values(&found));
        typed.set(values(&found));
        current.set(found);
        errors.set(BTreeMap::new());
        outcome.set(None);
    };
    let save = browser_action(move |_: &()| {
        let (api, token) = (api.clone(), token.clone());
        async move {
            let Some(item) = current.get_untracked() else {
                return;
            };
            let (mut ok, mut failed) = (0, 0);
            for (field, _, _) in &item.fields {
                let value = typed.get_untracked()[field].clone();
                if value == saved.get_untracked()[field] {
                    continue;
                }
                let mut body =
                    json!({ "op": item.op, "field": field, "value": optional(value.clone()) });
                body[item.key] = json!(item.id);
                match send_json("PATCH", &api, &token, Some(&body)).await {
                    Ok(_) => {
                        saved.update(|s| {
                            s.insert(field, value);
                        });
                        errors.update(|e| {
                            e.remove(*field);
                        });
                        ok += 1;
                    }
                    Err(problem) => {
                        errors.update(|e| {
                            e.insert((*field).to_owned(), problem);
                        });
                        failed += 1;
                    }
                }
            }
            outcome.set(Some(match (ok, failed) {
                (0, 0) => Ok(t_string!(i18n, revision.no_changes).to_owned()),
                (1, 0) => Ok(t_string!(i18n, revision.saved_one).to_owned()),
                (count, 0) => Ok(t_string!(i18n, revision.saved_many, count).to_string()),
                (saved, failed) => Err(Problem {
                    status: 400,
                    field: None,
                    reason: t_string!(i18n, revision.not_saved, failed, saved).to_string(),
                }),
            }));
        }
    });
    view! {
        <section class="section" aria-labelledby="text-editor-heading">
            <h2 id="text-editor-heading">{t!(i18n, revision.text_heading)}</h2>
            <div class="field">
                <label for="revision-item">{t!(i18n, revision.part)}</label>
                <select id="revision-item" on:change=move |ev| choose(event_target_value(&ev))>
                    {groups.into_iter().filter(|(_, items)| !items.is_empty()).map(|(group, items)| view! {
                        <optgroup label=group>
                            {items.into_iter().map(|e| {
                                let key = format!("{}:{}", e.key, e.id);
                                let value = key.clone();
                                view! {
                                    <option value=value lang=text_lang(&e.name) selected=move || selected.get().as_deref() == Some(key.as_str())>{e.name.clone()}</option>
                                }
                            }).collect_view()}
                        </optgroup>
                    }).collect_view()}
                </select>
            </div>
            <form class="edit-form" on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
                {move || current.get().map(|item| item.fields.into_iter().map(|(field, label, _)| {
                    let id = format!("revision-field-{field}");
                    let error_id = format!("{id}-error");
                    let described = error_id.clone();
                    view! {
                        <div class="field">
                            <label for=id.clone()>{label}</label>
                            <textarea id=id rows=if short_field(field) { "2" } else { "6" }
                                aria-invalid=move || errors.get().contains_key(field).to_string()
                                aria-describedby=described
                                lang=move || typed.get().get(field).and_then(|v| mark_japanese(v))
                                prop:value=move || typed.get().get(field).cloned().unwrap_or_default()
                                on:input=move |ev| typed.update(|t| { t.insert(field, event_target_value(&ev)); })>
                            </textarea>
                            <p class="field__error" id=error_id>
                                {move || errors.get().get(field).cloned().map(|problem| view! { <ProblemMessage problem/> })}
                            </p>
                            {move || (typed.get().get(field) != saved.get().get(field)).then(|| view! { <p class="field__hint">{t!(i18n, revision.unsaved)}</p> })}
                        </div>
                    }
                }).collect_view())}
                <FormOutcome outcome/>
                <button type="submit" disabled=save.pending()>{t!(i18n, revision.save_to_draft)}</button>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn PublishForm(
    api: String,
    token: String,
    info: VersionInfo,
    state: PageState,
    versions: String,
) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), use_lang());
    let confirming = RwSignal::new(None::<&'static str>);
    let outcome = RwSignal::new(None::<Result<String, Problem>>);
    let step = browser_action(move |what: &&'static str| {
        let (method, url) = match *what {
            "publish" => ("POST", format!("{api}/publish")),
            _ => ("DELETE", api.clone()),
        };
        let (token, what, versions) = (token.clone(), *what, versions.clone());
        async move {
            match send_json(method, &url, &token, None).await {
                Ok(_) if what == "publish" => {
                    #[cfg(feature = "hydrate")]
                    let _ = window().location().set_href(&versions);
                    let _ = versions;
                }
                Ok(_) => state.reload.update(|n| *n += 1),
                Err(problem) => outcome.set(Some(Err(problem))),
            }
            confirming.set(None);
        }
    });
    view! {
        <section class="section" aria-labelledby="publish-heading">
            <h2 id="publish-heading">{t!(i18n, revision.publish_heading)}</h2>
            <p>{t!(i18n, revision.publish_lead, version = version_title(&info, lang))}</p>
            {move || match confirming.get() {
                None => view! {
                    <p class="sign-out__choices">
                        <button type="button" class="button--primary" on:click=move |_| confirming.set(Some("publish"))>{t!(i18n, revision.publish_draft)}</button>
                        <button type="button" class="button button--danger" on:click=move |_| confirming.set(Some("discard"))>{t!(i18n, revision.discard_draft)}</button>
                    </p>
                }.into_any(),
                Some(what) => view! {
                    <div class="notice" role="alertdialog" aria-labelledby="confirm-text">
                        <p id="confirm-text"><strong>{if what == "publish" {
                            t_string!(i18n, revision.confirm_publish)
                        } else {
                            t_string!(i18n, revision.confirm_discard)
                        }}</strong></p>
                        <p class="sign-out__choices">
                            <button type="button" class="button--primary" disabled=step.pending() on:click=move |_| { step.dispatch(what); }>
                                {if what == "publish" { t_string!(i18n, revision.publish) } else { t_string!(i18n, revision.discard) }}
                            </button>
                            <button type="button" class="button" on:click=move |_| confirming.set(None)>{t!(i18n, revision.cancel)}</button>
                        </p>
                    </div>
                }.into_any(),
            }}
            <FormOutcome outcome/>
        </section>
    }
}
