//! A plan's open data: each dataset of `keikaku_export::open_data` as CSV for Excel
//! (`measures.excel.csv`: UTF-8 with a byte-order mark), CSV for machines (`measures.csv`) and
//! JSON (`measures.json`), for whoever may read the plan. Progress is always what published
//! rounds made public, for members too: open data is the public account.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use keikaku_domain::date::Day;
use keikaku_export::open_data::write::{dataset_csv, dataset_json, CsvFlavour};
use keikaku_export::open_data::{Dataset, Source};

use super::error::ApiError;
use super::round_files::download_csv;
use super::session::RequestContext;
use super::AppState;
use keikaku_domain::reason::Reason;

pub fn routes() -> Router<AppState> {
    Router::new().route("/plans/{plan_id}/data/{file}", get(dataset_file))
}

/// The file a name asks for: its dataset and format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv(CsvFlavour),
    Json,
}

fn parse_file(file: &str) -> Option<(Dataset, Format)> {
    let (stem, format) = if let Some(stem) = file.strip_suffix(".excel.csv") {
        (stem, Format::Csv(CsvFlavour::Excel))
    } else if let Some(stem) = file.strip_suffix(".csv") {
        (stem, Format::Csv(CsvFlavour::Plain))
    } else if let Some(stem) = file.strip_suffix(".json") {
        (stem, Format::Json)
    } else {
        return None;
    };
    Some((Dataset::from_name(stem)?, format))
}

async fn dataset_file(
    State(state): State<AppState>,
    context: RequestContext,
    Path((plan_id, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (organization, plan) =
        super::plans::load_readable(&state.store, &context, &plan_id).await?;
    let Some((dataset, format)) = parse_file(&file) else {
        return Err(ApiError::not_found(
            "file",
            Reason::fixed(
                "そのデータセットはありません。measures・actions・roadmap・kpis・progress・\
                 kpi-readings のいずれかを .csv・.excel.csv・.json で指定してください。",
                "no such dataset: measures, actions, roadmap, kpis, progress or kpi-readings, \
                 as .csv, .excel.csv or .json",
            ),
        ));
    };
    let records = state.store.published_progress(&plan_id).await?;
    let actuals = keikaku_sync::report::PlanActuals::of(&records);
    let source = Source {
        organization: &organization,
        plan: &plan,
        actuals: &actuals,
    };
    match format {
        Format::Csv(flavour) => {
            let body = dataset_csv(&source, dataset, flavour).map_err(ApiError::internal)?;
            let suffix = match flavour {
                CsvFlavour::Excel => ".excel",
                CsvFlavour::Plain => "",
            };
            Ok(download_csv(
                &format!("{}_{}{suffix}.csv", plan.title, dataset.title()),
                &format!("{plan_id}_{}{suffix}.csv", dataset.name()),
                body,
            ))
        }
        Format::Json => {
            let changed = state.store.public_data_changed_at(&plan_id).await?;
            let date = changed.map(|at| Day::in_japan_at(at).to_string());
            let json = dataset_json(&source, dataset, date.as_deref().unwrap_or(""));
            let mut response = (StatusCode::OK, axum::Json(json)).into_response();
            response.headers_mut().insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
            Ok(response)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_name_a_dataset_and_a_format() {
        assert_eq!(
            parse_file("measures.excel.csv"),
            Some((Dataset::Measures, Format::Csv(CsvFlavour::Excel)))
        );
        assert_eq!(
            parse_file("kpi-readings.csv"),
            Some((Dataset::KpiReadings, Format::Csv(CsvFlavour::Plain)))
        );
        assert_eq!(
            parse_file("roadmap.json"),
            Some((Dataset::Roadmap, Format::Json))
        );
        assert_eq!(parse_file("secrets.json"), None);
        assert_eq!(parse_file("measures.xlsx"), None);
    }
}
