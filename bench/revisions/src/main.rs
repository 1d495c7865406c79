//! Benchmark of revisions (see `bench/README.md`): the comparison of the Komagane plan with a
//! version carrying 50 scattered edits, in the process and through a real server, and finding
//! 500 notes again after that revision (natively; the browser's figure is the app's).
//!
//! ```text
//! bench-revisions [--server PATH] [--runs N]
//! bench-revisions --fixtures DIR
//! ```
//!
//! `--fixtures` writes the revised plan (`revised.json`) and the 500 notes' selectors
//! (`notes.json`) for the browser's figure (`bench/browser/reading.mjs`), and runs nothing.

#[allow(dead_code)]
#[path = "../../server-sync/src/http.rs"]
mod http;
#[allow(dead_code)]
#[path = "../../server-sync/src/process.rs"]
mod process;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use keikaku_domain::anchor::{anchor_all, Anchoring, Selector};
use keikaku_domain::document::passages;
use keikaku_domain::format::PlanFile;
use keikaku_domain::import::parse_plan_file;
use keikaku_domain::revision::diff::diff_plans;
use keikaku_store::{Actor, ImportMode, RevisionSource, Store};

const PLAN: &str = "komagane-dx-strategy";

/// A small deterministic generator (an LCG), so every run edits the same places.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below.max(1)
    }
}

fn komagane() -> (Vec<u8>, PlanFile) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/plans/komagane.json");
    let bytes = std::fs::read(path).expect("the sample plan");
    let file = parse_plan_file("komagane.json", &bytes).expect("valid");
    (bytes, file)
}

/// The plan with `count` edits at scattered places of its measures' texts: a few characters
/// replaced, deleted or inserted in a field each.
fn scattered_edits(file: &PlanFile, count: usize) -> PlanFile {
    let mut revised = file.clone();
    let mut random = Lcg(20261206);
    let mut slots: Vec<(usize, usize)> = Vec::new();
    for (m, measure) in revised.plan.measures.iter().enumerate() {
        for f in 0..4 {
            let text = [
                &measure.target_state,
                &measure.current_issues,
                &measure.direction,
                &measure.content,
            ][f];
            if text.as_ref().is_some_and(|t| t.chars().count() > 20) {
                slots.push((m, f));
            }
        }
    }
    for _ in 0..count {
        let (m, f) = slots[random.next(slots.len())];
        let measure = &mut revised.plan.measures[m];
        let text = [
            &mut measure.target_state,
            &mut measure.current_issues,
            &mut measure.direction,
            &mut measure.content,
        ]
        .into_iter()
        .nth(f)
        .unwrap()
        .as_mut()
        .unwrap();
        let mut chars: Vec<char> = text.chars().collect();
        let at = random.next(chars.len() - 6);
        match random.next(3) {
            0 => {
                chars.splice(at..at + 1 + random.next(5), "改定後の記述".chars());
            }
            1 => {
                chars.drain(at..at + 1 + random.next(5));
            }
            _ => {
                chars.splice(at..at, "（令和6年度追記）".chars());
            }
        }
        *text = chars.into_iter().collect();
    }
    revised
}

/// `count` notes on version 1: spans of 8–40 characters at scattered places of its passages.
fn notes(file: &PlanFile, count: usize) -> Vec<Selector> {
    let list = passages(&file.plan);
    let mut random = Lcg(7);
    let mut out = Vec::new();
    while out.len() < count {
        let passage = &list[random.next(list.len())];
        let len = passage.text.chars().count();
        if len < 12 {
            continue;
        }
        let span = (8 + random.next(33)).min(len);
        let start = random.next(len - span + 1);
        if let Some(selector) = Selector::of(&passage.key, &passage.text, start, start + span) {
            out.push(selector);
        }
    }
    out
}

fn timed<T>(runs: usize, mut f: impl FnMut() -> T) -> Vec<Duration> {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect()
}

fn summary(label: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
    println!(
        "{label:<58} median {:8.2} ms   p95 {:8.2} ms   ({} runs)",
        ms(times[times.len() / 2]),
        ms(p95),
        times.len()
    );
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let mut server = std::env::current_exe()
        .map_err(|e| e.to_string())?
        .with_file_name("server");
    let mut runs = 30;
    let mut fixtures = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--server" => server = PathBuf::from(value),
            "--runs" => runs = value.parse().map_err(|e| format!("{e}"))?,
            "--fixtures" => fixtures = Some(PathBuf::from(value)),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }

    let (bytes, original) = komagane();
    let revised = scattered_edits(&original, 50);
    if let Some(dir) = fixtures {
        let write = |name: &str, json: String| {
            std::fs::write(dir.join(name), json).map_err(|e| format!("{name}: {e}"))
        };
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        write(
            "revised.json",
            serde_json::to_string(&revised).map_err(|e| e.to_string())?,
        )?;
        let selectors = notes(&original, 500);
        write(
            "notes.json",
            serde_json::to_string(&selectors).map_err(|e| e.to_string())?,
        )?;
        return Ok(());
    }
    let diff = diff_plans(&original.plan, &revised.plan);
    println!("Komagane against 50 scattered edits: {}", diff.summary());

    println!("\nin the process:");
    summary(
        "baseline: parse and validate the plan file",
        timed(runs, || parse_plan_file("k", &bytes)),
    );
    summary(
        "compare the two versions (diff_plans)",
        timed(runs, || diff_plans(&original.plan, &revised.plan)),
    );
    let selectors = notes(&original, 500);
    let after = passages(&revised.plan);
    let found = anchor_all(&after, &selectors);
    let orphaned = found.iter().filter(|a| **a == Anchoring::Orphaned).count();
    println!(
        "500 notes after the revision: {} found, {orphaned} orphaned",
        500 - orphaned
    );
    summary(
        "baseline: the revised version's passages",
        timed(runs, || passages(&revised.plan)),
    );
    summary(
        "find 500 notes again (passages and anchor_all)",
        timed(runs, || {
            let list = passages(&revised.plan);
            anchor_all(&list, &selectors)
        }),
    );

    // A server whose plan has the revision published: version 1 against version 2.
    let data = std::env::temp_dir().join(format!("keikaku-bench-revisions-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    {
        let store = Store::open(&data).await.map_err(|e| e.to_string())?;
        store
            .import_plan(&original, ImportMode::Create)
            .await
            .map_err(|e| e.to_string())?;
        let actor = Actor::default();
        let source = RevisionSource::File(Box::new(revised.clone()));
        store
            .start_revision(PLAN, source, Default::default(), &actor, 0)
            .await
            .map_err(|e| e.to_string())?;
        store
            .publish_revision(PLAN, &actor, 1)
            .await
            .map_err(|e| e.to_string())?;
        store.close().await;
    }
    let (mut child, addr) = process::start(&server, &data)?;
    let get = |path: &str| {
        let answer = http::request(&addr, "GET", path, &[], "");
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        answer.bytes
    };
    println!("\nthrough the server (a fresh loopback connection per request):");
    let export = format!("/api/v1/plans/{PLAN}/versions/1");
    let compare = format!("/api/v1/plans/{PLAN}/compare?from=1&to=2");
    let page = format!("/plans/{PLAN}/compare?from=1&to=2");
    get(&compare);
    summary(
        &format!("baseline: GET {export}"),
        timed(runs, || get(&export)),
    );
    summary(&format!("GET {compare}"), timed(runs, || get(&compare)));
    summary("GET the comparison page", timed(runs, || get(&page)));
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&data);
    Ok(())
}
