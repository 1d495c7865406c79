//! Benchmark of the yearly reporting round's pages and PDF (see `bench/README.md`).
//!
//! Seeds a data directory through the store: the sample plans, and for every measure and
//! action of every plan that has any, progress in 10 fiscal years (fields, a note, KPI
//! readings); then a year-end round per plan over all of them, half submitted, a third of
//! those evaluated and approved. Starts the real server on it and times, as an administrator,
//! the dashboard (`/rounds/{id}`), the report page (`/rounds/{id}/report`) and the PDF, with
//! the measure page of the same plan as the baseline of the same run.
//!
//! ```text
//! bench-rounds [--server PATH] [--runs N] [--pdf-runs N] [--scale N]
//! ```

#[path = "../../server-sync/src/http.rs"]
mod http;
#[path = "../../server-sync/src/process.rs"]
mod process;

use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use keikaku_domain::access::{Principal, Role, Viewer};
use keikaku_domain::evaluation::{Grade, NewRound, RecordAction, RoundKind};
use keikaku_domain::import::parse_plan_file;
use keikaku_domain::FiscalYear;
use keikaku_store::{Actor, ImportMode, Store};
use keikaku_sync::progress::{Field, FieldNote, FieldValue, KpiReading, RecordKey, Status, Target};
use keikaku_sync::protocol::{Change, ClientId, Mutation, MutationId, PushRequest};

const PASSWORD: &str = "benchmark passphrase 2026";
const YEARS: i32 = 10;

struct Options {
    server: PathBuf,
    runs: usize,
    pdf_runs: usize,
    /// Each plan's measures (with their actions, KPIs and roadmap) this many times over.
    scale: usize,
}

