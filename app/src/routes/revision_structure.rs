//! The draft revision's structure and roadmap, edited on `/plans/:plan_id/revision`: add,
//! rename (in the text editor), move and remove nodes, place measures under nodes (one measure
//! may sit under several), and set the roadmap cells of a measure or action year by year.
//! Each step is one typed edit of the API; a refused one says why beside the form and changes
//! nothing.

use keikaku_domain::format::{walk_nodes, Node, NodeKind, Plan};
use keikaku_domain::lang::{mark_japanese, text_lang, Lang};
use leptos::prelude::*;
use serde_json::{json, Value};

use crate::client::{send_json, Problem, ProblemMessage};
use crate::components::form::{browser_action, field_error, FormOutcome, Outcome};
use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::lang::use_lang;
use leptos_i18n::I18nContext;

/// The paragraph beside a field saying why the last request refused it, in the page's
/// language, with the server's reason marked as Japanese where it holds Japanese.
#[component]
pub(super) fn FieldError(outcome: Outcome, field: &'static str, id: String) -> impl IntoView {
    let refused = field_error(outcome, field);
    view! {
        <p class="field__error" id=id>
            {move || refused().map(|problem| view! { <ProblemMessage problem/> })}
        </p>
    }
}

/// Sends one edit of the draft; `reload` is bumped when it was applied.
pub(super) fn edit_action(
    api: String,
    token: String,
    reload: RwSignal<u32>,
    outcome: RwSignal<Option<Result<String, Problem>>>,
) -> Action<(Value, String), ()> {
    browser_action(move |(body, done): &(Value, String)| {
        let (api, token, body, done) = (api.clone(), token.clone(), body.clone(), done.clone());
        async move {
            match send_json("PATCH", &api, &token, Some(&body)).await {
                Ok(_) => {
                    outcome.set(Some(Ok(done)));
                    reload.update(|n| *n += 1);
                }
                Err(problem) => outcome.set(Some(Err(problem))),
            }
        }
    })
}

/// The name of a kind of node as the interface offers it: the plan's default label in
/// Japanese, an English name otherwise.
fn kind_name(i18n: I18nContext<Locale>, kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Vision => t_string!(i18n, revision.kind_vision),
        NodeKind::Mission => t_string!(i18n, revision.kind_mission),
        NodeKind::Value => t_string!(i18n, revision.kind_value),
        NodeKind::Policy => t_string!(i18n, revision.kind_policy),
        NodeKind::Pillar => t_string!(i18n, revision.kind_pillar),
        NodeKind::Category => t_string!(i18n, revision.kind_category),
        NodeKind::Perspective => t_string!(i18n, revision.kind_perspective),
        NodeKind::Goal => t_string!(i18n, revision.kind_goal),
    }
}

const KINDS: [(NodeKind, &str); 8] = [
    (NodeKind::Vision, "vision"),
    (NodeKind::Mission, "mission"),
    (NodeKind::Value, "value"),
    (NodeKind::Policy, "policy"),
    (NodeKind::Pillar, "pillar"),
    (NodeKind::Category, "category"),
    (NodeKind::Perspective, "perspective"),
    (NodeKind::Goal, "goal"),
];

/// A node, its parent, its index among its siblings, how many they are, and its depth.
type NodeRow = (Node, Option<String>, usize, usize, usize);

