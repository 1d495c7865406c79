//! `server user add`: creates users from the command line, above all the first administrator.
//! The password is read from standard input, never from arguments (which other local users can
//! see) and never defaulted.

use std::io::BufRead;

use keikaku_domain::access::Role;
use keikaku_domain::limits::{check_email, check_login, check_required, TextKind};
use keikaku_store::{NewUser, Store};

use crate::auth::{self, password};
use crate::config::Config;

pub const USAGE: &str =
    "server user add --organization ID --login LOGIN --name NAME --role ROLE [--department NAME] [--email ADDRESS]
    ROLE is administrator, editor or council_member; the password is read from standard input;
    an editor with an email address receives the reporting rounds' reminders";

struct Options {
    organization: String,
    login: String,
    name: String,
    role: Role,
    department: Option<String>,
    email: Option<String>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut values = std::collections::HashMap::new();
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let key = flag
            .strip_prefix("--")
            .ok_or_else(|| format!("unexpected argument {flag:?}\nusage: {USAGE}"))?;
        if ![
            "organization",
            "login",
            "name",
            "role",
            "department",
            "email",
        ]
        .contains(&key)
        {
            return Err(format!("unknown option {flag:?}\nusage: {USAGE}"));
        }
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        values.insert(key, value.clone());
    }
    let required = |key: &str| {
        values
            .get(key)
            .cloned()
            .ok_or_else(|| format!("--{key} is required\nusage: {USAGE}"))
    };
    let role_text = required("role")?;
    Ok(Options {
        organization: required("organization")?,
        login: required("login")?,
        name: required("name")?,
        role: Role::parse(&role_text).ok_or_else(|| {
            format!("--role {role_text:?}: use administrator, editor or council_member")
        })?,
        department: values.get("department").cloned(),
        email: values.get("email").cloned(),
    })
}

pub async fn run(config: &Config, args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("add") => add(config, &args[1..]).await,
        _ => Err(format!("usage: {USAGE}")),
    }
}

async fn add(config: &Config, args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    check_login(&options.login).map_err(|problem| format!("--login: {problem}"))?;
    check_required(TextKind::Name, &options.name)
        .map_err(|problem| format!("--name: {problem}"))?;
    if let Some(email) = &options.email {
        check_email(email).map_err(|problem| format!("--email: {problem}"))?;
    }
    if options.role == Role::Editor && options.department.is_none() {
        return Err(
            "an editor needs --department: editors record progress for their department's measures"
                .into(),
        );
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    let new_password = line.trim_end_matches(['\r', '\n']);
    password::check_new_password(new_password).map_err(|reason| reason.to_string())?;

    let store = Store::open(&config.data_dir)
        .await
        .map_err(|e| e.to_string())?;
    if !store
        .organization_exists(&options.organization)
        .await
        .map_err(|e| e.to_string())?
    {
        return Err(format!(
            "--organization {:?}: no such organization (import its plan first)",
            options.organization
        ));
    }
    if let Some(department) = &options.department {
        if !store
            .department_exists(&options.organization, department)
            .await
            .map_err(|e| e.to_string())?
        {
            return Err(format!(
                "--department {department:?}: not a department of {}",
                options.organization
            ));
        }
    }
    let hash = password::hash(new_password)?;
    let created = store
        .create_user(
            NewUser {
                organization_id: &options.organization,
                login: &options.login,
                display_name: &options.name,
                role: options.role,
                department: options.department.as_deref(),
                password_hash: &hash,
            },
            auth::now(),
        )
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("--login {:?} is already taken", options.login))?;
    if let Some(email) = &options.email {
        store
            .set_email(created.id, Some(email))
            .await
            .map_err(|e| e.to_string())?;
    }
    println!(
        "created user {} ({}, {}) in {}",
        created.login,
        created.display_name,
        created.role.as_str(),
        created.organization_id
    );
    store.close().await;
    Ok(())
}
