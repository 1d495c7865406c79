//! `/plans/:plan_id/data`: the plan as open data. Each dataset with its files (CSV for Excel,
//! CSV for machines, JSON), how many rows it has and its data dictionary; the licence and the
//! date of the data. Plain links and `<details>`: all of it works without JavaScript.

use keikaku_domain::views::paths;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::open_data::{DatasetInfo, OpenDataView};
use crate::components::guarded::optional_page;
use crate::components::layout::PageTitle;
use crate::components::plan_header::{Breadcrumbs, PlanHeader, PlanTab};
use crate::components::table::ScrollFrame;
use crate::i18n::{t, t_string, use_i18n};
use crate::lang::use_lang;

#[component]
pub fn OpenDataPage() -> impl IntoView {
    let params = use_params_map();
    let lang = use_lang();
    let page = Resource::new(
        move || (params.read().get("plan_id").unwrap_or_default(), lang),
        |(plan_id, lang)| crate::api::open_data::open_data_page(plan_id, lang),
    );
    let not_found = t_string!(use_i18n(), plan.not_found);
    optional_page(page, not_found, |view| {
        view! { <OpenData view/> }
    })
}

#[component]
fn OpenData(view: OpenDataView) -> impl IntoView {
    let i18n = use_i18n();
    let plan_id = view.summary.id.clone();
    // The credit names the municipality and the plan as they publish themselves: in Japanese.
    let credit = format!(
        "出典：{}「{}」",
        view.summary.organization_name, view.summary.title
    );
    let plan = view.summary.title.clone();
    let in_japanese = (use_lang() != keikaku_domain::lang::Lang::Ja)
        .then(|| view! { <p>{t!(i18n, open_data.in_japanese)}</p> });
    view! {
        <PageTitle text=t_string!(i18n, open_data.page_title, plan = plan.clone()).to_string()
            description=t_string!(i18n, open_data.description, plan).to_string()/>
        <div class="page">
            <Breadcrumbs trail=vec![(view.summary.title.clone(), Some(paths::plan(&plan_id))), (t_string!(i18n, open_data.title).to_owned(), None)]/>
            <PlanHeader summary=view.summary.clone() current=PlanTab::OpenData/>
            <h1>{t!(i18n, open_data.title)}</h1>
            <p>{t!(i18n, open_data.lead)}</p>
            <dl class="facts">
                <div><dt>{t!(i18n, open_data.licence)}</dt><dd><a href=view.licence_url.clone() rel="license" lang=keikaku_domain::lang::mark_japanese(&view.licence_name)>{view.licence_name.clone()}</a></dd></div>
                <div><dt>{t!(i18n, open_data.credit)}</dt><dd lang="ja">{credit}</dd></div>
                <div><dt>{t!(i18n, open_data.date)}</dt><dd>{view.data_date.clone().unwrap_or_else(|| "—".to_owned())}</dd></div>
                <div><dt>{t!(i18n, open_data.code)}</dt><dd>{view.local_government_code.clone().unwrap_or_else(|| t_string!(i18n, open_data.no_code).to_owned())}</dd></div>
            </dl>
            <p>{t!(i18n, open_data.formats)}</p>
            {in_japanese}
            {view.datasets.into_iter().map(|d| view! { <DatasetSection dataset=d plan_id=plan_id.clone()/> }).collect_view()}
        </div>
    }
}

#[component]
fn DatasetSection(dataset: DatasetInfo, plan_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let heading_id = format!("dataset-{}", dataset.name);
    let file = |suffix: &str| paths::dataset_file(&plan_id, &format!("{}{suffix}", dataset.name));
    let title = dataset.title.clone();
    let labelled_by = heading_id.clone();
    let rows = dataset.rows;
    let count = dataset.columns.len();
    view! {
        <section class="section dataset" aria-labelledby=labelled_by>
            <h2 id=heading_id>{t!(i18n, open_data.heading, title = title.clone(), rows)}</h2>
            <p>{dataset.description.clone()}</p>
            <ul class="dataset__files">
                <li><a href=file(".excel.csv") download="">{t!(i18n, open_data.excel_csv, title = title.clone())}</a></li>
                <li><a href=file(".csv") download="">{t!(i18n, open_data.csv, title = title.clone())}</a></li>
                <li><a href=file(".json")>{t!(i18n, open_data.json, title = title.clone())}</a></li>
            </ul>
            <details class="dataset__dictionary">
                <summary>{t!(i18n, open_data.dictionary, count)}</summary>
                <ScrollFrame label=t_string!(i18n, open_data.dictionary_label, title = title.clone()).to_string()>
                    <table class="data-table data-table--compact">
                        <caption class="visually-hidden">{t!(i18n, open_data.dictionary_caption, title = title.clone())}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, open_data.column_heading)}</th>
                                <th scope="col">{t!(i18n, open_data.column_key)}</th>
                                <th scope="col">{t!(i18n, open_data.column_kind)}</th>
                                <th scope="col">{t!(i18n, open_data.column_description)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {dataset.columns.into_iter().map(|c| view! {
                                <tr>
                                    <th scope="row" lang="ja">{c.heading}</th>
                                    <td><code>{c.key}</code></td>
                                    <td>{c.kind}</td>
                                    <td class="data-table__text" lang="ja">{c.description}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </ScrollFrame>
            </details>
        </section>
    }
}
