//! Starting the real server binary for a benchmark: on a data directory, on a loopback port the
//! OS picks, returning once it listens.

use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Starts `binary` serving `data_dir`; returns the process and the address it listens on.
pub fn start(binary: &Path, data_dir: &Path) -> Result<(Child, String), String> {
    use std::io::BufRead;
    let mut child = Command::new(binary)
        .env("KEIKAKU_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let stdout = child.stdout.take().expect("piped");
    let mut lines = std::io::BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines
            .next()
            .ok_or("the server exited before listening")?
            .map_err(|e| e.to_string())?;
        if let Some(addr) = line.strip_prefix("listening on http://") {
            break addr.trim().to_owned();
        }
    };
    // Keep reading, so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Ok((child, addr))
}

/// Creates an administrator `login` of `organization` with `server user add` on `data_dir`.
pub fn add_administrator(
    binary: &Path,
    data_dir: &Path,
    organization: &str,
    login: &str,
    password: &str,
) -> Result<(), String> {
    use std::io::Write;
    let mut add = Command::new(binary)
        .args([
            "user",
            "add",
            "--organization",
            organization,
            "--login",
            login,
        ])
        .args(["--name", "ベンチマーク", "--role", "administrator"])
        .env("KEIKAKU_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    add.stdin
        .take()
        .expect("piped")
        .write_all(format!("{password}\n").as_bytes())
        .map_err(|e| e.to_string())?;
    if !add.wait().map_err(|e| e.to_string())?.success() {
        return Err("user add failed".into());
    }
    Ok(())
}