/// Each node with its parent and its place among its siblings, in document order.
fn node_rows(nodes: &[Node]) -> Vec<NodeRow> {
    fn walk(nodes: &[Node], parent: Option<&str>, depth: usize, out: &mut Vec<NodeRow>) {
        for (i, node) in nodes.iter().enumerate() {
            out.push((
                node.clone(),
                parent.map(str::to_owned),
                i,
                nodes.len(),
                depth,
            ));
            walk(&node.children, Some(&node.id), depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(nodes, None, 0, &mut out);
    out
}

#[component]
pub fn StructureEditor(
    api: String,
    token: String,
    plan: Plan,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), use_lang());
    let outcome = RwSignal::new(None::<Result<String, Problem>>);
    let send = edit_action(api, token, reload, outcome);
    let rows = node_rows(&plan.structure);
    let parents: Vec<(String, String)> = walk_nodes(&plan.structure)
        .into_iter()
        .map(|n| (n.id.clone(), format!("{} {}", n.display_label(), n.title)))
        .collect();
    // Adding a node.
    let new_parent = RwSignal::new(String::new());
    let new_id = RwSignal::new(String::new());
    let new_kind = RwSignal::new("goal".to_owned());
    let new_title = RwSignal::new(String::new());
    // Placing measures.
    let place_node = RwSignal::new(rows.first().map(|r| r.0.id.clone()).unwrap_or_default());
    let placed = {
        let plan = plan.clone();
        move || {
            walk_nodes(&plan.structure)
                .into_iter()
                .find(|n| n.id == place_node.get())
                .map(|n| n.measures.clone())
                .unwrap_or_default()
        }
    };
    let chosen = RwSignal::new(Vec::<String>::new());
    Effect::new(move |_| chosen.set(placed()));
    view! {
        <section class="section" aria-labelledby="structure-editor-heading">
            <h2 id="structure-editor-heading">{t!(i18n, revision.structure_heading)}</h2>
            <FormOutcome outcome/>
            <ul class="structure-editor">
                {rows.into_iter().map(|(node, parent, index, count, depth)| {
                    let name = format!("{} {}", node.display_label(), node.title);
                    let (up_id, down_id, remove_id) = (node.id.clone(), node.id.clone(), node.id.clone());
                    let (up_parent, down_parent) = (parent.clone(), parent.clone());
                    // Each button is named with its node: in Japanese by its label (「上へ：目標1
                    // …」); elsewhere by its own text and the node's name, which is Japanese
                    // and so cannot sit in an attribute.
                    let name_id = format!("structure-node-{}", node.id);
                    let named = |button: &str, label: String| match lang {
                        Lang::Ja => (Some(label), None),
                        _ => (None, Some(format!("structure-{button}-{} {name_id}", node.id))),
                    };
                    let (up_label, up_by) = named("up", t_string!(i18n, revision.up_named, name = name.clone()).to_string());
                    let (down_label, down_by) = named("down", t_string!(i18n, revision.down_named, name = name.clone()).to_string());
                    let (remove_label, remove_by) = named("remove", t_string!(i18n, revision.remove_named, name = name.clone()).to_string());
                    let moved_up = t_string!(i18n, revision.moved_up, name = name.clone()).to_string();
                    let moved_down = t_string!(i18n, revision.moved_down, name = name.clone()).to_string();
                    let removed = t_string!(i18n, revision.removed, name = name.clone()).to_string();
                    view! {
                        <li class=format!("structure-editor__node structure-editor__node--{}", depth.min(4))>
                            <span id=name_id.clone() lang=text_lang(&name)>{name.clone()}</span>
                            <span class="structure-editor__buttons">
                                <button type="button" class="button" disabled={index == 0}
                                    id=format!("structure-up-{}", node.id) aria-label=up_label aria-labelledby=up_by
                                    on:click=move |_| { send.dispatch((json!({"op": "move_node", "node": up_id, "parent": up_parent, "position": index.saturating_sub(1)}), moved_up.clone())); }>
                                    {t!(i18n, revision.up)}
                                </button>
                                <button type="button" class="button" disabled={index + 1 >= count}
                                    id=format!("structure-down-{}", node.id) aria-label=down_label aria-labelledby=down_by
                                    on:click=move |_| { send.dispatch((json!({"op": "move_node", "node": down_id, "parent": down_parent, "position": index + 1}), moved_down.clone())); }>
                                    {t!(i18n, revision.down)}
                                </button>
                                <button type="button" class="button button--danger"
                                    id=format!("structure-remove-{}", node.id) aria-label=remove_label aria-labelledby=remove_by
                                    on:click=move |_| { send.dispatch((json!({"op": "remove_node", "node": remove_id}), removed.clone())); }>
                                    {t!(i18n, revision.remove)}
                                </button>
                            </span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="edit-form" on:submit=move |ev| {
                ev.prevent_default();
                let parent = Some(new_parent.get_untracked()).filter(|p| !p.is_empty());
                let body = json!({"op": "add_node", "parent": parent, "node": {
                    "id": new_id.get_untracked().trim(), "kind": new_kind.get_untracked(), "title": new_title.get_untracked()
                }});
                send.dispatch((body, t_string!(i18n, revision.node_added).to_owned()));
            }>
                <h3>{t!(i18n, revision.add_node)}</h3>
                <div class="field">
                    <label for="node-parent">{t!(i18n, revision.node_parent)}</label>
                    <select id="node-parent" on:change=move |ev| new_parent.set(event_target_value(&ev))>
                        <option value="">{t_string!(i18n, revision.top_level)}</option>
                        {parent_options(i18n, lang, &parents)}
                    </select>
                    <FieldError outcome field="parent" id="node-parent-error".to_owned()/>
                </div>
                <div class="field">
                    <label for="node-kind">{t!(i18n, revision.node_kind)}</label>
                    <select id="node-kind" on:change=move |ev| new_kind.set(event_target_value(&ev))>
                        {KINDS.into_iter().map(|(kind, value)| view! {
                            <option value=value selected={value == "goal"}>{kind_name(i18n, kind)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="node-id">{t!(i18n, revision.id)}</label>
                    <input id="node-id" type="text" maxlength="64" aria-describedby="node-id-error"
                        prop:value=move || new_id.get() on:input=move |ev| new_id.set(event_target_value(&ev))/>
                    <FieldError outcome field="node.id" id="node-id-error".to_owned()/>
                </div>
                <div class="field">
                    <label for="node-title">{t!(i18n, revision.node_title)}</label>
                    <input id="node-title" type="text" maxlength="1000" aria-describedby="node-title-error"
                        lang=move || mark_japanese(&new_title.get())
                        prop:value=move || new_title.get() on:input=move |ev| new_title.set(event_target_value(&ev))/>
                    <FieldError outcome field="node.title" id="node-title-error".to_owned()/>
                </div>
                <button type="submit" disabled=send.pending()>{t!(i18n, revision.add_node)}</button>
            </form>
            <form class="edit-form" on:submit=move |ev| {
                ev.prevent_default();
                let body = json!({"op": "place_measures", "node": place_node.get_untracked(), "measures": chosen.get_untracked()});
                send.dispatch((body, t_string!(i18n, revision.measures_placed).to_owned()));
            }>
                <h3>{t!(i18n, revision.place_heading)}</h3>
                <p>{t!(i18n, revision.place_lead)}</p>
                <div class="field">
                    <label for="place-node">{t!(i18n, revision.place_node)}</label>
                    <select id="place-node" on:change=move |ev| place_node.set(event_target_value(&ev))>
                        {walk_nodes(&plan.structure).into_iter().map(|n| {
                            let name = format!("{} {}", n.display_label(), n.title);
                            view! { <option value=n.id.clone() lang=text_lang(&name)>{name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <fieldset class="checkbox-group">
                    <legend>{t!(i18n, revision.placed_measures)}</legend>
                    {plan.measures.iter().map(|m| {
                        let id = m.id.clone();
                        let toggled = m.id.clone();
                        view! {
                            <label class="checkbox">
                                <input type="checkbox" prop:checked=move || chosen.get().contains(&id)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|list| {
                                            list.retain(|x| *x != toggled);
                                            if on { list.push(toggled.clone()); }
                                        });
                                    }/>
                                {
                                    let heading = keikaku_domain::document::measure_heading(m);
                                    view! { <span lang=text_lang(&heading)>{heading.clone()}</span> }
                                }
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" disabled=send.pending()>{t!(i18n, revision.save_placing)}</button>
            </form>
        </section>
    }
}

/// The choices of where to add a node: under each node, named by its label and title (the
/// plan's words). In Japanese each reads 「目標1 … の下」; elsewhere they are grouped under
/// one English heading, as a choice cannot mix languages.
fn parent_options(
    i18n: I18nContext<Locale>,
    lang: Lang,
    parents: &[(String, String)],
) -> impl IntoView {
    match lang {
        Lang::Ja => parents
            .iter()
            .map(|(id, name)| {
                let text = t_string!(i18n, revision.under, name = name.clone()).to_string();
                view! { <option value=id.clone()>{text}</option> }
            })
            .collect_view()
            .into_any(),
        _ => (!parents.is_empty())
            .then(|| {
                view! {
                    <optgroup label=t_string!(i18n, revision.under_item)>
                        {parents.iter().map(|(id, name)| view! {
                            <option value=id.clone() lang=text_lang(name)>{name.clone()}</option>
                        }).collect_view()}
                    </optgroup>
                }
            })
            .into_any(),
    }
}

/// A roadmap row: the measure's or action's id, how it is listed, its cells (year, text).
type CellRow = (String, String, Vec<(i32, String)>);

#[component]
pub fn ScheduleEditor(
    api: String,
    token: String,
    plan: Plan,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), use_lang());
    let outcome = RwSignal::new(None::<Result<String, Problem>>);
    let send = edit_action(api, token, reload, outcome);
    let years = plan.roadmap_years();
    // Every row: a measure, then its actions.
    let rows: Vec<CellRow> = plan
        .measures
        .iter()
        .flat_map(|m| {
            let own = (
                m.id.clone(),
                keikaku_domain::document::measure_heading(m),
                m.schedule
                    .iter()
                    .map(|c| (c.fiscal_year.0, c.text.clone()))
                    .collect(),
            );
            std::iter::once(own).chain(m.actions.iter().map(|a| {
                (
                    a.id.clone(),
                    format!(
                        "　{} {}",
                        a.number.clone().unwrap_or_default(),
                        a.title.lines().next().unwrap_or_default()
                    ),
                    a.schedule
                        .iter()
                        .map(|c| (c.fiscal_year.0, c.text.clone()))
                        .collect(),
                )
            }))
        })
        .collect();
    if rows.is_empty() || years.is_empty() {
        return ().into_any();
    }
    let row = RwSignal::new(rows[0].0.clone());
    let typed = RwSignal::new(Vec::<(i32, String)>::new());
    let rows_for_effect = rows.clone();
    Effect::new(move |_| {
        let id = row.get();
        let cells = rows_for_effect
            .iter()
            .find(|r| r.0 == id)
            .map(|r| r.2.clone())
            .unwrap_or_default();
        typed.set(cells);
    });
    let saved = {
        let rows = rows.clone();
        move |id: &str, year: i32| {
            rows.iter()
                .find(|r| r.0 == id)
                .and_then(|r| r.2.iter().find(|(y, _)| *y == year).map(|(_, t)| t.clone()))
                .unwrap_or_default()
        }
    };
    let years_for_save = years.clone();
    view! {
        <section class="section" aria-labelledby="schedule-editor-heading">
            <h2 id="schedule-editor-heading">{t!(i18n, revision.schedule_heading)}</h2>
            <form class="edit-form" on:submit=move |ev| {
                ev.prevent_default();
                let id = row.get_untracked();
                for year in &years_for_save {
                    let text = typed.get_untracked().iter().find(|(y, _)| *y == year.0).map(|(_, t)| t.clone()).unwrap_or_default();
                    if text != saved(&id, year.0) {
                        let value = (!text.trim().is_empty()).then_some(text);
                        send.dispatch((json!({"op": "set_cell", "item": id, "fiscal_year": year.0, "text": value}), t_string!(i18n, revision.schedule_saved).to_owned()));
                    }
                }
            }>
                <div class="field">
                    <label for="schedule-row">{t!(i18n, revision.schedule_row)}</label>
                    <select id="schedule-row" on:change=move |ev| row.set(event_target_value(&ev))>
                        {rows.iter().map(|(id, name, _)| view! { <option value=id.clone() lang=text_lang(name.trim_start_matches('　'))>{name.clone()}</option> }).collect_view()}
                    </select>
                </div>
                {years.into_iter().map(|year| {
                    let id = format!("schedule-{}", year.0);
                    let cell = move || typed.get().iter().find(|(y, _)| *y == year.0).map(|(_, t)| t.clone()).unwrap_or_default();
                    view! {
                        <div class="field">
                            <label for=id.clone()>{year.label_in(lang)}</label>
                            <input id=id type="text" maxlength="1000" lang=move || mark_japanese(&cell())
                                prop:value=move || typed.get().iter().find(|(y, _)| *y == year.0).map(|(_, t)| t.clone()).unwrap_or_default()
                                on:input=move |ev| {
                                    let value = event_target_value(&ev);
                                    typed.update(|cells| {
                                        cells.retain(|(y, _)| *y != year.0);
                                        cells.push((year.0, value));
                                    });
                                }/>
                        </div>
                    }
                }).collect_view()}
                <FormOutcome outcome/>
                <button type="submit" disabled=send.pending()>{t!(i18n, revision.save_schedule)}</button>
            </form>
        </section>
    }
    .into_any()
}
