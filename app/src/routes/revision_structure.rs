//! The draft revision's structure and roadmap, edited on `/plans/:plan_id/revision`: add,
//! rename (in the text editor), move and remove nodes, place measures under nodes (one measure
//! may sit under several), and set the roadmap cells of a measure or action year by year.
//! Each step is one typed edit of the API; a refused one says why beside the form and changes
//! nothing.

use keikaku_domain::format::{walk_nodes, Node, NodeKind, Plan};
use leptos::prelude::*;
use serde_json::{json, Value};

use crate::client::{send_json, Problem};
use crate::components::form::{browser_action, field_error, FormOutcome};

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
            <h2 id="structure-editor-heading">"計画の体系を編集する"</h2>
            <FormOutcome outcome/>
            <ul class="structure-editor">
                {rows.into_iter().map(|(node, parent, index, count, depth)| {
                    let name = format!("{} {}", node.display_label(), node.title);
                    let (up_id, down_id, remove_id) = (node.id.clone(), node.id.clone(), node.id.clone());
                    let (up_parent, down_parent) = (parent.clone(), parent.clone());
                    let (up_name, down_name, remove_name) = (name.clone(), name.clone(), name.clone());
                    view! {
                        <li class=format!("structure-editor__node structure-editor__node--{}", depth.min(4))>
                            <span>{name.clone()}</span>
                            <span class="structure-editor__buttons">
                                <button type="button" class="button" disabled={index == 0}
                                    aria-label=format!("上へ：{up_name}")
                                    on:click=move |_| { send.dispatch((json!({"op": "move_node", "node": up_id, "parent": up_parent, "position": index.saturating_sub(1)}), format!("「{up_name}」を上へ移しました。"))); }>
                                    "上へ"
                                </button>
                                <button type="button" class="button" disabled={index + 1 >= count}
                                    aria-label=format!("下へ：{down_name}")
                                    on:click=move |_| { send.dispatch((json!({"op": "move_node", "node": down_id, "parent": down_parent, "position": index + 1}), format!("「{down_name}」を下へ移しました。"))); }>
                                    "下へ"
                                </button>
                                <button type="button" class="button button--danger"
                                    aria-label=format!("削除：{remove_name}")
                                    on:click=move |_| { send.dispatch((json!({"op": "remove_node", "node": remove_id}), format!("「{remove_name}」を削除しました。"))); }>
                                    "削除"
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
                send.dispatch((body, "項目を追加しました。".to_owned()));
            }>
                <h3>"項目を追加する"</h3>
                <div class="field">
                    <label for="node-parent">"追加する場所"</label>
                    <select id="node-parent" on:change=move |ev| new_parent.set(event_target_value(&ev))>
                        <option value="">"最上位"</option>
                        {parents.iter().map(|(id, name)| view! { <option value=id.clone()>{format!("{name} の下")}</option> }).collect_view()}
                    </select>
                    <p class="field__error" id="node-parent-error">{field_error(outcome, "parent")}</p>
                </div>
                <div class="field">
                    <label for="node-kind">"区分"</label>
                    <select id="node-kind" on:change=move |ev| new_kind.set(event_target_value(&ev))>
                        {KINDS.into_iter().map(|(kind, value)| view! {
                            <option value=value selected={value == "goal"}>{kind.default_label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="node-id">"ID（英小文字・数字・ハイフン）"</label>
                    <input id="node-id" type="text" maxlength="64" aria-describedby="node-id-error"
                        prop:value=move || new_id.get() on:input=move |ev| new_id.set(event_target_value(&ev))/>
                    <p class="field__error" id="node-id-error">{field_error(outcome, "node.id")}</p>
                </div>
                <div class="field">
                    <label for="node-title">"名称"</label>
                    <input id="node-title" type="text" maxlength="1000" aria-describedby="node-title-error"
                        prop:value=move || new_title.get() on:input=move |ev| new_title.set(event_target_value(&ev))/>
                    <p class="field__error" id="node-title-error">{field_error(outcome, "node.title")}</p>
                </div>
                <button type="submit" disabled=send.pending()>"項目を追加する"</button>
            </form>
            <form class="edit-form" on:submit=move |ev| {
                ev.prevent_default();
                let body = json!({"op": "place_measures", "node": place_node.get_untracked(), "measures": chosen.get_untracked()});
                send.dispatch((body, "施策の配置を保存しました。".to_owned()));
            }>
                <h3>"施策の配置"</h3>
                <p>"一つの施策を複数の項目に置くこともできます（再掲）。"</p>
                <div class="field">
                    <label for="place-node">"項目"</label>
                    <select id="place-node" on:change=move |ev| place_node.set(event_target_value(&ev))>
                        {walk_nodes(&plan.structure).into_iter().map(|n| view! {
                            <option value=n.id.clone()>{format!("{} {}", n.display_label(), n.title)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <fieldset class="checkbox-group">
                    <legend>"この項目に置く施策"</legend>
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
                                {keikaku_domain::document::measure_heading(m)}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" disabled=send.pending()>"配置を保存する"</button>
            </form>
        </section>
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
            <h2 id="schedule-editor-heading">"工程表を編集する"</h2>
            <form class="edit-form" on:submit=move |ev| {
                ev.prevent_default();
                let id = row.get_untracked();
                for year in &years_for_save {
                    let text = typed.get_untracked().iter().find(|(y, _)| *y == year.0).map(|(_, t)| t.clone()).unwrap_or_default();
                    if text != saved(&id, year.0) {
                        let value = (!text.trim().is_empty()).then_some(text);
                        send.dispatch((json!({"op": "set_cell", "item": id, "fiscal_year": year.0, "text": value}), "工程表を保存しました。".to_owned()));
                    }
                }
            }>
                <div class="field">
                    <label for="schedule-row">"施策・取組"</label>
                    <select id="schedule-row" on:change=move |ev| row.set(event_target_value(&ev))>
                        {rows.iter().map(|(id, name, _)| view! { <option value=id.clone()>{name.clone()}</option> }).collect_view()}
                    </select>
                </div>
                {years.into_iter().map(|year| {
                    let id = format!("schedule-{}", year.0);
                    view! {
                        <div class="field">
                            <label for=id.clone()>{year.label()}</label>
                            <input id=id type="text" maxlength="1000"
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
                <button type="submit" disabled=send.pending()>"工程表を保存する"</button>
            </form>
        </section>
    }
    .into_any()
}
