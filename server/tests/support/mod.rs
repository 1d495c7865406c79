//! A real server process on a loopback port with its own data directory, and a minimal HTTP
//! client, for the server's integration tests.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("keikaku-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn server_command(data_dir: &PathBuf) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .env("KEIKAKU_DATA_DIR", data_dir)
        .env("LEPTOS_HASH_FILES", "false")
        .env("RUST_LOG", "warn")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// Runs `server ARGS...` to completion.
pub fn run(data_dir: &PathBuf, args: &[&str]) -> Output {
    server_command(data_dir).args(args).output().unwrap()
}

/// What a server wrote to standard error, kept for tests that check it (and echoed, so a
/// failing test still shows it).
pub type Stderr = std::sync::Arc<std::sync::Mutex<String>>;

/// Extra environment for a test server: `(name, value)` pairs.
pub type Env = Vec<(String, String)>;

/// Starts `server` on a loopback port the OS picks, and returns it once it listens.
fn spawn_listening(data_dir: &PathBuf, stderr: &Stderr, env: &Env) -> (Child, String) {
    use std::io::BufRead;
    let mut child = server_command(data_dir)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let errors = std::io::BufReader::new(child.stderr.take().unwrap());
    let kept = stderr.clone();
    std::thread::spawn(move || {
        for line in errors.lines().map_while(|l| l.ok()) {
            eprintln!("{line}");
            let mut kept = kept.lock().unwrap();
            kept.push_str(&line);
            kept.push('\n');
        }
    });
    let stdout = child.stdout.take().unwrap();
    let mut lines = std::io::BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("server exited before listening")
            .unwrap();
        if let Some(addr) = line.strip_prefix("listening on http://") {
            break addr.trim().to_owned();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

pub struct TestServer {
    child: Child,
    pub addr: String,
    pub data: TempDir,
    stderr: Stderr,
    env: Env,
}

impl TestServer {
    /// Starts the server on a port the OS picks (no race with other tests for a free port) and
    /// waits until it says where it listens.
    pub fn start() -> TestServer {
        TestServer::start_with(&[])
    }

    /// Like [`TestServer::start`], with extra environment variables (kept for restarts).
    pub fn start_with(env: &[(&str, &str)]) -> TestServer {
        let env: Env = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let data = TempDir::new("server");
        let stderr = Stderr::default();
        let (child, addr) = spawn_listening(&data.0, &stderr, &env);
        TestServer {
            child,
            addr,
            data,
            stderr,
            env,
        }
    }

    /// Everything the server (and any restart of it) has written to standard error so far.
    pub fn stderr_text(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Kills the server with SIGKILL (no shutdown, no flushing: a crash) and waits until it is
    /// gone. Requests to it fail until [`TestServer::restart`].
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the server again on the same data directory (on a new port: `addr` changes),
    /// killing the running one first if there is one.
    pub fn restart(&mut self) {
        self.kill();
        let (child, addr) = spawn_listening(&self.data.0, &self.stderr, &self.env);
        self.child = child;
        self.addr = addr;
    }

    /// The server process's id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn get(&self, path: &str) -> Response {
        request(&self.addr, "GET", path, None)
    }

    pub fn post(&self, path: &str, body: &str) -> Response {
        request(&self.addr, "POST", path, Some(body))
    }

    /// `GET path` with the session's cookie.
    pub fn get_as(&self, path: &str, session: &Session) -> Response {
        self.get_with_cookie(path, &session.cookie)
    }

    /// `GET path` with a cookie pair (`name=value`).
    pub fn get_with_cookie(&self, path: &str, cookie: &str) -> Response {
        request_with(&self.addr, "GET", path, None, &[("Cookie", cookie)])
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `name=value` of the (first) cookie the answer sets, as a later request sends it.
    pub fn cookie_set(&self) -> Option<&str> {
        self.header("set-cookie")?.split(';').next()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// HTTP/1.1 with `Connection: close`; decodes chunked bodies (streamed pages).
pub fn request(addr: &str, method: &str, path: &str, body: Option<&str>) -> Response {
    request_with(addr, method, path, body, &[])
}

/// Like [`request`], with extra headers (`Content-Type: application/json` unless given).
pub fn request_with(
    addr: &str,
    method: &str,
    path: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> Response {
    try_request_with(addr, method, path, body, headers).unwrap()
}

/// Like [`request_with`], but a failed connection or a connection closed before a complete
/// answer (a server killed mid-request) is an error instead of a panic.
pub fn try_request_with(
    addr: &str,
    method: &str,
    path: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let body = body.unwrap_or("");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
    {
        head.push_str("Content-Type: application/json\r\n");
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    // The server may answer (413) and close before reading a large body.
    let _ = stream.write_all(body.as_bytes());
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let cut_off = || std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no complete answer");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(cut_off)?;
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut payload = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        payload = dechunk(&payload).ok_or_else(cut_off)?;
    } else if let Some(length) = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
    {
        if payload.len() < length {
            return Err(cut_off());
        }
    }
    Ok(Response {
        status,
        headers,
        // Downloads (XLSX, PDF) are binary: their bytes are in `bytes`, the text is lossy.
        body: String::from_utf8_lossy(&payload).into_owned(),
        bytes: payload,
    })
}

/// The body of a chunked answer; `None` if it was cut off.
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// The account `server user add` creates, with its password on standard input.
pub struct NewAccount<'a> {
    pub organization: &'a str,
    pub login: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub department: Option<&'a str>,
    pub password: &'a str,
}

/// Runs `server user add` against the server's data directory.
pub fn add_account(server: &TestServer, account: NewAccount) -> Output {
    add_account_with(server, account, &[])
}

/// Adds the account (panicking unless `server user add` succeeds) and signs it in.
pub fn signed_in_account(server: &TestServer, account: NewAccount) -> Session {
    let (login, password) = (account.login, account.password);
    let out = add_account(server, account);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    sign_in(server, login, password)
}

/// [`add_account`] with more options for `server user add` (`--email ADDRESS`).
pub fn add_account_with(server: &TestServer, account: NewAccount, extra: &[&str]) -> Output {
    use std::io::Write as _;
    let mut args = vec![
        "user",
        "add",
        "--organization",
        account.organization,
        "--login",
        account.login,
        "--name",
        account.name,
        "--role",
        account.role,
    ];
    if let Some(d) = account.department {
        args.extend(["--department", d]);
    }
    args.extend(extra);
    let mut child = server_command(&server.data.0)
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{}\n", account.password).as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Creates an administrator of `organization` and signs them in.
pub fn administrator(
    server: &TestServer,
    organization: &str,
    login: &str,
    password: &str,
) -> Session {
    let account = NewAccount {
        organization,
        login,
        name: login,
        role: "administrator",
        department: None,
        password,
    };
    signed_in_account(server, account)
}

/// A signed-in session: its cookie pair (`name=value`) and CSRF token.
#[derive(Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
    /// The `Keikaku-Replica-User` value naming this session's user, which sync requests carry.
    pub replica: String,
}

/// Signs in through `POST /api/v1/session`; panics unless the server accepts.
pub fn sign_in(server: &TestServer, login: &str, password: &str) -> Session {
    let body = serde_json::json!({ "login": login, "password": password }).to_string();
    let response = request_with(&server.addr, "POST", "/api/v1/session", Some(&body), &[]);
    assert_eq!(response.status, 200, "{}", response.body);
    let cookie = response.cookie_set().expect("a session cookie").to_owned();
    let session = response.json();
    let csrf = session["csrf_token"]
        .as_str()
        .expect("a CSRF token")
        .to_owned();
    let login = session["user"]["login"].as_str().expect("the user's login");
    let replica = keikaku_sync::protocol::replica_user_header_value(login);
    Session {
        cookie,
        csrf,
        replica,
    }
}

/// Imports a plan file given as JSON with `server import`; panics unless it succeeds.
pub fn import_json(server: &TestServer, file: &serde_json::Value) {
    let files = TempDir::new("import-json");
    let path = files.0.join("plan.json");
    std::fs::write(&path, file.to_string()).unwrap();
    let out = run(&server.data.0, &["import", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An open server-sent event stream (`GET /api/v1/sync/events` or another), read as it
/// arrives.
pub struct EventStream {
    pub status: u16,
    headers: Vec<(String, String)>,
    reader: BufReader<TcpStream>,
    /// Decoded body not yet parsed into events.
    pending: String,
}

impl EventStream {
    /// `GET /api/v1/sync/events` as `session` (or nobody).
    pub fn open(addr: &str, session: Option<&Session>) -> EventStream {
        EventStream::open_path(addr, "/api/v1/sync/events", session)
    }

    /// `GET path` as `session` (or nobody), as an event stream.
    pub fn open_path(addr: &str, path: &str, session: Option<&Session>) -> EventStream {
        let mut stream = TcpStream::connect(addr).unwrap();
        let cookie = session.map_or(String::new(), |s| format!("Cookie: {}\r\n", s.cookie));
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n{cookie}\r\n"
        )
        .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let status = line.split(' ').nth(1).unwrap().parse().unwrap();
        let mut headers = Vec::new();
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            match line.trim_end().split_once(':') {
                Some((name, value)) => {
                    headers.push((name.trim().to_lowercase(), value.trim().to_owned()))
                }
                None => break,
            }
        }
        EventStream {
            status,
            headers,
            reader,
            pending: String::new(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The next event's name and data, skipping keep-alive comments; `None` if none arrives
    /// by `deadline`.
    pub fn next_event(&mut self, deadline: Instant) -> Option<(String, String)> {
        loop {
            if let Some(end) = self.pending.find("\n\n") {
                let block: String = self.pending.drain(..end + 2).collect();
                let field = |name: &str| {
                    block
                        .lines()
                        .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
                };
                if let (Some(event), Some(data)) = (field("event:"), field("data:")) {
                    return Some((event, data));
                }
                continue;
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            self.reader
                .get_ref()
                .set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .unwrap();
            // One chunk of the chunked body.
            let mut size_line = String::new();
            if self.reader.read_line(&mut size_line).ok()? == 0 {
                return None;
            }
            let size = usize::from_str_radix(size_line.trim(), 16).ok()?;
            let mut chunk = vec![0; size + 2];
            self.reader.read_exact(&mut chunk).ok()?;
            self.pending
                .push_str(std::str::from_utf8(&chunk[..size]).unwrap());
        }
    }

    /// Whether the server ends the stream within `within`: its last chunk arrives, or the
    /// connection closes. Events and keep-alive comments on the way are skipped.
    pub fn ends_within(&mut self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        let timed_out = |e: &std::io::Error| {
            matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            )
        };
        loop {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                return false;
            };
            self.reader
                .get_ref()
                .set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .unwrap();
            let mut size_line = String::new();
            match self.reader.read_line(&mut size_line) {
                Ok(0) => return true,
                Ok(_) => {}
                Err(e) => return !timed_out(&e),
            }
            match usize::from_str_radix(size_line.trim(), 16) {
                Ok(0) => return true,
                Ok(size) => {
                    let mut chunk = vec![0; size + 2];
                    if let Err(e) = self.reader.read_exact(&mut chunk) {
                        return !timed_out(&e);
                    }
                }
                Err(_) => panic!("not a chunk: {size_line:?}"),
            }
        }
    }
}
