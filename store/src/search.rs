//! Substring search across all plans.

use keikaku_domain::search::{normalize, snippet};
use keikaku_domain::views::SearchHit;
use sqlx::Row;

use crate::{Result, Store};

/// Characters of context either side of a match in a snippet.
const SNIPPET_RADIUS: usize = 40;

impl Store {
    /// Hits for `query` within the plans `plan_ids` (those the reader may see): places whose heading matches first, then in document order, plans in
    /// import order; at most `limit`, and whether
    /// more exist. An empty query finds nothing.
    pub async fn search(
        &self,
        query: &str,
        plan_ids: &[String],
        limit: usize,
    ) -> Result<(Vec<SearchHit>, bool)> {
        let folded = normalize(query.trim());
        if folded.is_empty() {
            return Ok((Vec::new(), false));
        }
        // instr() rather than LIKE: no wildcard characters to escape in user input.
        let rows = sqlx::query(
            "SELECT d.plan_id, d.kind, d.title, d.href, d.text, p.title AS plan_title, o.name AS org_name
             FROM search_documents d
             JOIN plans p ON p.id = d.plan_id
             JOIN organizations o ON o.id = p.organization_id
             WHERE instr(d.folded, ?1) > 0 AND d.plan_id IN (SELECT value FROM json_each(?3))
             ORDER BY instr(d.folded_title, ?1) > 0 DESC, p.rowid, d.position
             LIMIT ?2",
        )
        .bind(&folded)
        .bind((limit + 1) as i64)
        .bind(serde_json::to_string(plan_ids)?)
        .fetch_all(self.pool())
        .await?;
        let truncated = rows.len() > limit;
        let hits = rows
            .into_iter()
            .take(limit)
            .map(|row| {
                let title: String = row.try_get("title")?;
                let text: String = row.try_get("text")?;
                // The match may be in the title only; then the snippet shows the title.
                let snippet = snippet(&text, query.trim(), SNIPPET_RADIUS)
                    .or_else(|| snippet(&title, query.trim(), SNIPPET_RADIUS));
                Ok(SearchHit {
                    plan_id: row.try_get("plan_id")?,
                    plan_title: row.try_get("plan_title")?,
                    organization_name: row.try_get("org_name")?,
                    kind: row.try_get("kind")?,
                    title,
                    href: row.try_get("href")?,
                    snippet: snippet.unwrap_or_else(|| keikaku_domain::search::Snippet {
                        before: String::new(),
                        matched: String::new(),
                        after: text.chars().take(80).collect(),
                    }),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((hits, truncated))
    }
}
