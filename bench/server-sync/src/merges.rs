//! `--merges`: the costliest push there is, and what it does to other writers.
//!
//! 25 records each hold someone's 20,000-character 実績; one push then sets all 25 from a base
//! to a text of its own, the three chosen so that each three-way merge is the worst case of
//! Myers' diff (`costly_merge`). That is the largest such push the 1 MiB body limit admits.
//! While it runs, another thread edits a measure's text through the API, one edit after the
//! other, and the longest of those edits is what another writer waited.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use keikaku_sync::progress::{Field, FieldValue, RecordKey};
use keikaku_sync::protocol::{
    Change, ClientId, Mutation, MutationId, Outcome, PushRequest, PushResponse,
};

use crate::support::{costly_merge, SplitMix64};
use crate::{ms, Server, Session, PLAN};

/// Narrative sets one push carries: 25 sets of two 20,000-character texts fill 1 MiB.
const SETS: usize = 25;
const TEXT_CHARS: usize = 20_000;

/// One push of `client`: a set of each record's 実績 from a base to a value, ids counting on
/// from `first`.
fn sets<'a>(
    client: &str,
    first: u64,
    sets: impl Iterator<Item = (&'a RecordKey, &'a str, &'a str)>,
) -> PushRequest {
    let client = ClientId::new(client).unwrap();
    let mutations = sets
        .zip(first..)
        .map(|((key, base, value), n)| Mutation {
            id: MutationId::new(&client, n),
            key: key.clone().into(),
            change: Change::Set {
                field: Field::Results,
                value: FieldValue::Text(value.to_owned()),
                base_version: 0,
                base_value: FieldValue::Text(base.to_owned()),
            },
        })
        .collect();
    PushRequest {
        client_id: client,
        mutations,
    }
}

fn push(server: &Server, session: &Session, request: &PushRequest) -> (Duration, PushResponse) {
    let body = serde_json::to_string(request).unwrap();
    let headers = [
        ("Cookie", session.cookie.as_str()),
        ("X-CSRF-Token", session.csrf.as_str()),
    ];
    let begun = Instant::now();
    let answer = crate::request(&server.addr, "POST", "/api/v1/sync/push", &headers, &body);
    let took = begun.elapsed();
    assert_eq!(answer.status, 200, "push: {}", answer.body);
    (took, serde_json::from_str(&answer.body).unwrap())
}

/// Runs the scenario `runs` times and prints what each took.
pub fn run(server: &Server, session: &Session, measures: &[String], runs: usize) {
    let mut rng = SplitMix64::new(2026);
    let texts: Vec<(String, String, String)> = (0..SETS)
        .map(|_| costly_merge(&mut rng, TEXT_CHARS))
        .collect();
    let keys: Vec<RecordKey> = measures
        .iter()
        .take(SETS)
        .map(|m| RecordKey::measure(PLAN, m, 2024))
        .collect();
    assert_eq!(keys.len(), SETS, "the plan has {SETS} measures");

    // Someone else's text on every record.
    let stored = sets(
        "bench-theirs",
        1,
        keys.iter()
            .zip(&texts)
            .map(|(key, (_, _, theirs))| (key, "", theirs.as_str())),
    );
    let (_, response) = push(server, session, &stored);
    assert!(response
        .results
        .iter()
        .all(|r| matches!(r.outcome, Outcome::Applied { .. })));

    println!(
        "merges:    one push of {SETS} sets of {TEXT_CHARS}-character texts, each merge the worst case"
    );
    for run in 1..=runs {
        let request = sets(
            "bench-costly",
            1 + (run as u64 - 1) * SETS as u64,
            keys.iter()
                .zip(&texts)
                .map(|(key, (base, mine, _))| (key, base.as_str(), mine.as_str())),
        );
        let body_bytes = serde_json::to_string(&request).unwrap().len();

        // Another writer, one edit after the other, for as long as the push runs.
        let stop = Arc::new(AtomicBool::new(false));
        let waits = Arc::new(Mutex::new(Vec::new()));
        let writer = {
            let (stop, waits) = (stop.clone(), waits.clone());
            let addr = server.addr.clone();
            let (cookie, csrf) = (session.cookie.clone(), session.csrf.clone());
            std::thread::spawn(move || {
                let headers = [("Cookie", cookie.as_str()), ("X-CSRF-Token", csrf.as_str())];
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let body =
                        serde_json::json!({"field": "summary", "value": format!("同時の編集{n}")})
                            .to_string();
                    let begun = Instant::now();
                    let answer = crate::request(
                        &addr,
                        "PATCH",
                        &format!("/api/v1/plans/{PLAN}/measures/regional-02"),
                        &headers,
                        &body,
                    );
                    waits.lock().unwrap().push((begun.elapsed(), answer.status));
                }
            })
        };
        std::thread::sleep(Duration::from_millis(100));
        let cpu_before = server.cpu_time();
        let (took, response) = push(server, session, &request);
        let cpu = server
            .cpu_time()
            .zip(cpu_before)
            .map(|(after, before)| after - before);
        stop.store(true, Ordering::Relaxed);
        writer.join().unwrap();
        let conflicts = response
            .results
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Conflict(_)))
            .count();
        let waits = waits.lock().unwrap();
        let longest = waits.iter().map(|(d, _)| *d).max().unwrap_or_default();
        let failed = waits.iter().filter(|(_, status)| *status != 200).count();
        println!(
            "  run {run}: push of {} KiB answered in {} ({conflicts} of {SETS} conflicts), server CPU {}; other writer: {} edits, longest {}, {failed} failed",
            body_bytes / 1024,
            ms(took),
            cpu.map_or("?".to_owned(), ms),
            waits.len(),
            ms(longest)
        );
    }
}
