//! `/plans/:plan_id/versions`: the plan's versions (第1版, 第2版 …, and for members the draft
//! revision), each readable at its own address and comparable with the one before, and the
//! history of the revisions, each step linked to the version it produced.

use keikaku_domain::revision::{VersionInfo, VersionState};
use keikaku_domain::views::{format_japan_time, paths};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::versions::VersionsView;
use crate::components::guarded::optional_page;
use crate::components::layout::PageTitle;
use crate::components::plan_header::{Breadcrumbs, PlanHeader, PlanTab};

#[component]
pub fn VersionsPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || params.read().get("plan_id").unwrap_or_default(),
        crate::api::versions::versions_page,
    );
    optional_page(
        page,
        "指定された計画は見つかりませんでした。",
        |view| {
            view! { <Versions view/> }
        },
    )
}

fn issued_label(version: &VersionInfo) -> String {
    version
        .issued
        .as_deref()
        .map(|d| {
            let parts: Vec<&str> = d.split('-').collect();
            match parts.as_slice() {
                [y, m] => format!("{y}年{}月", m.trim_start_matches('0')),
                [y, m, day] => format!(
                    "{y}年{}月{}日",
                    m.trim_start_matches('0'),
                    day.trim_start_matches('0')
                ),
                _ => d.to_owned(),
            }
        })
        .unwrap_or_else(|| "—".to_owned())
}

#[component]
fn Versions(view: VersionsView) -> impl IntoView {
    let VersionsView {
        summary,
        versions,
        steps,
        manager,
    } = view;
    let plan_id = summary.id.clone();
    let has_draft = versions.iter().any(|v| v.state == VersionState::Draft);
    let previous = |i: usize| {
        i.checked_sub(1)
            .and_then(|p| versions.get(p))
            .map(|v| v.number)
    };
    let rows = versions
        .iter()
        .enumerate()
        .rev()
        .map(|(i, v)| {
            let compare = previous(i).map(|p| paths::compare(&plan_id, p.0, v.number.0));
            view! {
                <tr>
                    <th scope="row"><a href=paths::version(&plan_id, v.number.0)>{v.number.label()}</a></th>
                    <td>{v.label.clone()}</td>
                    <td>{issued_label(v)}</td>
                    <td><span class=format!("badge badge--version-{}", v.state.as_str())>{v.state.label()}</span></td>
                    <td>{v.published_at.map(format_japan_time).unwrap_or_else(|| "—".to_owned())}</td>
                    <td>{compare.map(|href| view! { <a href=href>"前の版との違い"</a> })}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <PageTitle text=format!("改定履歴｜{}", summary.title)/>
        <div class="page">
            <Breadcrumbs trail=vec![(summary.title.clone(), Some(paths::plan(&plan_id))), ("改定履歴".to_owned(), None)]/>
            <PlanHeader summary=summary.clone() current=PlanTab::Versions/>
            <h1>"改定履歴"</h1>
            <p>"計画は改定されるたびに版を重ねます。以前の版もそのまま読むことができ、どの二つの版でも違いを比べられます。"</p>
            <div class="table-scroll" role="region" aria-label="版の一覧" tabindex="0">
                <table class="data-table versions-table">
                    <caption>"版の一覧（新しい順）"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"版"</th>
                            <th scope="col">"名称"</th>
                            <th scope="col">"日付"</th>
                            <th scope="col">"状態"</th>
                            <th scope="col">"公開日時"</th>
                            <th scope="col">"比較"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {(versions.len() > 1).then(|| view! {
                <CompareForm plan_id=plan_id.clone() versions=versions.clone() from=None to=None/>
            })}
            {manager.then(|| view! {
                <p><a class="button" href=paths::revision(&plan_id)>
                    {if has_draft { "改定案を編集・公開する" } else { "改定案を作成する" }}
                </a></p>
            })}
            {(!steps.is_empty()).then(|| view! {
                <section class="section" aria-labelledby="version-steps-heading">
                    <h2 id="version-steps-heading">"改定の記録"</h2>
                    <div class="table-scroll" role="region" aria-label="改定の記録" tabindex="0">
                        <table class="data-table">
                            <caption class="visually-hidden">"改定の記録（新しい順）"</caption>
                            <thead><tr><th scope="col">"日時"</th><th scope="col">"利用者"</th><th scope="col">"操作"</th><th scope="col">"版"</th></tr></thead>
                            <tbody>
                                {steps.into_iter().map(|s| {
                                    let exists = versions.iter().any(|v| v.number == s.version);
                                    view! {
                                        <tr id=format!("step-{}", s.entry_id)>
                                            <td>{format_japan_time(s.at)}</td>
                                            <td>{s.who.unwrap_or_else(|| "コマンドライン".to_owned())}</td>
                                            <td>{s.what}</td>
                                            <td>{if exists {
                                                view! { <a href=paths::version(&plan_id, s.version.0)>{s.version.label()}</a> }.into_any()
                                            } else {
                                                view! { <span>{s.version.label()}</span> }.into_any()
                                            }}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
            })}
        </div>
    }
}

/// Choose two versions to compare; a plain form, so it works without JavaScript.
#[component]
pub fn CompareForm(
    plan_id: String,
    versions: Vec<VersionInfo>,
    from: Option<u32>,
    to: Option<u32>,
) -> impl IntoView {
    let last = versions.last().map(|v| v.number.0);
    let before_last = versions
        .len()
        .checked_sub(2)
        .and_then(|i| versions.get(i))
        .map(|v| v.number.0);
    let (from, to) = (from.or(before_last), to.or(last));
    let options = move |selected: Option<u32>| {
        versions
            .iter()
            .map(|v| {
                view! {
                    <option value=v.number.0.to_string() selected={Some(v.number.0) == selected}>
                        {v.title()}{(v.state == VersionState::Draft).then_some("［改定案］")}
                    </option>
                }
            })
            .collect_view()
    };
    view! {
        <form class="compare-form" method="get" action=format!("/plans/{plan_id}/compare")>
            <div class="field">
                <label for="compare-from">"比べる元の版"</label>
                <select id="compare-from" name="from">{options(from)}</select>
            </div>
            <div class="field">
                <label for="compare-to">"比べる先の版"</label>
                <select id="compare-to" name="to">{options(to)}</select>
            </div>
            <button type="submit" class="button">"違いを見る"</button>
        </form>
    }
}
