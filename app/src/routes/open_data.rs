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

#[component]
pub fn OpenDataPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || params.read().get("plan_id").unwrap_or_default(),
        crate::api::open_data::open_data_page,
    );
    optional_page(
        page,
        "指定された計画は見つかりませんでした。",
        |view| {
            view! { <OpenData view/> }
        },
    )
}

#[component]
fn OpenData(view: OpenDataView) -> impl IntoView {
    let plan_id = view.summary.id.clone();
    let credit = format!(
        "出典：{}「{}」",
        view.summary.organization_name, view.summary.title
    );
    view! {
        <PageTitle text=format!("オープンデータ｜{}", view.summary.title)
            description=format!("{}の施策・取組・工程表・指標と公表された進捗を、CSVとJSONで自由に使えるオープンデータとして公開しています。", view.summary.title)/>
        <div class="page">
            <Breadcrumbs trail=vec![(view.summary.title.clone(), Some(paths::plan(&plan_id))), ("オープンデータ".to_owned(), None)]/>
            <PlanHeader summary=view.summary.clone() current=PlanTab::OpenData/>
            <h1>"オープンデータ"</h1>
            <p>"この計画の施策・取組・工程表・指標と、公表された進捗と評価を、だれでも自由に使えるデータとして公開しています。公表前の記録は含みません。"</p>
            <dl class="facts">
                <div><dt>"ライセンス"</dt><dd><a href=view.licence_url.clone() rel="license">{view.licence_name.clone()}</a></dd></div>
                <div><dt>"出典の表示例"</dt><dd>{credit}</dd></div>
                <div><dt>"データの時点"</dt><dd>{view.data_date.clone().unwrap_or_else(|| "—".to_owned())}</dd></div>
                <div><dt>"全国地方公共団体コード"</dt><dd>{view.local_government_code.clone().unwrap_or_else(|| "未設定".to_owned())}</dd></div>
            </dl>
            <p>"各データは3つの形式で取得できます。Excelで開くときは「CSV（Excel用）」を選んでください（BOM付きUTF-8、改行CRLF）。プログラムで読むときは「CSV」（UTF-8、BOMなし）か「JSON」（ライセンス、データの時点、項目の定義を含む）をお使いください。空欄は値がないこと（公表されていないことを含む）を表し、0ではありません。"</p>
            {view.datasets.into_iter().map(|d| view! { <DatasetSection dataset=d plan_id=plan_id.clone()/> }).collect_view()}
        </div>
    }
}

#[component]
fn DatasetSection(dataset: DatasetInfo, plan_id: String) -> impl IntoView {
    let heading_id = format!("dataset-{}", dataset.name);
    let file = |suffix: &str| paths::dataset_file(&plan_id, &format!("{}{suffix}", dataset.name));
    let title = dataset.title.clone();
    let labelled_by = heading_id.clone();
    view! {
        <section class="section dataset" aria-labelledby=labelled_by>
            <h2 id=heading_id>{format!("{}（{}件）", dataset.title, dataset.rows)}</h2>
            <p>{dataset.description.clone()}</p>
            <ul class="dataset__files">
                <li><a href=file(".excel.csv") download="">{format!("{title}のCSV（Excel用）")}</a></li>
                <li><a href=file(".csv") download="">{format!("{title}のCSV")}</a></li>
                <li><a href=file(".json")>{format!("{title}のJSON")}</a></li>
            </ul>
            <details class="dataset__dictionary">
                <summary>{format!("データ項目の定義（{}項目）", dataset.columns.len())}</summary>
                <ScrollFrame label=format!("{title}のデータ項目")>
                    <table class="data-table data-table--compact">
                        <caption class="visually-hidden">{format!("{title}のデータ項目の定義")}</caption>
                        <thead>
                            <tr>
                                <th scope="col">"項目名（CSV）"</th>
                                <th scope="col">"キー（JSON）"</th>
                                <th scope="col">"型"</th>
                                <th scope="col">"説明"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {dataset.columns.into_iter().map(|c| view! {
                                <tr>
                                    <th scope="row">{c.heading}</th>
                                    <td><code>{c.key}</code></td>
                                    <td>{c.kind}</td>
                                    <td class="data-table__text">{c.description}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </ScrollFrame>
            </details>
        </section>
    }
}
