//! Configuration from environment variables (documented in the README).

use std::net::SocketAddr;
use std::path::PathBuf;

pub struct Config {
    pub site_addr: SocketAddr,
    pub data_dir: PathBuf,
    pub load_samples: bool,
    pub secure_cookies: bool,
}

impl Config {
    pub fn from_env() -> Result<Config, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let site_addr = var("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let site_addr = site_addr
            .parse()
            .map_err(|e| format!("LEPTOS_SITE_ADDR={site_addr:?}: {e}"))?;
        let data_dir = PathBuf::from(var("KEIKAKU_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let load_samples = match var("KEIKAKU_SAMPLE_PLANS").as_deref() {
            None | Some("on" | "1" | "true") => true,
            Some("off" | "0" | "false") => false,
            Some(other) => return Err(format!("KEIKAKU_SAMPLE_PLANS={other:?}: use on or off")),
        };
        let secure_cookies = match var("KEIKAKU_SECURE_COOKIES").as_deref() {
            None | Some("off" | "0" | "false") => false,
            Some("on" | "1" | "true") => true,
            Some(other) => return Err(format!("KEIKAKU_SECURE_COOKIES={other:?}: use on or off")),
        };
        Ok(Config {
            site_addr,
            data_dir,
            load_samples,
            secure_cookies,
        })
    }
}