fn options() -> Result<Options, String> {
    let beside = std::env::current_exe()
        .map_err(|e| e.to_string())?
        .with_file_name("server");
    let mut options = Options {
        server: beside,
        runs: 15,
        pdf_runs: 5,
        scale: 1,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--server" => options.server = PathBuf::from(value()?),
            "--runs" => options.runs = value()?.parse().map_err(|e| format!("{e}"))?,
            "--pdf-runs" => options.pdf_runs = value()?.parse().map_err(|e| format!("{e}"))?,
            "--scale" => options.scale = value()?.parse().map_err(|e| format!("{e}"))?,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if !options.server.exists() {
        return Err(format!(
            "no server binary at {}: build it first (cargo build --release -p server) or pass --server PATH",
            options.server.display()
        ));
    }
    Ok(options)
}

/// A plan of the benchmark: its id, organization, first fiscal year and its targets.
struct Seeded {
    plan_id: String,
    organization: String,
    first_year: i32,
    targets: Vec<(Target, usize)>,
    round_id: String,
}

fn admin(organization: &str) -> Viewer {
    Viewer::User(Principal {
        user_id: 1,
        organization_id: organization.to_owned(),
        role: Role::Administrator,
        department: None,
    })
}

/// Repeats every measure of `plan` `times` over (ids suffixed `-c2`, `-c3`, …), each copy placed
/// where its original is, so one round covers as much as several plans would.
fn scale_plan(plan: &mut keikaku_domain::Plan, times: usize) {
    fn place(node: &mut keikaku_domain::Node, copies: &[(String, String)]) {
        let mut added = Vec::new();
        for measure in &node.measures {
            added.extend(
                copies
                    .iter()
                    .filter(|(o, _)| o == measure)
                    .map(|(_, c)| c.clone()),
            );
        }
        node.measures.extend(added);
        for child in &mut node.children {
            place(child, copies);
        }
    }
    let originals = plan.measures.clone();
    let mut copies = Vec::new();
    for n in 2..=times {
        for measure in &originals {
            let mut copy = measure.clone();
            copy.id = format!("{}-c{n}", measure.id);
            for action in &mut copy.actions {
                action.id = format!("{}-c{n}", action.id);
            }
            copies.push((measure.id.clone(), copy.id.clone()));
            plan.measures.push(copy);
        }
    }
    for node in &mut plan.structure {
        place(node, &copies);
    }
}

/// Imports the sample plans and records 10 years of progress on every measure and action.
async fn seed(data_dir: &Path, scale: usize) -> Result<Vec<Seeded>, String> {
    let store = Store::open(data_dir).await.map_err(|e| e.to_string())?;
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/plans");
    let mut seeded = Vec::new();
    let now = 1_780_000_000;
    let mut names: Vec<PathBuf> = std::fs::read_dir(&samples)
        .map_err(|e| e.to_string())?
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for path in names {
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        let mut file =
            parse_plan_file(&path.display().to_string(), &bytes).map_err(|e| format!("{e:?}"))?;
        scale_plan(&mut file.plan, scale);
        store
            .import_plan(&file, ImportMode::Create)
            .await
            .map_err(|e| e.to_string())?;
        let plan = &file.plan;
        let mut targets = Vec::new();
        for measure in &plan.measures {
            targets.push((Target::Measure(measure.id.clone()), measure.kpis.len()));
            for action in &measure.actions {
                targets.push((Target::Action(action.id.clone()), 0));
            }
        }
        if targets.is_empty() {
            continue;
        }
        let first_year = plan.period.as_ref().map_or(2022, |p| p.start_fiscal_year.0);
        let client = ClientId::new(format!("seed-{}", seeded.len())).unwrap();
        let mut counter = 0;
        let mut mutations = Vec::new();
        for (target, kpis) in &targets {
            for year in first_year..first_year + YEARS {
                let key = RecordKey {
                    plan_id: plan.id.clone(),
                    target: target.clone(),
                    fiscal_year: FiscalYear(year),
                };
                // Notes and readings take the id of the mutation that appends them.
                let mut push = |make: &dyn Fn(&MutationId) -> Change| {
                    counter += 1;
                    let id = MutationId::new(&client, counter);
                    mutations.push(Mutation {
                        change: make(&id),
                        id,
                        key: key.clone().into(),
                    });
                };
                let set = |field: Field, value: FieldValue| Change::Set {
                    field,
                    base_version: 0,
                    base_value: field.empty_value(),
                    value,
                };
                let results = format!("{year}年度は窓口の電子申請を{}手続で開始し、利用者アンケートで満足度を確認した。次年度は対象を全庁に広げる。", year - first_year + 3);
                let percent = ((year - first_year) * 10 % 101) as u8;
                push(&|_| set(Field::Status, FieldValue::Status(Some(Status::OnTrack))));
                push(&|_| set(Field::Percent, FieldValue::Percent(Some(percent))));
                push(&|_| set(Field::Results, FieldValue::Text(results.clone())));
                push(&|_| set(Field::Grade, FieldValue::Grade(Some(Grade::B))));
                push(&|_| {
                    set(
                        Field::GradeComment,
                        FieldValue::Text("計画どおり進んだが、周知に課題が残る。".into()),
                    )
                });
                push(&|_| {
                    set(
                        Field::NextActions,
                        FieldValue::Text(
                            "広報紙とSNSで周知し、操作に不慣れな方への窓口支援を続ける。".into(),
                        ),
                    )
                });
                push(&|id| Change::AppendNote {
                    note: FieldNote {
                        id: id.to_string(),
                        date: format!("{year}-10-01"),
                        text: "現地で利用状況を確認した。".into(),
                        author: "ベンチマーク".into(),
                        retracted: false,
                    },
                });
                for k in 0..*kpis {
                    push(&|id| Change::AppendKpiReading {
                        reading: KpiReading {
                            id: id.to_string(),
                            kpi_id: format!("kpi-{}", k + 1),
                            value: format!("{}", 40 + (year - first_year) * 5),
                            as_of: format!("{}-03-31", year + 1),
                            note: None,
                        },
                    });
                }
            }
        }
        for chunk in mutations.chunks(2000) {
            let request = PushRequest {
                client_id: client.clone(),
                mutations: chunk.to_vec(),
            };
            let allow = |_: &ClientId, _: &Mutation| -> Result<(), String> { Ok(()) };
            store
                .push(&request, &allow, &Actor::default(), now)
                .await
                .map_err(|e| e.to_string())?;
        }
        seeded.push(Seeded {
            plan_id: plan.id.clone(),
            organization: file.organization.id.clone(),
            first_year,
            targets,
            round_id: format!("bench-{}", seeded.len()),
        });
    }
    // A year-end round per plan over all its measures and actions: half submitted, a third of
    // those evaluated and approved.
    for plan in &seeded {
        let viewer = admin(&plan.organization);
        let scope = plan
            .targets
            .iter()
            .map(|(t, _)| format!("{}:{}", t.kind(), t.id()))
            .collect();
        let round = NewRound {
            id: plan.round_id.clone(),
            fiscal_year: FiscalYear(plan.first_year + 2),
            kind: RoundKind::YearEnd,
            title: "ベンチマーク年度末評価".into(),
            opens_on: "2025-04-01".into(),
            deadline: "2025-05-31".into(),
            stale_days: 14,
            scope,
        };
        store
            .open_round(&plan.plan_id, &round, &viewer, &Actor::default(), now)
            .await
            .map_err(|e| e.to_string())?;
        let client = ClientId::new(format!("submit-{}", plan.round_id)).unwrap();
        let mutations: Vec<Mutation> = plan
            .targets
            .iter()
            .step_by(2)
            .enumerate()
            .map(|(i, (target, _))| Mutation {
                id: MutationId::new(&client, i as u64 + 1),
                key: RecordKey {
                    plan_id: plan.plan_id.clone(),
                    target: target.clone(),
                    fiscal_year: FiscalYear(plan.first_year + 2),
                }
                .into(),
                change: Change::Submit {
                    round_id: plan.round_id.clone(),
                    seen: 0,
                },
            })
            .collect();
        let request = PushRequest {
            client_id: client.clone(),
            mutations,
        };
        let allow = |_: &ClientId, _: &Mutation| -> Result<(), String> { Ok(()) };
        store
            .push(&request, &allow, &Actor::default(), now)
            .await
            .map_err(|e| e.to_string())?;
        for (target, _) in plan.targets.iter().step_by(6) {
            let evaluate = RecordAction::Evaluate {
                grade: Grade::C,
                reason: "目標に対して遅れがある。".into(),
            };
            for action in [evaluate, RecordAction::Approve] {
                store
                    .review_record(
                        &plan.round_id,
                        target,
                        &action,
                        &viewer,
                        &Actor::default(),
                        now,
                    )
                    .await
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    store.close().await;
    Ok(seeded)
}

struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(binary: &Path, data_dir: &Path) -> Result<Server, String> {
        let (child, addr) = process::start(binary, data_dir)?;
        Ok(Server { child, addr })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn add_admin(binary: &Path, data_dir: &Path, organization: &str) -> Result<String, String> {
    let login = format!("bench-{organization}");
    process::add_administrator(binary, data_dir, organization, &login, PASSWORD)?;
    Ok(login)
}

fn sign_in(addr: &str, login: &str) -> String {
    let body = serde_json::json!({ "login": login, "password": PASSWORD }).to_string();
    let answer = http::request(addr, "POST", "/api/v1/session", &[], &body);
    assert_eq!(answer.status, 200, "sign-in: {}", answer.body);
    answer.cookie().expect("a session cookie")
}

/// Times `runs` GETs of `path`; every one must be 200. Returns the sorted times and the size.
fn time(addr: &str, cookie: &str, path: &str, runs: usize) -> (Vec<Duration>, usize) {
    let mut times = Vec::with_capacity(runs);
    let mut size = 0;
    // One untimed request first: the plan's caches and the fonts are loaded once per process.
    let warm = http::request(addr, "GET", path, &[("Cookie", cookie)], "");
    assert_eq!(
        warm.status,
        200,
        "{path}: {}",
        &warm.body[..warm.body.len().min(300)]
    );
    for _ in 0..runs {
        let started = Instant::now();
        let answer = http::request(addr, "GET", path, &[("Cookie", cookie)], "");
        times.push(started.elapsed());
        assert_eq!(answer.status, 200, "{path}");
        size = answer.bytes;
    }
    times.sort();
    (times, size)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn report(label: &str, (times, size): (Vec<Duration>, usize)) {
    let median = times[times.len() / 2];
    let p95 = times[((times.len() as f64 * 0.95).ceil() as usize)
        .saturating_sub(1)
        .min(times.len() - 1)];
    println!(
        "  {label:<28} median {:>9}  p95 {:>9}  max {:>9}  ({} kB)",
        ms(median),
        ms(p95),
        ms(*times.last().unwrap()),
        size / 1024
    );
}

fn main() {
    let options = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let data_dir =
        std::env::temp_dir().join(format!("keikaku-bench-rounds-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let started = Instant::now();
    let seeded = runtime
        .block_on(seed(&data_dir, options.scale))
        .unwrap_or_else(|e| panic!("seeding: {e}"));
    println!(
        "seeded {} plans with {} records in {YEARS} fiscal years each in {:.1} s",
        seeded.len(),
        seeded.iter().map(|s| s.targets.len()).sum::<usize>(),
        started.elapsed().as_secs_f64()
    );
    let logins: Vec<String> = seeded
        .iter()
        .map(|s| add_admin(&options.server, &data_dir, &s.organization).unwrap())
        .collect();
    let server = Server::start(&options.server, &data_dir).unwrap();
    for (plan, login) in seeded.iter().zip(&logins) {
        let cookie = sign_in(&server.addr, login);
        let first_measure = plan
            .targets
            .iter()
            .find(|(t, _)| matches!(t, Target::Measure(_)))
            .map(|(t, _)| t.id().to_owned())
            .unwrap();
        println!(
            "{} (round {}, {} records):",
            plan.plan_id,
            plan.round_id,
            plan.targets.len()
        );
        let baseline = format!("/plans/{}/measures/{first_measure}", plan.plan_id);
        report(
            "measure page (baseline)",
            time(&server.addr, &cookie, &baseline, options.runs),
        );
        let dashboard = format!("/rounds/{}", plan.round_id);
        report(
            "dashboard",
            time(&server.addr, &cookie, &dashboard, options.runs),
        );
        let report_page = format!("/rounds/{}/report", plan.round_id);
        report(
            "report page",
            time(&server.addr, &cookie, &report_page, options.runs),
        );
        let sheet = format!("/api/v1/rounds/{}/sheet.xlsx", plan.round_id);
        report("XLSX", time(&server.addr, &cookie, &sheet, options.runs));
        let pdf = format!("/api/v1/rounds/{}/report.pdf", plan.round_id);
        report("PDF", time(&server.addr, &cookie, &pdf, options.pdf_runs));
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&data_dir);
}
