#![recursion_limit = "256"]
//! `server`: runs Keikaku, or imports plan files into its database.
//!
//! ```text
//! server                              run the web server (default)
//! server serve                        the same
//! server import [--replace] FILE...   import plan files (all or nothing per file)
//! server import --revision [--label TEXT] [--date YYYY-MM[-DD]] FILE
//!                                     make a revised plan file the draft of its next version
//! server check FILE...                validate plan files without importing
//! server backup FILE                  copy the database to FILE while the server runs
//! server restore [--force] FILE       replace the database with a backup
//! server user add ...                 create a user (password on standard input)
//! ```
//! Configuration comes from the environment; see [`config`].

mod auth;
mod config;
mod demo;
mod http;
mod pdf_fonts;
mod proxies;
mod reminders;
mod samples;
mod users_cli;

use std::path::Path;
use std::process::ExitCode;

use keikaku_domain::import::parse_plan_file;
use keikaku_store::{ImportMode, Store};

use crate::config::Config;

const USAGE: &str = "usage:
  server [serve]                      run the web server
  server import [--replace] FILE...   import plan files into the database
  server import --revision [--label TEXT] [--date YYYY-MM[-DD]] FILE
                                      make a revised plan file the draft of the plan's next
                                      version (改定案); administrators publish it in /admin
  server check FILE...                validate plan files without importing
  server backup FILE                  copy the database, as one consistent snapshot, to FILE (a
                                      new file); safe while the server runs
  server restore [--force] FILE       replace the database with the backup FILE; refused while
                                      a server uses it, and, without --force, if it holds anything
  server user add --organization ID --login LOGIN --name NAME --role ROLE [--department NAME]
                                      create a user; the password is read from standard input

environment:
  LEPTOS_SITE_ADDR      listen address (default 127.0.0.1:3000)
  KEIKAKU_DATA_DIR      database and uploads directory (default ./data)
  KEIKAKU_SAMPLE_PLANS  load the bundled sample plans at start-up: on (default) or off
  KEIKAKU_SECURE_COOKIES  mark session cookies Secure (behind HTTPS): on or off (default)
  KEIKAKU_DEMO_USERS    create the demo accounts at start-up (loopback only): on or off (default)
  KEIKAKU_TRUSTED_PROXIES  proxies whose X-Forwarded-For names the client: IPs and networks,
                        comma-separated (default none)
  KEIKAKU_PASSWORD_CHECKS  password checks run at once, about 19 MiB each (default 4)
  KEIKAKU_SMTP_URL      mail server for reminder emails, e.g. smtp://127.0.0.1:25 (default none: no email)
  KEIKAKU_MAIL_FROM     sender of reminder emails (default Keikaku <keikaku@localhost>)
  KEIKAKU_SITE_URL      the site as users reach it, for links in emails (default http://LEPTOS_SITE_ADDR)
  KEIKAKU_REMINDER_DAYS days before a deadline its reminder goes out (default 3)

server remind: send the reminder emails due now, once, and exit";

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    let result = match args.first().map(String::as_str) {
        None | Some("serve") => http::serve(config).await,
        Some("import") => import(&config, &args[1..]).await,
        Some("check") => check(&args[1..]),
        Some("backup") => backup(&config, &args[1..]).await,
        Some("restore") => restore(&config, &args[1..]).await,
        Some("user") => users_cli::run(&config, &args[1..]).await,
        Some("remind") => remind(&config).await,
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other:?}\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn read_plan_file(path: &str) -> Result<keikaku_domain::PlanFile, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: cannot read: {e}"))?;
    parse_plan_file(path, &bytes).map_err(|e| e.to_string())
}

/// `backup FILE`: a consistent copy of the database, taken while the server may be writing.
async fn backup(config: &Config, args: &[String]) -> Result<(), String> {
    let [file] = args else {
        return Err(format!("backup: name one file to write\n{USAGE}"));
    };
    let contents = keikaku_store::backup::backup(&config.data_dir, Path::new(file))
        .await
        .map_err(|e| format!("backup: {e}"))?;
    println!("{file}: backed up {contents}");
    Ok(())
}

/// `restore [--force] FILE`: the backup becomes the database (migrated on the next start).
async fn restore(config: &Config, args: &[String]) -> Result<(), String> {
    let force = args.iter().any(|a| a == "--force");
    let files: Vec<&String> = args.iter().filter(|a| *a != "--force").collect();
    let [file] = files.as_slice() else {
        return Err(format!("restore: name one backup file\n{USAGE}"));
    };
    let contents = keikaku_store::backup::restore(&config.data_dir, Path::new(file), force)
        .await
        .map_err(|e| format!("restore: {e}"))?;
    println!(
        "{}: restored {contents} from {file}",
        config.data_dir.display()
    );
    Ok(())
}

