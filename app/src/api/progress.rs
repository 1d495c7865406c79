//! Page data of the progress overview (進み具合): how a plan is going, from what published
//! reporting rounds made public. Members see the same as citizens here, so the page is the
//! public account; their live records are on the rounds' pages.

use keikaku_domain::lang::Lang;
use keikaku_domain::views::PlanSummary;
use keikaku_sync::overview::ProgressOverview;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// A plan's progress overview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressView {
    pub summary: PlanSummary,
    pub overview: ProgressOverview,
}

#[server(prefix = "/api", endpoint = "v1/pages/progress", input = GetUrl)]
pub async fn progress_page(
    plan_id: String,
    #[server(default)] lang: Lang,
) -> Result<Option<ProgressView>, ServerFnError> {
    use super::ssr;
    let Some((org, plan)) = ssr::plan(&plan_id).await? else {
        return Ok(None);
    };
    let records = ssr::store()?
        .published_progress(&plan_id)
        .await
        .map_err(|e| ssr::unloaded_in(ssr::Unloaded::Progress, &e, lang))?;
    let actuals = keikaku_sync::report::PlanActuals::of(&records);
    let plan = plan.in_language(&org, lang);
    Ok(Some(ProgressView {
        summary: PlanSummary::of(&org, &plan),
        overview: ProgressOverview::build(&plan, &actuals, lang),
    }))
}

/// A plan's state at a glance on the home page: where its measures stand and what it last
/// made public.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanBrief {
    pub plan_id: String,
    /// 「順調 1件、遅れ 1件、未公表 30件」, with the year it runs to; `None` without measures.
    pub standing: Option<String>,
    /// What was last made public and when (`YYYY-MM-DD`).
    pub latest_news: Option<(News, String)>,
}

/// What a plan last made public.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum News {
    /// Its first version.
    Published,
    /// A new version, by its title (第2版（令和6年3月改定）).
    Revised(String),
    /// A reporting round's results, by the round's title.
    RoundPublished(String),
}

/// Every readable plan's brief, for the home page, in `lang`.
#[server(prefix = "/api", endpoint = "v1/pages/home-progress", input = GetUrl)]
pub async fn home_progress(#[server(default)] lang: Lang) -> Result<Vec<PlanBrief>, ServerFnError> {
    use super::ssr;
    use keikaku_domain::date::Day;
    let store = ssr::store()?;
    let viewer = ssr::viewer();
    let unreadable =
        |e: keikaku_store::StoreError| ssr::unloaded_in(ssr::Unloaded::PlanProgress, &e, lang);
    let mut briefs = Vec::new();
    for summary in ssr::readable_summaries().await? {
        let Some((_, plan)) = store
            .load_readable_plan(&viewer, &summary.id)
            .await
            .map_err(unreadable)?
        else {
            continue;
        };
        let standing = if plan.measures.is_empty() {
            None
        } else {
            let records = store
                .published_progress(&plan.id)
                .await
                .map_err(unreadable)?;
            let actuals = keikaku_sync::report::PlanActuals::of(&records);
            let overview = ProgressOverview::build(&plan, &actuals, lang);
            let (sentence, total) = (overview.totals.sentence(lang), overview.totals.total());
            Some(match (overview.latest_year, lang) {
                (Some(year), Lang::Ja) => format!("{sentence}（{}まで公表）", year.label()),
                (Some(year), Lang::En) => {
                    format!("{sentence} (published up to {})", year.label_in(lang))
                }
                (None, Lang::Ja) => format!("施策{total}件の状況は未公表"),
                (None, Lang::En) => {
                    format!("The state of the {total} measures is not published yet")
                }
            })
        };
        let versions = store.plan_versions(&plan.id).await.map_err(unreadable)?;
        let rounds = store.published_rounds(&plan.id).await.map_err(unreadable)?;
        let version_news = versions.iter().filter_map(|v| {
            let at = v.published_at?;
            let what = if v.number.0 == 1 {
                News::Published
            } else {
                News::Revised(v.title())
            };
            Some((at, what))
        });
        let round_news = rounds
            .iter()
            .map(|r| (r.published_at, News::RoundPublished(r.title.clone())));
        let latest_news = version_news
            .chain(round_news)
            .max_by_key(|(at, _)| *at)
            .map(|(at, what)| (what, Day::in_japan_at(at).to_string()));
        briefs.push(PlanBrief {
            plan_id: plan.id.clone(),
            standing,
            latest_news,
        });
    }
    Ok(briefs)
}
