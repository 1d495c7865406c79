//! Benchmark of the sync server against a real server process (see `bench/README.md`).
//!
//! Starts `server` on a fresh data directory with the sample plans, signs in as an
//! administrator of 駒ヶ根市, pushes 10,000 mutations in batches of 500 (field sets, field notes
//! and KPI readings across the whole plan, as staff would record them), then pulls the whole
//! plan from cursor 0 several times. Prints push throughput and pull latency.
//!
//! With `--merges RUNS` it times the costliest push instead (`merges.rs`).
//!
//! ```text
//! bench-sync [--server PATH] [--mutations N] [--batch N] [--pull-runs N] [--merges RUNS]
//! ```

mod http;
mod merges;
mod process;
#[path = "../../../sync/tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use http::request;
use keikaku_domain::format::PlanFile;
use keikaku_domain::Stage;
use keikaku_sync::progress::{Field, FieldNote, FieldValue, KpiReading, RecordKey, Status};
use keikaku_sync::protocol::{
    replica_user_header_value, Change, ClientId, Mutation, MutationId, Outcome, PullResponse,
    PushRequest, PushResponse, MAX_PUSH_MUTATIONS, REPLICA_USER_HEADER,
};

const PLAN: &str = "komagane-dx-strategy";
const LOGIN: &str = "bench-admin";
const PASSWORD: &str = "benchmark passphrase 2026";

struct Options {
    server: PathBuf,
    mutations: usize,
    batch: usize,
    pull_runs: usize,
    /// Runs of the costliest push instead of the workload (`merges.rs`).
    merges: Option<usize>,
}

