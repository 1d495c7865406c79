//! Reminder emails through a real SMTP server (Python's aiosmtpd, started here): a digest to
//! each department's editors before a round's deadline and after it, once each, with the
//! records that wait and links to them; nothing without KEIKAKU_SMTP_URL.

mod support;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use keikaku_domain::date::Day;
use support::{
    add_account_with, request_with, run, server_command, sign_in, NewAccount, TempDir, TestServer,
};

const PASSWORD: &str = "reminder test passphrase";

/// aiosmtpd on a free loopback port, writing each message it receives to a directory.
struct SmtpServer {
    child: Child,
    port: u16,
    inbox: TempDir,
}

impl SmtpServer {
    fn start() -> SmtpServer {
        let inbox = TempDir::new("smtp-inbox");
        std::fs::create_dir_all(&inbox.0).unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "smtp_sink.Sink", inbox.0.to_str().unwrap()])
            .env("PYTHONPATH", concat!(env!("CARGO_MANIFEST_DIR"), "/tests"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd (scripts/lib.sh installs python3-aiosmtpd)");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "aiosmtpd did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        SmtpServer { child, port, inbox }
    }

    fn messages(&self) -> Vec<serde_json::Value> {
        let mut names: Vec<_> = std::fs::read_dir(&self.inbox.0)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn add_user(server: &TestServer, login: &str, role: &str, extra: &[&str]) {
    let account = NewAccount {
        organization: "komagane",
        login,
        name: login,
        role,
        department: None,
        password: PASSWORD,
    };
    let out = add_account_with(server, account, extra);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn remind(server: &TestServer, smtp: Option<&SmtpServer>) -> std::process::Output {
    let mut command = server_command(&server.data.0);
    command.arg("remind");
    if let Some(smtp) = smtp {
        command
            .env(
                "KEIKAKU_SMTP_URL",
                format!("smtp://127.0.0.1:{}", smtp.port),
            )
            .env("KEIKAKU_SITE_URL", "https://keikaku.example.jp")
            .env("KEIKAKU_MAIL_FROM", "DX推進担当 <dx@example.jp>");
    }
    command.output().unwrap()
}

#[test]
fn editors_get_one_digest_before_the_deadline_and_one_after_it() {
    let server = TestServer::start();
    add_user(&server, "k-admin", "administrator", &[]);
    add_user(
        &server,
        "k-lead",
        "editor",
        &["--department", "企画振興課", "--email", "lead@example.jp"],
    );
    add_user(
        &server,
        "k-lead2",
        "editor",
        &["--department", "企画振興課", "--email", "lead2@example.jp"],
    );
    // No address: the in-app list is all they get.
    add_user(
        &server,
        "k-quiet",
        "editor",
        &["--department", "企画振興課"],
    );
    add_user(
        &server,
        "k-other",
        "editor",
        &["--department", "総務課", "--email", "other@example.jp"],
    );
    let bad = run(
        &server.data.0,
        &[
            "user",
            "add",
            "--organization",
            "komagane",
            "--login",
            "x",
            "--name",
            "x",
            "--role",
            "editor",
            "--department",
            "総務課",
            "--email",
            "not-an-address",
        ],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--email"));

    let admin = sign_in(&server, "k-admin", PASSWORD);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let today = Day::in_japan_at(now);
    let open = |id: &str, measure: &str, deadline: Day| {
        let body = serde_json::json!({
            "id": id, "fiscal_year": 2024, "kind": "year_end", "title": format!("評価{id}"),
            "opens_on": today.plus_days(-30).to_string(), "deadline": deadline.to_string(),
            "scope": [format!("measure:{measure}")]
        });
        let r = request_with(
            &server.addr,
            "POST",
            "/api/v1/plans/komagane-dx-strategy/rounds",
            Some(&body.to_string()),
            &[("Cookie", &admin.cookie), ("X-CSRF-Token", &admin.csrf)],
        );
        assert_eq!(r.status, 201, "{}", r.body);
    };
    // 企画振興課 leads both measures; 総務課 only takes part in regional-04.
    open("soon", "regional-04", today.plus_days(2));
    open("late", "regional-12", today.plus_days(-1));
    open("later", "regional-14", today.plus_days(20));

    let without = remind(&server, None);
    assert!(!without.status.success(), "no mail server, no email");
    assert!(String::from_utf8_lossy(&without.stderr).contains("KEIKAKU_SMTP_URL"));

    let smtp = SmtpServer::start();
    let out = remind(&server, Some(&smtp));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "sent 2 reminder digests"
    );
    let messages = smtp.messages();
    assert_eq!(messages.len(), 2, "{messages:#?}");
    for message in &messages {
        let mut to: Vec<&str> = message["to"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        to.sort();
        assert_eq!(
            to,
            ["lead2@example.jp", "lead@example.jp"],
            "the department's editors with an address"
        );
        assert_eq!(message["from"], "dx@example.jp");
        assert!(message["header_to"].as_str().unwrap().contains("k-lead"));
    }
    let soon = messages
        .iter()
        .find(|m| m["subject"].as_str().unwrap().contains("評価soon"))
        .unwrap();
    assert!(
        soon["subject"].as_str().unwrap().contains("近づいています"),
        "{soon}"
    );
    let body = soon["body"].as_str().unwrap();
    assert!(body.contains("企画振興課の皆さま"), "{body}");
    assert!(body.contains("未入力"), "{body}");
    assert!(
        body.contains("https://keikaku.example.jp/plans/komagane-dx-strategy/measures/regional-04/progress?year=2024"),
        "{body}"
    );
    let late = messages
        .iter()
        .find(|m| m["subject"].as_str().unwrap().contains("評価late"))
        .unwrap();
    assert!(
        late["subject"].as_str().unwrap().contains("過ぎています"),
        "{late}"
    );

    // Each digest goes once.
    let again = remind(&server, Some(&smtp));
    assert_eq!(
        String::from_utf8_lossy(&again.stdout).trim(),
        "sent 0 reminder digests"
    );
    assert_eq!(smtp.messages().len(), 2);
}
