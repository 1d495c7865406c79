//! The draft revision's lists, edited on `/plans/:plan_id/revision` with one form each: the
//! glossary, the milestones, and each measure's actions and KPIs. [`ListEditor`] is the form
//! they share: choose an entry (or a new one), change its fields, save it or remove it. Each
//! step is one typed edit of the API; a refused one says why beside the field at fault and
//! changes nothing, and what was typed stays.

use std::sync::Arc;

use keikaku_domain::format::{Action, Kpi, KpiPoint, Measure, Plan};
use keikaku_domain::lang::{mark_japanese, text_lang, Lang};
use leptos::prelude::*;
use serde_json::{json, Value};

use super::revision_structure::{edit_action, FieldError};
use crate::client::Problem;
use crate::components::form::FormOutcome;
use crate::i18n::{t, t_string, use_i18n};
use crate::lang::use_lang;

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
    /// What an entry is called, as the choice's label: 「用語」, `Term`.
    noun: &'static str,
    /// The same within a sentence: 「用語」, `term`.
    noun_in_text: &'static str,
    items: Vec<ListItem>,
    /// A new entry's values.
    blank: Vec<String>,
    fields: Vec<ListField>,
    /// The fields whose refusals are shown beside them.
    beside: &'static [&'static str],
    save: SaveEdit,
    remove: RemoveEdit,
) -> impl IntoView {
    let i18n = use_i18n();
    let saved = t_string!(i18n, revision.entry_saved, noun = noun_in_text).to_string();
    let removed = t_string!(i18n, revision.entry_removed, noun = noun_in_text).to_string();
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
                    send.dispatch((body, saved.clone()));
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
            // What the field holds is the plan's words, in Japanese or English.
            let lang = move || mark_japanese(&value.get());
            let input = if field.multiline {
                view! {
                    <textarea id=element.clone() rows="4" aria-describedby=error.clone() lang=lang
                        prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))></textarea>
                }
                .into_any()
            } else {
                let fixed = field.fixed;
                view! {
                    <input id=element.clone() type="text" maxlength="1000" aria-describedby=error.clone() lang=lang
                        readonly=move || fixed && !chosen.get().is_empty()
                        prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
                }
                .into_any()
            };
            view! {
                <div class="field">
                    <label for=element>{field.label}</label>
                    {input}
                    <FieldError outcome field=field.api id=error/>
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
                        <option value="">{t_string!(i18n, revision.new_entry, noun = noun_in_text).to_string()}</option>
                        {items.iter().map(|i| view! { <option value=i.key.clone() lang=text_lang(&i.label)>{i.label.clone()}</option> }).collect_view()}
                    </select>
                </div>
                {inputs}
                <FormOutcome outcome beside/>
                <p class="sign-out__choices">
                    <button type="submit" disabled=send.pending()>{t!(i18n, revision.save_entry, noun = noun_in_text)}</button>
                    <button type="button" class="button button--danger" disabled=move || chosen.get().is_empty()
                        on:click=move |_| {
                            let body = remove(&chosen.get_untracked());
                            send.dispatch((body, removed.clone()));
                        }>
                        {t!(i18n, revision.remove_entry, noun = noun_in_text)}
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
    let (i18n, lang) = (use_i18n(), use_lang());
    let items = plan
        .glossary
        .iter()
        .map(|t| ListItem {
            key: t.id.clone(),
            label: t.term.clone(),
            values: vec![
                t.id.clone(),
                t.term.clone(),
                t.aliases.join(match lang {
                    Lang::Ja => "、",
                    _ => ", ",
                }),
                t.definition.clone(),
            ],
        })
        .collect();
    let fields = vec![
        fixed(field("id", "term.id", t_string!(i18n, revision.id))),
        field("term", "term.term", t_string!(i18n, revision.term_term)),
        field(
            "aliases",
            "term.aliases",
            t_string!(i18n, revision.term_aliases),
        ),
        multiline(field(
            "definition",
            "term.definition",
            t_string!(i18n, revision.term_definition),
        )),
    ];
    let save: SaveEdit = Arc::new(|_, v: &[String]| {
        Ok(json!({"op": "put_term", "term": {
            "id": v[0].trim(), "term": v[1], "aliases": list_of(&v[2]), "definition": v[3]
        }}))
    });
    let remove: RemoveEdit = Arc::new(|key: &str| json!({"op": "remove_term", "id": key}));
    view! {
        <ListEditor api token reload id="term" heading=t_string!(i18n, revision.glossary_heading).to_owned()
            noun=t_string!(i18n, revision.term) noun_in_text=t_string!(i18n, revision.term_noun) items
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
    let (i18n, lang) = (use_i18n(), use_lang());
    let items = plan
        .milestones
        .iter()
        .enumerate()
        .map(|(i, m)| ListItem {
            key: i.to_string(),
            label: match lang {
                Lang::Ja => format!("{} {}", m.fiscal_year.japanese(), m.text),
                _ => format!("{} {}", m.fiscal_year.label_in(lang), m.text),
            },
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
        field(
            "year",
            "milestone.fiscal_year",
            t_string!(i18n, revision.milestone_year),
        ),
        field("group", "milestone.group", t_string!(i18n, revision.group)),
        field(
            "text",
            "milestone.text",
            t_string!(i18n, revision.milestone_text),
        ),
    ];
    let year_refused = t_string!(i18n, revision.year_refused);
    let save: SaveEdit = Arc::new(move |key, v: &[String]| {
        let fiscal_year: i32 = v[0]
            .trim()
            .parse()
            .map_err(|_| refusal("milestone.fiscal_year", year_refused))?;
        let index = key.and_then(|k| k.parse::<usize>().ok());
        Ok(json!({"op": "put_milestone", "index": index, "milestone": {
            "fiscal_year": fiscal_year, "group": optional(&v[1]), "text": v[2]
        }}))
    });
    let remove: RemoveEdit = Arc::new(
        |key: &str| json!({"op": "remove_milestone", "index": key.parse::<usize>().unwrap_or(usize::MAX)}),
    );
    view! {
        <ListEditor api token reload id="milestone" heading=t_string!(i18n, revision.milestones_heading).to_owned()
            noun=t_string!(i18n, revision.milestone) noun_in_text=t_string!(i18n, revision.milestone_noun)
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
    let i18n = use_i18n();
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
            view! { <option value=m.id.clone() lang=text_lang(&label) selected={m.id == chosen.get_untracked()}>{label.clone()}</option> }
        })
        .collect_view();
    Some(view! {
        <section class="section" aria-labelledby="measure-lists-heading">
            <h2 id="measure-lists-heading">{t!(i18n, revision.measure_lists_heading)}</h2>
            <div class="field">
                <label for="lists-measure">{t!(i18n, revision.measure)}</label>
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
    let i18n = use_i18n();
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
        fixed(field("id", "action.id", t_string!(i18n, revision.id))),
        field(
            "number",
            "action.number",
            t_string!(i18n, revision.action_number),
        ),
        multiline(field(
            "title",
            "action.title",
            t_string!(i18n, revision.action_title),
        )),
        field("group", "action.group", t_string!(i18n, revision.group)),
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
        <ListEditor api token reload id="action" heading=t_string!(i18n, revision.actions_heading).to_owned()
            noun=t_string!(i18n, revision.action) noun_in_text=t_string!(i18n, revision.action_noun) items
            blank=vec![String::new(); 4] fields beside=&["action.id", "action.title"] save remove/>
    }
}

#[component]
fn KpiEditor(api: String, token: String, measure: Measure, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
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
        multiline(field(
            "text",
            "kpi.text",
            t_string!(i18n, revision.kpi_text),
        )),
        field("label", "kpi.label", t_string!(i18n, revision.kpi_label)),
        field("unit", "kpi.unit", t_string!(i18n, revision.kpi_unit)),
        field(
            "baseline",
            "kpi.baseline.value",
            t_string!(i18n, revision.kpi_baseline),
        ),
        field(
            "baseline-year",
            "kpi.baseline.year",
            t_string!(i18n, revision.kpi_baseline_year),
        ),
        field(
            "target",
            "kpi.target.value",
            t_string!(i18n, revision.kpi_target),
        ),
        field(
            "target-year",
            "kpi.target.year",
            t_string!(i18n, revision.kpi_target_year),
        ),
        field("source", "kpi.source", t_string!(i18n, revision.kpi_source)),
    ];
    let (number_refused, year_refused) = (
        t_string!(i18n, revision.number_refused),
        t_string!(i18n, revision.kpi_year_refused),
    );
    let id = measure.id.clone();
    let kpis = measure.kpis.clone();
    let save: SaveEdit = Arc::new(move |key, v: &[String]| {
        let index = key.and_then(|k| k.parse::<usize>().ok());
        let kept = index.and_then(|i| kpis.get(i));
        let point = |value: &str, year: &str, field: &str, kept: Option<&KpiPoint>| {
            if value.trim().is_empty() {
                return Ok(None);
            }
            let value: f64 = value
                .trim()
                .parse()
                .map_err(|_| refusal(&format!("{field}.value"), number_refused))?;
            let year = match year.trim() {
                "" => None,
                y => Some(
                    y.parse::<i32>()
                        .map_err(|_| refusal(&format!("{field}.year"), year_refused))?,
                ),
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
        <ListEditor api token reload id="kpi" heading=t_string!(i18n, revision.kpis_heading).to_owned()
            noun=t_string!(i18n, revision.kpi) noun_in_text=t_string!(i18n, revision.kpi_noun) items
            blank=vec![String::new(); 8] fields
            beside=&["kpi.text", "kpi.label", "kpi.baseline", "kpi.target"] save remove/>
    }
}
