//! `/plans/:plan_id/revision`: administrators prepare the plan's next version (改定案). They
//! start it from the current version or from a revised plan file, name it, edit the text of
//! its chapters, structure nodes and measures, see what it changes and what changed in the current version meanwhile, and
//! publish or discard it. Every step is a call to the JSON API (`/api/v1/plans/{plan}/
//! revision…`), which checks and audits it; a refused field keeps what was typed and says why
//! beside it.

use std::collections::BTreeMap;

use keikaku_domain::revision::VersionInfo;
use keikaku_domain::views::{format_japan_time, paths};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde_json::json;

use crate::api::versions::{revision_page, RevisionView};
use crate::client::{send_json, Problem};
use crate::components::diff::ChangeCounts;
use crate::components::form::{browser_action, field_error, FormOutcome};
use crate::components::guarded::{guarded_page, PageTexts};
use crate::components::layout::PageTitle;
use crate::components::plan_header::Breadcrumbs;
use crate::routes::revision_lists::{GlossaryEditor, MeasureListsEditor, MilestoneEditor};
use crate::routes::revision_structure::{ScheduleEditor, StructureEditor};

const TITLE: &str = "改定案の作成と公開";

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
    let texts = PageTexts {
        title: TITLE,
        not_found: "指定された計画は見つかりませんでした。",
        forbidden: "改定案を作成・公開できるのは、この計画を持つ自治体の管理者だけです。",
    };
    guarded_page(page, texts, move |view| view! { <Revision view state/> })
}