/// Validates every file first, then imports each in its own transaction; any invalid file
/// means nothing is imported.
async fn import(config: &Config, args: &[String]) -> Result<(), String> {
    if args.iter().any(|a| a == "--revision") {
        return import_revision(config, args).await;
    }
    let replace = args.iter().any(|a| a == "--replace");
    let files: Vec<&String> = args.iter().filter(|a| *a != "--replace").collect();
    if files.is_empty() {
        return Err(format!("import: name at least one plan file\n{USAGE}"));
    }
    let mut parsed = Vec::new();
    let mut errors = Vec::new();
    for path in &files {
        match read_plan_file(path) {
            Ok(file) => parsed.push((path, file)),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(format!("{}\nnothing was imported", errors.join("\n")));
    }
    let store = Store::open(&config.data_dir)
        .await
        .map_err(|e| e.to_string())?;
    let mode = if replace {
        ImportMode::Replace
    } else {
        ImportMode::Create
    };
    for (path, file) in parsed {
        let report = store
            .import_plan(&file, mode)
            .await
            .map_err(|e| format!("{path}: {e}"))?;
        let c = &report.counts;
        println!(
            "{path}: {:?} plan {} — {} records ({} measures, {} actions, {} KPIs, {} schedule cells, {} structure nodes, {} chapters, {} milestones, {} glossary terms, {} departments)",
            report.outcome, report.plan_id, c.total(), c.measures, c.actions, c.kpis, c.schedule_cells, c.nodes, c.chapters, c.milestones, c.glossary_terms, c.departments
        );
    }
    store.close().await;
    Ok(())
}

/// `import --revision`: the file becomes the draft of its plan's next version (replacing a
/// draft being prepared); prints what it changes against the current version.
async fn import_revision(config: &Config, args: &[String]) -> Result<(), String> {
    let mut label = None;
    let mut date = None;
    let mut files = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--revision" => {}
            "--label" | "--date" => {
                let value = rest
                    .next()
                    .ok_or_else(|| format!("import: {arg} needs a value\n{USAGE}"))?;
                if arg == "--label" {
                    label = Some(value.clone());
                } else {
                    date = Some(value.clone());
                }
            }
            other if other.starts_with("--") => {
                return Err(format!("import: unknown option {other}\n{USAGE}"))
            }
            path => files.push(path),
        }
    }
    let [path] = files[..] else {
        return Err(format!(
            "import --revision: name exactly one plan file\n{USAGE}"
        ));
    };
    let file = read_plan_file(path)?;
    let store = Store::open(&config.data_dir)
        .await
        .map_err(|e| e.to_string())?;
    let plan_id = file.plan.id.clone();
    let actor = keikaku_store::Actor {
        client: Some("server import --revision".into()),
        ..Default::default()
    };
    let now = auth::now();
    let source = keikaku_store::RevisionSource::File(Box::new(file));
    let name = keikaku_store::VersionName {
        label,
        issued: date,
    };
    let info = store
        .start_revision(&plan_id, source, name, &actor, now)
        .await
        .map_err(|e| format!("{path}: {e}"))?;
    let current = store.load_plan(&plan_id).await.map_err(|e| e.to_string())?;
    let draft = store
        .draft_revision(&plan_id)
        .await
        .map_err(|e| e.to_string())?;
    if let (Some((_, current)), Some((_, draft))) = (current, draft) {
        let diff = keikaku_domain::revision::diff::diff_plans(&current, &draft.plan);
        println!(
            "{path}: plan {plan_id}, draft {}: {}",
            info.title(),
            diff.summary()
        );
    }
    store.close().await;
    Ok(())
}

fn check(args: &[String]) -> Result<(), String> {
    if args.is_empty() {
        return Err(format!("check: name at least one plan file\n{USAGE}"));
    }
    let errors: Vec<String> = args
        .iter()
        .filter_map(|path| match read_plan_file(path) {
            Ok(file) => {
                println!(
                    "{path}: ok (plan {}, {} measures)",
                    file.plan.id,
                    file.plan.measures.len()
                );
                None
            }
            Err(e) => Some(e),
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n"))
    }
}

/// `server remind`: sends the reminder digests due now.
async fn remind(config: &Config) -> Result<(), String> {
    let mail = config
        .mail
        .as_ref()
        .ok_or("KEIKAKU_SMTP_URL is not set: there is no mail server to send reminders through")?;
    let mailer = reminders::Mailer::new(mail)?;
    let store = Store::open(&config.data_dir)
        .await
        .map_err(|e| e.to_string())?;
    let sent = reminders::send_due(&store, &mailer, auth::now(), config.reminder_days).await?;
    store.close().await;
    println!("sent {sent} reminder digests");
    Ok(())
}