fn options() -> Result<Options, String> {
    // By default the server built next to this binary: same target directory and profile.
    let beside = std::env::current_exe()
        .map_err(|e| e.to_string())?
        .with_file_name("server");
    let mut options = Options {
        server: beside,
        mutations: 10_000,
        batch: MAX_PUSH_MUTATIONS,
        pull_runs: 20,
        merges: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--server" => options.server = PathBuf::from(value()?),
            "--mutations" => options.mutations = value()?.parse().map_err(|e| format!("{e}"))?,
            "--batch" => options.batch = value()?.parse().map_err(|e| format!("{e}"))?,
            "--pull-runs" => options.pull_runs = value()?.parse().map_err(|e| format!("{e}"))?,
            "--merges" => options.merges = Some(value()?.parse().map_err(|e| format!("{e}"))?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if !options.server.exists() {
        return Err(format!(
            "no server binary at {}: build it first (cargo build --release -p server) or pass --server PATH",
            options.server.display()
        ));
    }
    if options.batch == 0 || options.batch > MAX_PUSH_MUTATIONS {
        return Err(format!(
            "--batch must be 1–{MAX_PUSH_MUTATIONS} (the protocol's limit)"
        ));
    }
    Ok(options)
}

/// The server process and its data directory, both gone when dropped.
struct Server {
    child: Child,
    addr: String,
    data_dir: PathBuf,
}

impl Server {
    /// CPU time the server process has used so far (user and system, all threads), from
    /// `/proc` on Linux; `None` elsewhere.
    fn cpu_time(&self) -> Option<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        // Fields after the parenthesised command name; utime and stime are the 14th and 15th
        // fields of the line, in clock ticks (USER_HZ, 100 on Linux).
        let fields: Vec<&str> = stat[stat.rfind(')')? + 2..].split(' ').collect();
        let ticks: u64 =
            fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        Some(Duration::from_millis(ticks * 10))
    }
}

impl Server {
    fn start(binary: &Path) -> Result<Server, String> {
        let data_dir =
            std::env::temp_dir().join(format!("keikaku-bench-sync-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data_dir);
        // The server first: it creates the database and loads the sample plans (and with them
        // the organization the account belongs to).
        let (child, addr) = process::start(binary, &data_dir)?;
        let server = Server {
            child,
            addr,
            data_dir: data_dir.clone(),
        };
        process::add_administrator(binary, &data_dir, "komagane", LOGIN, PASSWORD)?;
        Ok(server)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

struct Session {
    cookie: String,
    csrf: String,
}

fn sign_in(addr: &str) -> Session {
    let body = serde_json::json!({ "login": LOGIN, "password": PASSWORD }).to_string();
    let answer = request(addr, "POST", "/api/v1/session", &[], &body);
    assert_eq!(answer.status, 200, "sign-in: {}", answer.body);
    let cookie = answer.cookie().expect("a session cookie");
    let json: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    Session {
        cookie,
        csrf: json["csrf_token"].as_str().unwrap().to_owned(),
    }
}

/// What staff of the whole organization might record: about 60% field sets (each on the value
/// last stored, so all apply), 30% field notes and 10% KPI readings, spread over every measure
/// and action of the plan and its five fiscal years.
fn workload(plan: &PlanFile, count: usize, batch: usize) -> Vec<PushRequest> {
    let mut records: Vec<(RecordKey, usize)> = Vec::new(); // key, KPIs of its measure
    for year in 2022..=2026 {
        for measure in &plan.plan.measures {
            records.push((
                RecordKey::measure(PLAN, &measure.id, year),
                measure.kpis.len(),
            ));
            for action in &measure.actions {
                records.push((
                    RecordKey::action(PLAN, &action.id, year),
                    measure.kpis.len(),
                ));
            }
        }
    }
    let fields = Field::ALL;
    let mut last: std::collections::HashMap<(usize, Field), FieldValue> = Default::default();
    let mut sets: std::collections::HashMap<(usize, Field), usize> = Default::default();
    let client = ClientId::new("bench-client").unwrap();
    let mutations: Vec<Mutation> = (0..count)
        .map(|n| {
            let id = MutationId::new(&client, n as u64 + 1);
            let record = n % records.len();
            let (key, kpis) = records[record].clone();
            let change = match n % 10 {
                0..=5 => {
                    let field = fields[(n / records.len()) % fields.len()];
                    // Each set of a field changes it: the next choice after the last one.
                    let times = sets.entry((record, field)).or_insert(0usize);
                    *times += 1;
                    let value = match field {
                        Field::Stage => FieldValue::Stage(Some(Stage::ALL[*times % 4])),
                        Field::Status => FieldValue::Status(Some(Status::ALL[*times % 5])),
                        Field::Percent => FieldValue::Percent(Some((*times * 7 % 101) as u8)),
                        Field::Grade => {
                            FieldValue::Grade(Some(keikaku_sync::Grade::ALL[*times % 4]))
                        }
                        _ => FieldValue::Text(format!(
                            "令和{}年度の実績と次の取組（記録{n}）。",
                            n % 8 + 1
                        )),
                    };
                    let base_value = last
                        .insert((record, field), value.clone())
                        .unwrap_or_else(|| field.empty_value());
                    Change::Set {
                        field,
                        value,
                        base_version: 0,
                        base_value,
                    }
                }
                6..=8 => Change::AppendNote {
                    note: FieldNote {
                        id: id.to_string(),
                        date: "2024-06-01".into(),
                        text: format!("現地で確認した事項その{n}。利用者の声を記録。"),
                        author: "企画振興課 職員".into(),
                        retracted: false,
                    },
                },
                _ if kpis > 0 => Change::AppendKpiReading {
                    reading: KpiReading {
                        id: id.to_string(),
                        kpi_id: format!("kpi-{}", n % kpis + 1),
                        value: format!("{}.{}", n % 500, n % 10),
                        as_of: "2024-09-30".into(),
                        note: None,
                    },
                },
                _ => Change::AppendNote {
                    note: FieldNote {
                        id: id.to_string(),
                        date: "2024-07-01".into(),
                        text: format!("KPIのない取組の記録{n}。"),
                        author: "企画振興課 職員".into(),
                        retracted: false,
                    },
                },
            };
            Mutation {
                id,
                key: key.into(),
                change,
            }
        })
        .collect();
    mutations
        .chunks(batch)
        .map(|chunk| PushRequest {
            client_id: client.clone(),
            mutations: chunk.to_vec(),
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    // Nearest rank.
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let server = Server::start(&options.server).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1);
    });
    let session = sign_in(&server.addr);
    let plan: PlanFile = serde_json::from_str(
        &request(
            &server.addr,
            "GET",
            &format!("/api/v1/plans/{PLAN}"),
            &[],
            "",
        )
        .body,
    )
    .expect("the sample plan");
    if let Some(runs) = options.merges {
        let measures: Vec<String> = plan.plan.measures.iter().map(|m| m.id.clone()).collect();
        merges::run(&server, &session, &measures, runs);
        return;
    }
    let pushes = workload(&plan, options.mutations, options.batch);
    let bodies: Vec<String> = pushes
        .iter()
        .map(|p| serde_json::to_string(p).unwrap())
        .collect();
    let largest = bodies.iter().map(String::len).max().unwrap_or(0);
    let profile = if options
        .server
        .components()
        .any(|c| c.as_os_str() == "release")
    {
        "release"
    } else {
        "debug (or unknown)"
    };
    println!("server:    {} ({profile} build)", options.server.display());
    println!(
        "machine:   {} CPUs; SQLite WAL, synchronous=FULL, on {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::env::temp_dir().display()
    );
    println!(
        "workload:  {} mutations in {} pushes of up to {} (largest body {} KiB)",
        options.mutations,
        pushes.len(),
        options.batch,
        largest / 1024
    );

    let replica = replica_user_header_value(LOGIN);
    let headers = [
        ("Cookie", session.cookie.as_str()),
        ("X-CSRF-Token", session.csrf.as_str()),
        (REPLICA_USER_HEADER, replica.as_str()),
    ];
    let mut push_times = Vec::new();
    let (mut applied, mut unchanged) = (0, 0);
    let cpu_before = server.cpu_time();
    let started = Instant::now();
    for (push, body) in pushes.iter().zip(&bodies) {
        let begun = Instant::now();
        let answer = request(&server.addr, "POST", "/api/v1/sync/push", &headers, body);
        push_times.push(begun.elapsed());
        assert_eq!(answer.status, 200, "push: {}", answer.body);
        let response: PushResponse = serde_json::from_str(&answer.body).unwrap();
        assert_eq!(response.results.len(), push.mutations.len());
        for result in &response.results {
            match result.outcome {
                Outcome::Applied { .. } => applied += 1,
                // A choice set again to what it already holds.
                Outcome::Unchanged { .. } => unchanged += 1,
                ref other => panic!("{}: {other:?}", result.id),
            }
        }
    }
    let total = started.elapsed();
    let push_cpu = server
        .cpu_time()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    push_times.sort();
    println!();
    println!(
        "push:      {:.0} mutations/s ({} mutations in {:.2} s: {applied} applied, {unchanged} unchanged)",
        options.mutations as f64 / total.as_secs_f64(),
        options.mutations,
        total.as_secs_f64()
    );
    println!(
        "           per push of {}: median {}, p95 {}, max {}",
        options.batch,
        ms(percentile(&push_times, 50.0)),
        ms(percentile(&push_times, 95.0)),
        ms(*push_times.last().unwrap())
    );
    if let Some(cpu) = push_cpu {
        // Steadier than the wall time, and what the server takes from a browser on the same
        // machine.
        println!(
            "           server CPU time: {:.2} s ({:.0} µs per mutation)",
            cpu.as_secs_f64(),
            cpu.as_secs_f64() * 1e6 / options.mutations as f64
        );
    }

    // The whole plan as a new replica gets it: from cursor 0, pages of 1,000 until no more.
    let replica = replica_user_header_value(LOGIN);
    let cookie = [
        ("Cookie", session.cookie.as_str()),
        (REPLICA_USER_HEADER, replica.as_str()),
    ];
    let mut pull_times = Vec::new();
    let mut page_times = Vec::new();
    let mut rows = 0;
    let mut pages = 0;
    for _ in 0..options.pull_runs {
        let begun = Instant::now();
        let (mut since, mut run_rows, mut run_pages) = (0, 0, 0);
        loop {
            let page_begun = Instant::now();
            let answer = request(
                &server.addr,
                "GET",
                &format!("/api/v1/sync/pull?since={since}&limit=1000"),
                &cookie,
                "",
            );
            assert_eq!(answer.status, 200, "pull: {}", answer.body);
            let page: PullResponse = serde_json::from_str(&answer.body).unwrap();
            page_times.push(page_begun.elapsed());
            run_rows += page.changes.len();
            run_pages += 1;
            since = page.cursor;
            if !page.more {
                break;
            }
        }
        pull_times.push(begun.elapsed());
        (rows, pages) = (run_rows, run_pages);
    }
    pull_times.sort();
    page_times.sort();
    println!(
        "pull:      whole plan ({rows} rows in {pages} pages of up to 1,000), {} runs: median {}, p95 {}",
        options.pull_runs,
        ms(percentile(&pull_times, 50.0)),
        ms(percentile(&pull_times, 95.0))
    );
    println!(
        "           per page: median {}, p95 {}",
        ms(percentile(&page_times, 50.0)),
        ms(percentile(&page_times, 95.0))
    );
}
