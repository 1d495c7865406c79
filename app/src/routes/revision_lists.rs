//! The draft revision's lists, edited on `/plans/:plan_id/revision` with one form each: the
//! glossary, the milestones, and each measure's actions and KPIs. [`ListEditor`] is the form
//! they share: choose an entry (or a new one), change its fields, save it or remove it. Each
//! step is one typed edit of the API; a refused one says why beside the field at fault and
//! changes nothing, and what was typed stays.

use std::sync::Arc;

use keikaku_domain::format::{Action, Kpi, KpiPoint, Measure, Plan};
use leptos::prelude::*;
use serde_json::{json, Value};

use super::revision_structure::edit_action;
use crate::client::Problem;
use crate::components::form::{field_error, FormOutcome};

/// One field of a list editor's form.
#[derive(Clone, Copy)]
pub struct ListField {
    /// The element id's suffix: `{editor}-{dom}`.
    pub dom: &'static str,
    /// The request field a refusal names for it (`term.definition`).
    pub api: &'static str,
    pub label: &'static str,
    pub multiline: bool,
    /// Only a new entry sets it (an id).
    pub fixed: bool,
}

const fn field(dom: &'static str, api: &'static str, label: &'static str) -> ListField {
    ListField {
        dom,
        api,
        label,
        multiline: false,
        fixed: false,
    }
}

/// A field only a new entry sets (an id).
const fn fixed(field: ListField) -> ListField {
    ListField {
        fixed: true,
        ..field
    }
}

/// A field of several lines.
const fn multiline(field: ListField) -> ListField {
    ListField {
        multiline: true,
        ..field
    }
}

/// An entry of the list: its key, how the choice names it, and its fields' values.
#[derive(Clone)]
pub struct ListItem {
    pub key: String,
    pub label: String,
    pub values: Vec<String>,
}

/// The edit that saves an entry (the chosen key, or `None` for a new one) with these values,
/// or a refusal of the values before anything is sent.
pub type SaveEdit = Arc<dyn Fn(Option<&str>, &[String]) -> Result<Value, Problem> + Send + Sync>;
/// The edit that removes the entry with this key.
pub type RemoveEdit = Arc<dyn Fn(&str) -> Value + Send + Sync>;

/// A refusal of the field `field`, made in the browser before anything is sent.
fn refusal(field: &str, reason: &str) -> Problem {
    Problem {
        status: 400,
        field: Some(field.to_owned()),
        reason: reason.to_owned(),
    }
}