#[component]
fn Revision(view: RevisionView, state: PageState) -> impl IntoView {
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
            <p>{format!("いまの版：{}。改定案はまだありません。", current.title())}</p>
            <StartForm api=api.clone() token=csrf_token.clone() state/>
            <FileForm api=api.clone() token=csrf_token.clone() state replaces=false/>
        }
        .into_any(),
        Some((info, file)) => {
            let compare = paths::compare(&plan_id, current.number.0, info.number.0);
            let summary_text = diff.as_ref().map(|d| d.summary()).unwrap_or_default();
            view! {
                <section class="section" aria-labelledby="draft-heading">
                    <h2 id="draft-heading">{format!("{}　改定案", info.title())}</h2>
                    <p class="diff-summary"><strong>"現行版（"{current.title()}"）からの変更："</strong>{summary_text}</p>
                    {diff.filter(|d| !d.is_empty()).map(|d| view! { <ChangeCounts diff=d/> })}
                    <ul class="link-list">
                        <li><a href=paths::version(&plan_id, info.number.0)>"改定案を計画書として読む"</a></li>
                        <li><a href=compare>"現行版との違いを見る"</a></li>
                    </ul>
                    {(!changed_meanwhile.is_empty()).then(|| view! {
                        <div class="notice notice--error" role="note">
                            <p><strong>"改定案の作成後に、現行版が変更されています。"</strong>
                                "公開すると、次の変更は改定案の内容で置き換わります。必要なら改定案にも反映してください。"</p>
                            <ul>
                                {changed_meanwhile.into_iter().map(|(at, who, what)| view! {
                                    <li>{format!("{} {} {what}", format_japan_time(at), who.unwrap_or_default())}</li>
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
    view! {
        <PageTitle text=format!("{TITLE}｜{}", summary.title)/>
        <div class="page">
            <Breadcrumbs trail=vec![
                (summary.title.clone(), Some(paths::plan(&plan_id))),
                ("改定履歴".to_owned(), Some(paths::versions(&plan_id))),
                (TITLE.to_owned(), None),
            ]/>
            <h1>{TITLE}</h1>
            <noscript><p class="notice notice--error">"この画面の操作にはJavaScriptが必要です。"</p></noscript>
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
    let label_id = format!("{prefix}-label");
    let issued_id = format!("{prefix}-issued");
    let label_error = format!("{prefix}-label-error");
    let issued_error = format!("{prefix}-issued-error");
    view! {
        <div class="field">
            <label for=label_id.clone()>"版の名称（例：令和6年3月改定）"</label>
            <input id=label_id type="text" maxlength="100" prop:value=move || label.get()
                aria-describedby=label_error.clone()
                on:input=move |ev| label.set(event_target_value(&ev))/>
            <p class="field__error" id=label_error>{field_error(problem, "label")}</p>
        </div>
        <div class="field">
            <label for=issued_id.clone()>"日付（例：2024-03）"</label>
            <input id=issued_id type="text" inputmode="numeric" maxlength="10" prop:value=move || issued.get()
                aria-describedby=issued_error.clone()
                on:input=move |ev| issued.set(event_target_value(&ev))/>
            <p class="field__error" id=issued_error>{field_error(problem, "issued")}</p>
        </div>
    }
}

fn optional(text: String) -> Option<String> {
    (!text.trim().is_empty()).then_some(text)
}

#[component]
fn StartForm(api: String, token: String, state: PageState) -> impl IntoView {
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
            <h2 id="start-heading">"現行版から改定案を作る"</h2>
            <p>"いまの計画の写しを改定案にして、この画面で編集します。公開するまで、市民が読むのは現行版のままです。"</p>
            <form class="edit-form" on:submit=move |ev| { ev.prevent_default(); start.dispatch(()); }>
                <NamingFields prefix="start" label issued problem=outcome/>
                <FormOutcome outcome/>
                <button type="submit" disabled=start.pending()>"改定案を作る"</button>
            </form>
        </section>
    }
}

/// Reads the chosen file's text in the browser.
#[cfg(feature = "hydrate")]
async fn chosen_file_text(input_id: &str) -> Result<String, Problem> {
    use wasm_bindgen::JsCast;
    let problem = |reason: &str| Problem {
        status: 400,
        field: Some("file".into()),
        reason: reason.into(),
    };
    let input = document()
        .get_element_by_id(input_id)
        .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
        .ok_or_else(|| problem("ファイルを選んでください。"))?;
    let file = input
        .files()
        .and_then(|files| files.get(0))
        .ok_or_else(|| problem("ファイルを選んでください。"))?;
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .map_err(|_| problem("ファイルを読めませんでした。"))?;
    text.as_string()
        .ok_or_else(|| problem("ファイルを読めませんでした。"))
}

#[component]
fn FileForm(api: String, token: String, state: PageState, replaces: bool) -> impl IntoView {
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
                let result = match chosen_file_text("revision-file").await {
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
            let _ = (url, token, state);
        }
    });
    view! {
        <section class="section" aria-labelledby="file-heading">
            <h2 id="file-heading">{if replaces { "改定した計画ファイルで置き換える" } else { "改定した計画ファイルを取り込む" }}</h2>
            <p>"計画ファイル（keikaku-plan/1 形式のJSON）を選びます。"
                {replaces.then_some("いまの改定案の内容は、このファイルの内容に置き換わります。")}</p>
            <form class="edit-form" on:submit=move |ev| { ev.prevent_default(); upload.dispatch(()); }>
                <div class="field">
                    <label for="revision-file">"計画ファイル"</label>
                    <input id="revision-file" type="file" accept=".json,application/json" aria-describedby="revision-file-error"/>
                    <p class="field__error" id="revision-file-error">{field_error(outcome, "file")}</p>
                </div>
                <NamingFields prefix="file" label issued problem=outcome/>
                <FormOutcome outcome beside=&["file", "label", "issued"]/>
                <button type="submit" disabled=upload.pending()>"取り込む"</button>
            </form>
        </section>
    }
}

#[component]
fn LabelForm(api: String, token: String, info: VersionInfo, state: PageState) -> impl IntoView {
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
            <h2 id="label-heading">"版の名称と日付"</h2>
            <form class="edit-form" on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
                <NamingFields prefix="label" label issued problem=outcome/>
                <button type="submit" disabled=save.pending()>"名称と日付を保存する"</button>
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

/// Every chapter, structure node and measure of the draft, in that order.
fn editables(plan: &keikaku_domain::format::Plan) -> Vec<(&'static str, Vec<Editable>)> {
    use keikaku_domain::document::{chapter_heading, measure_field, measure_heading};
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
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
                ("number", "番号", text(&c.number)),
                ("title", "見出し", c.title.clone()),
                ("body", "本文", text(&c.body)),
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
                ("label", "区分の名称", text(&n.label)),
                ("number", "番号", text(&n.number)),
                ("title", "名称", n.title.clone()),
                ("description", "説明", text(&n.description)),
            ],
        })
        .collect();
    let measures = plan
        .measures
        .iter()
        .map(|m| {
            let mut fields = vec![
                ("number", "番号", text(&m.number)),
                ("title", "施策名", m.title.clone()),
            ];
            for (field, label) in keikaku_domain::document::MEASURE_FIELDS {
                fields.push((
                    field,
                    label,
                    measure_field(m, field).cloned().unwrap_or_default(),
                ));
            }
            fields.push((
                "departments_note",
                "担当課の注記",
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
        ("本文の章", chapters),
        ("計画の体系", nodes),
        ("施策", measures),
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
    let groups = editables(&plan);
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
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
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
                            e.insert((*field).to_owned(), problem.message());
                        });
                        failed += 1;
                    }
                }
            }
            outcome.set(Some(match (ok, failed) {
                (0, 0) => Ok("変更はありません。".to_owned()),
                (n, 0) => Ok(format!("{n}項目を改定案に保存しました。")),
                (n, f) => Err(Problem {
                    status: 400,
                    field: None,
                    reason: format!("{f}項目を保存できませんでした（{n}項目は保存済み）。各項目の説明を確認してください。入力内容はそのまま残っています。"),
                }),
            }));
        }
    });
    view! {
        <section class="section" aria-labelledby="text-editor-heading">
            <h2 id="text-editor-heading">"改定案の文章を編集する"</h2>
            <div class="field">
                <label for="revision-item">"編集する箇所"</label>
                <select id="revision-item" on:change=move |ev| choose(event_target_value(&ev))>
                    {groups.into_iter().filter(|(_, items)| !items.is_empty()).map(|(group, items)| view! {
                        <optgroup label=group>
                            {items.into_iter().map(|e| {
                                let key = format!("{}:{}", e.key, e.id);
                                let value = key.clone();
                                view! {
                                    <option value=value selected=move || selected.get().as_deref() == Some(key.as_str())>{e.name}</option>
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
                                prop:value=move || typed.get().get(field).cloned().unwrap_or_default()
                                on:input=move |ev| typed.update(|t| { t.insert(field, event_target_value(&ev)); })>
                            </textarea>
                            <p class="field__error" id=error_id>{move || errors.get().get(field).cloned()}</p>
                            {move || (typed.get().get(field) != saved.get().get(field)).then(|| view! { <p class="field__hint">"未保存の変更があります"</p> })}
                        </div>
                    }
                }).collect_view())}
                <FormOutcome outcome/>
                <button type="submit" disabled=save.pending()>"改定案に保存する"</button>
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
    let title = info.title();
    view! {
        <section class="section" aria-labelledby="publish-heading">
            <h2 id="publish-heading">"公開または破棄"</h2>
            <p>{format!("公開すると、{title}が現行版になり、市民が読む計画の内容が改定案の内容に変わります。いまの版は以前の版として残り、いつでも読めます。")}</p>
            {move || match confirming.get() {
                None => view! {
                    <p class="sign-out__choices">
                        <button type="button" class="button--primary" on:click=move |_| confirming.set(Some("publish"))>"この改定案を公開する"</button>
                        <button type="button" class="button button--danger" on:click=move |_| confirming.set(Some("discard"))>"改定案を破棄する"</button>
                    </p>
                }.into_any(),
                Some(what) => view! {
                    <div class="notice" role="alertdialog" aria-labelledby="confirm-text">
                        <p id="confirm-text"><strong>{if what == "publish" {
                            "本当に公開しますか。公開は取り消せません（次の改定で直せます）。"
                        } else {
                            "本当に破棄しますか。改定案への編集はすべて失われます。"
                        }}</strong></p>
                        <p class="sign-out__choices">
                            <button type="button" class="button--primary" disabled=step.pending() on:click=move |_| { step.dispatch(what); }>
                                {if what == "publish" { "公開する" } else { "破棄する" }}
                            </button>
                            <button type="button" class="button" on:click=move |_| confirming.set(None)>"やめる"</button>
                        </p>
                    </div>
                }.into_any(),
            }}
            <FormOutcome outcome/>
        </section>
    }
}
