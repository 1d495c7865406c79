//! Configuration from environment variables (documented in the README).

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::proxies::TrustedProxies;

pub struct Config {
    pub site_addr: SocketAddr,
    pub data_dir: PathBuf,
    pub load_samples: bool,
    pub secure_cookies: bool,
    pub demo_users: bool,
    pub trusted_proxies: TrustedProxies,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
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
        })
    }
}