#[component]
pub fn ListEditor(
    api: String,
    token: String,
    reload: RwSignal<u32>,
    /// Element ids begin with it (`term` → `term-choice`).
    id: &'static str,
    heading: String,
    /// What an entry is called: 「用語」.
    noun: &'static str,
    items: Vec<ListItem>,
    /// A new entry's values.
    blank: Vec<String>,
    fields: Vec<ListField>,
    /// The fields whose refusals are shown beside them.
    beside: &'static [&'static str],
    save: SaveEdit,
    remove: RemoveEdit,
) -> impl IntoView {
    let outcome = RwSignal::new(None::<Result<String, Problem>>);
    let send = edit_action(api, token, reload, outcome);
    let chosen = RwSignal::new(String::new());
    let values: Vec<RwSignal<String>> = blank.iter().map(|v| RwSignal::new(v.clone())).collect();
    let choose = {
        let (items, values, blank) = (items.clone(), values.clone(), blank.clone());
        move |key: String| {
            let found = items.iter().find(|i| i.key == key);
            for (i, value) in values.iter().enumerate() {
                value.set(found.map_or(&blank[i], |f| &f.values[i]).clone());
            }
            chosen.set(key);
            outcome.set(None);
        }
    };
    let submit = {
        let values = values.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let key = chosen.get_untracked();
            let typed: Vec<String> = values.iter().map(|v| v.get_untracked()).collect();
            match save((!key.is_empty()).then_some(key.as_str()), &typed) {
                Ok(body) => {
                    send.dispatch((body, format!("{noun}を保存しました。")));
                }
                Err(problem) => outcome.set(Some(Err(problem))),
            }
        }
    };
    let heading_id = format!("{id}-editor-heading");
    let inputs = fields
        .iter()
        .zip(values)
        .map(|(field, value)| {
            let element = format!("{id}-{}", field.dom);
            let error = format!("{element}-error");
            let input = if field.multiline {
                view! {
                    <textarea id=element.clone() rows="4" aria-describedby=error.clone()
                        prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))></textarea>
                }
                .into_any()
            } else {
                let fixed = field.fixed;
                view! {
                    <input id=element.clone() type="text" maxlength="1000" aria-describedby=error.clone()
                        readonly=move || fixed && !chosen.get().is_empty()
                        prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
                }
                .into_any()
            };
            view! {
                <div class="field">
                    <label for=element>{field.label}</label>
                    {input}
                    <p class="field__error" id=error>{field_error(outcome, field.api)}</p>
                </div>
            }
        })
        .collect_view();
    let choice = format!("{id}-choice");
    let labelled = heading_id.clone();
    view! {
        <section class="section" aria-labelledby=labelled>
            <h2 id=heading_id>{heading}</h2>
            <form class="edit-form" on:submit=submit>
                <div class="field">
                    <label for=choice.clone()>{noun}</label>
                    <select id=choice on:change=move |ev| choose(event_target_value(&ev))>
                        <option value="">{format!("（新しい{noun}を追加）")}</option>
                        {items.iter().map(|i| view! { <option value=i.key.clone()>{i.label.clone()}</option> }).collect_view()}
                    </select>
                </div>
                {inputs}
                <FormOutcome outcome beside/>
                <p class="sign-out__choices">
                    <button type="submit" disabled=send.pending()>{format!("{noun}を保存する")}</button>
                    <button type="button" class="button button--danger" disabled=move || chosen.get().is_empty()
                        on:click=move |_| {
                            let body = remove(&chosen.get_untracked());
                            send.dispatch((body, format!("{noun}を削除しました。")));
                        }>
                        {format!("この{noun}を削除する")}
                    </button>
                </p>
            </form>
        </section>
    }
}

/// Text split at 「、」 or commas, trimmed, empty parts dropped.
fn list_of(text: &str) -> Vec<String> {
    text.split(['、', ','])
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .collect()
}

/// Blank text as absent.
fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

/// The draft's glossary: change an entry, add one, or remove one.
#[component]
pub fn GlossaryEditor(
    api: String,
    token: String,
    plan: Plan,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let items = plan
        .glossary
        .iter()
        .map(|t| ListItem {
            key: t.id.clone(),
            label: t.term.clone(),
            values: vec![
                t.id.clone(),
                t.term.clone(),
                t.aliases.join("、"),
                t.definition.clone(),
            ],
        })
        .collect();
    let fields = vec![
        fixed(field("id", "term.id", "ID（英小文字・数字・ハイフン）")),
        field("term", "term.term", "見出し語"),
        field("aliases", "term.aliases", "別の書き方（「、」で区切る）"),
        multiline(field("definition", "term.definition", "説明")),
    ];
    let save: SaveEdit = Arc::new(|_, v: &[String]| {
        Ok(json!({"op": "put_term", "term": {
            "id": v[0].trim(), "term": v[1], "aliases": list_of(&v[2]), "definition": v[3]
        }}))
    });
    let remove: RemoveEdit = Arc::new(|key: &str| json!({"op": "remove_term", "id": key}));
    view! {
        <ListEditor api token reload id="term" heading="用語集を編集する".to_owned() noun="用語" items
            blank=vec![String::new(); 4] fields beside=&["term.id", "term.term", "term.definition"] save remove/>
    }
}

