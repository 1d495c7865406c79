//! Configuration from environment variables (documented in the README).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::proxies::TrustedProxies;

pub struct Config {
    pub site_addr: SocketAddr,
    pub data_dir: PathBuf,
    pub load_samples: bool,
    pub secure_cookies: bool,
    pub demo_users: bool,
    pub trusted_proxies: TrustedProxies,
    /// Password hashes and checks that may run at once (see `auth::hashing`).
    pub password_checks: usize,
    /// How long a password check waits for a turn (see `auth::hashing`).
    pub password_wait: Duration,
    /// How often an open event stream checks that its session still exists.
    pub session_check: Duration,
    /// Where reminder emails go out, if anywhere.
    pub mail: Option<MailConfig>,
    /// How many days before a round's deadline its reminder goes out.
    pub reminder_days: u32,
    /// The site as users reach it (`KEIKAKU_SITE_URL`, no trailing slash), for absolute links
    /// in feeds and shared pages; without it, the address the server is bound to.
    pub site_url: Option<String>,
}

/// The mail server and sender of reminder emails.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `smtp://host:port` (plain, or STARTTLS when the server offers it: `?tls=required`
    /// demands it), `smtps://user:password@host:465`.
    pub smtp_url: String,
    pub from: String,
    /// The site as users reach it, for links in the mail.
    pub site: String,
}

/// `KEIKAKU_SITE_URL` without a trailing slash, if set.
fn site_url() -> Option<String> {
    var("KEIKAKU_SITE_URL").map(|url| url.trim_end_matches('/').to_owned())
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// A duration in milliseconds that only the tests set, so they need not wait for the real one.
fn test_millis(name: &str, default: Duration) -> Result<Duration, String> {
    match var(name) {
        None => Ok(default),
        Some(text) => text
            .parse()
            .map(Duration::from_millis)
            .map_err(|_| format!("{name}={text:?}: use a number of milliseconds")),
    }
}

/// An on/off setting.
fn switch(name: &str, default: bool) -> Result<bool, String> {
    match var(name).as_deref() {
        None => Ok(default),
        Some("on" | "1" | "true") => Ok(true),
        Some("off" | "0" | "false") => Ok(false),
        Some(other) => Err(format!("{name}={other:?}: use on or off")),
    }
}

impl Config {
    pub fn from_env() -> Result<Config, String> {
        let site_addr = var("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let site_addr: SocketAddr = site_addr
            .parse()
            .map_err(|e| format!("LEPTOS_SITE_ADDR={site_addr:?}: {e}"))?;
        let demo_users = switch("KEIKAKU_DEMO_USERS", false)?;
        if demo_users && !site_addr.ip().is_loopback() {
            return Err("KEIKAKU_DEMO_USERS=on is only allowed on a loopback address: demo accounts have a published password".into());
        }
        Ok(Config {
            site_addr,
            data_dir: PathBuf::from(var("KEIKAKU_DATA_DIR").unwrap_or_else(|| "./data".into())),
            load_samples: switch("KEIKAKU_SAMPLE_PLANS", true)?,
            secure_cookies: switch("KEIKAKU_SECURE_COOKIES", false)?,
            demo_users,
            trusted_proxies: TrustedProxies::parse(
                &var("KEIKAKU_TRUSTED_PROXIES").unwrap_or_default(),
            )
            .map_err(|e| format!("KEIKAKU_TRUSTED_PROXIES: {e}"))?,
            password_checks: match var("KEIKAKU_PASSWORD_CHECKS") {
                None => crate::auth::hashing::CONCURRENT_HASHES,
                Some(text) => text.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                    format!("KEIKAKU_PASSWORD_CHECKS={text:?}: use a whole number of at least 1")
                })?,
            },
            password_wait: test_millis(
                "KEIKAKU_TEST_PASSWORD_WAIT_MS",
                crate::auth::hashing::DEFAULT_WAIT,
            )?,
            session_check: test_millis(
                "KEIKAKU_TEST_SESSION_CHECK_MS",
                crate::http::SESSION_CHECK,
            )?,
            mail: var("KEIKAKU_SMTP_URL").map(|smtp_url| MailConfig {
                smtp_url,
                from: var("KEIKAKU_MAIL_FROM").unwrap_or_else(|| "Keikaku <keikaku@localhost>".into()),
                site: site_url().unwrap_or_else(|| format!("http://{site_addr}")),
            }),
            site_url: site_url(),
            reminder_days: match var("KEIKAKU_REMINDER_DAYS") {
                None => 3,
                Some(text) => text.parse().ok().filter(|n| (1..=60).contains(n)).ok_or_else(|| {
                    format!("KEIKAKU_REMINDER_DAYS={text:?}: use a whole number of days from 1 to 60")
                })?,
            },
        })
    }
}