/// The draft's milestones: change one, add one, or remove one.
#[component]
pub fn MilestoneEditor(
    api: String,
    token: String,
    plan: Plan,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let items = plan
        .milestones
        .iter()
        .enumerate()
        .map(|(i, m)| ListItem {
            key: i.to_string(),
            label: format!("{} {}", m.fiscal_year.japanese(), m.text),
            values: vec![
                m.fiscal_year.0.to_string(),
                m.group.clone().unwrap_or_default(),
                m.text.clone(),
            ],
        })
        .collect();
    let first_year = plan
        .period
        .as_ref()
        .map_or(String::new(), |p| p.start_fiscal_year.0.to_string());
    let fields = vec![
        field("year", "milestone.fiscal_year", "年度（西暦）"),
        field("group", "milestone.group", "区分（任意）"),
        field("text", "milestone.text", "内容"),
    ];
    let save: SaveEdit = Arc::new(|key, v: &[String]| {
        let fiscal_year: i32 = v[0].trim().parse().map_err(|_| {
            refusal(
                "milestone.fiscal_year",
                "年度を西暦の数字で入力してください（例：2025）。",
            )
        })?;
        let index = key.and_then(|k| k.parse::<usize>().ok());
        Ok(json!({"op": "put_milestone", "index": index, "milestone": {
            "fiscal_year": fiscal_year, "group": optional(&v[1]), "text": v[2]
        }}))
    });
    let remove: RemoveEdit = Arc::new(
        |key: &str| json!({"op": "remove_milestone", "index": key.parse::<usize>().unwrap_or(usize::MAX)}),
    );
    view! {
        <ListEditor api token reload id="milestone" heading="マイルストーンを編集する".to_owned() noun="マイルストーン"
            items blank=vec![first_year, String::new(), String::new()] fields
            beside=&["milestone.fiscal_year", "milestone.text"] save remove/>
    }
}

/// The draft's actions and KPIs of one measure at a time: change, add or remove them.
#[component]
pub fn MeasureListsEditor(
    api: String,
    token: String,
    plan: Plan,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let measures = plan.measures.clone();
    if measures.is_empty() {
        // Plans whose structure holds no measures (松江市, 上郡町) have no actions or KPIs.
        return None;
    }
    let chosen = RwSignal::new(measures[0].id.clone());
    let options = measures
        .iter()
        .map(|m| {
            let label = keikaku_domain::document::measure_heading(m);
            view! { <option value=m.id.clone() selected={m.id == chosen.get_untracked()}>{label}</option> }
        })
        .collect_view();
    Some(view! {
        <section class="section" aria-labelledby="measure-lists-heading">
            <h2 id="measure-lists-heading">"施策の取組とKPIを編集する"</h2>
            <div class="field">
                <label for="lists-measure">"施策"</label>
                <select id="lists-measure" on:change=move |ev| chosen.set(event_target_value(&ev))>{options}</select>
            </div>
            {move || {
                let measure = measures.iter().find(|m| m.id == chosen.get())?.clone();
                Some(view! {
                    <ActionEditor api=api.clone() token=token.clone() measure=measure.clone() reload/>
                    <KpiEditor api=api.clone() token=token.clone() measure reload/>
                })
            }}
        </section>
    })
}

#[component]
fn ActionEditor(
    api: String,
    token: String,
    measure: Measure,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let items = measure
        .actions
        .iter()
        .map(|a| ListItem {
            key: a.id.clone(),
            label: format!(
                "{}{}",
                a.number
                    .clone()
                    .map(|n| format!("{n} "))
                    .unwrap_or_default(),
                a.title
            ),
            values: vec![
                a.id.clone(),
                a.number.clone().unwrap_or_default(),
                a.title.clone(),
                a.group.clone().unwrap_or_default(),
            ],
        })
        .collect();
    let fields = vec![
        fixed(field("id", "action.id", "ID（英小文字・数字・ハイフン）")),
        field("number", "action.number", "番号（任意）"),
        multiline(field("title", "action.title", "取組の内容")),
        field("group", "action.group", "区分（任意）"),
    ];
    let id = measure.id.clone();
    let actions = measure.actions.clone();
    let save: SaveEdit = Arc::new(move |key, v: &[String]| {
        // What the form does not show (the roadmap cells, the group's description) stays.
        let kept = key.and_then(|k| actions.iter().find(|a| a.id == k));
        let action = Action {
            id: v[0].trim().to_owned(),
            number: optional(&v[1]),
            title: v[2].clone(),
            group: optional(&v[3]),
            group_description: kept.and_then(|a| a.group_description.clone()),
            schedule: kept.map(|a| a.schedule.clone()).unwrap_or_default(),
            en: kept.and_then(|a| a.en.clone()),
        };
        Ok(json!({"op": "put_action", "measure": id, "action": action}))
    });
    let measure_id = measure.id.clone();
    let remove: RemoveEdit = Arc::new(
        move |key: &str| json!({"op": "remove_action", "measure": measure_id, "action": key}),
    );
    view! {
        <ListEditor api token reload id="action" heading="取組".to_owned() noun="取組" items
            blank=vec![String::new(); 4] fields beside=&["action.id", "action.title"] save remove/>
    }
}

#[component]
fn KpiEditor(api: String, token: String, measure: Measure, reload: RwSignal<u32>) -> impl IntoView {
    let point = |p: &Option<KpiPoint>| {
        p.as_ref().map_or((String::new(), String::new()), |p| {
            (
                p.value.to_string(),
                p.year.map(|y| y.to_string()).unwrap_or_default(),
            )
        })
    };
    let items = measure
        .kpis
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let (baseline, baseline_year) = point(&k.baseline);
            let (target, target_year) = point(&k.target);
            ListItem {
                key: i.to_string(),
                label: k.text.clone(),
                values: vec![
                    k.text.clone(),
                    k.label.clone(),
                    k.unit.clone().unwrap_or_default(),
                    baseline,
                    baseline_year,
                    target,
                    target_year,
                    k.source.clone().unwrap_or_default(),
                ],
            }
        })
        .collect();
    let fields = vec![
        multiline(field("text", "kpi.text", "KPI（計画の記載どおり）")),
        field("label", "kpi.label", "指標名"),
        field("unit", "kpi.unit", "単位（任意）"),
        field("baseline", "kpi.baseline.value", "基準値（任意、数値）"),
        field(
            "baseline-year",
            "kpi.baseline.year",
            "基準値の年（任意、西暦）",
        ),
        field("target", "kpi.target.value", "目標値（任意、数値）"),
        field("target-year", "kpi.target.year", "目標値の年（任意、西暦）"),
        field("source", "kpi.source", "出典（任意）"),
    ];
    let id = measure.id.clone();
    let kpis = measure.kpis.clone();
    let save: SaveEdit = Arc::new(move |key, v: &[String]| {
        let index = key.and_then(|k| k.parse::<usize>().ok());
        let kept = index.and_then(|i| kpis.get(i));
        let point = |value: &str, year: &str, field: &str, kept: Option<&KpiPoint>| {
            if value.trim().is_empty() {
                return Ok(None);
            }
            let value: f64 = value.trim().parse().map_err(|_| {
                refusal(
                    &format!("{field}.value"),
                    "数値で入力してください（例：12.5）。",
                )
            })?;
            let year = match year.trim() {
                "" => None,
                y => Some(y.parse::<i32>().map_err(|_| {
                    refusal(
                        &format!("{field}.year"),
                        "年を西暦の数字で入力してください（例：2025）。",
                    )
                })?),
            };
            Ok(Some(KpiPoint {
                value,
                year,
                year_kind: kept.map(|p: &KpiPoint| p.year_kind).unwrap_or_default(),
                note: kept.and_then(|p| p.note.clone()),
                relative: kept.is_some_and(|p| p.relative),
            }))
        };
        let kpi = Kpi {
            text: v[0].clone(),
            label: v[1].clone(),
            unit: optional(&v[2]),
            baseline: point(
                &v[3],
                &v[4],
                "kpi.baseline",
                kept.and_then(|k| k.baseline.as_ref()),
            )?,
            target: point(
                &v[5],
                &v[6],
                "kpi.target",
                kept.and_then(|k| k.target.as_ref()),
            )?,
            source: optional(&v[7]),
            en: kept.and_then(|k| k.en.clone()),
        };
        Ok(json!({"op": "put_kpi", "measure": id, "index": index, "kpi": kpi}))
    });
    let measure_id = measure.id.clone();
    let remove: RemoveEdit = Arc::new(
        move |key: &str| json!({"op": "remove_kpi", "measure": measure_id, "index": key.parse::<usize>().unwrap_or(usize::MAX)}),
    );
    view! {
        <ListEditor api token reload id="kpi" heading="KPI".to_owned() noun="KPI" items
            blank=vec![String::new(); 8] fields
            beside=&["kpi.text", "kpi.label", "kpi.baseline", "kpi.target"] save remove/>
    }
}
