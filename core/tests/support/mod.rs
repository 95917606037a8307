//! Real servers for tests: moto (DynamoDB-compatible) and redis-server, each started on a free
//! loopback port by the test that needs it and killed when its guard drops.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub mod faulty_dynamodb;

/// A child process that is killed when dropped.
#[derive(Debug)]
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Finds a server binary: the environment variable, then the project's own install, then PATH.
fn find(env_var: &str, local: &str, name: &str) -> PathBuf {
    if let Ok(p) = std::env::var(env_var) {
        return PathBuf::from(p);
    }
    let local = workspace_root().join(local);
    if local.exists() {
        return local;
    }
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(name))
                .find(|p| p.exists())
        })
        .unwrap_or_else(|| {
            panic!("{name} was not found (set {env_var}, or run `make test`, which installs it)")
        })
}

fn wait_for_port(port: u16, what: &str, child: &mut Child) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited before it was ready: {status}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{what} did not start listening on port {port} within 60 s");
}

/// A moto server on a free port, unless `AWS_ENDPOINT_URL` names another endpoint.
/// Returns the endpoint and the guard (None when the endpoint is external).
pub fn dynamodb_endpoint() -> (String, Option<Server>) {
    if let Ok(url) = std::env::var("AWS_ENDPOINT_URL") {
        return (url, None);
    }
    let bin = find(
        "SWITCHYARD_MOTO_SERVER",
        ".venv/bin/moto_server",
        "moto_server",
    );
    let port = free_port();
    let mut child = Command::new(bin)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .env("PYTHONPATH", serial_moto())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto_server starts");
    wait_for_port(port, "moto_server", &mut child);
    (
        format!("http://127.0.0.1:{port}"),
        Some(Server { child, port }),
    )
}

/// moto applies concurrent transactions without isolation (two can pass the same condition);
/// DynamoDB serialises them. A `sitecustomize` makes moto's server handle one request at a time,
/// so the suites test DynamoDB's behaviour, not moto's race. Returns the directory to put on
/// `PYTHONPATH`.
fn serial_moto() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("serial-moto");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("sitecustomize.py"),
        "import werkzeug.serving as _s\n_run = _s.run_simple\n\ndef run_simple(*a, **k):\n    k['threaded'] = False\n    return _run(*a, **k)\n\n_s.run_simple = run_simple\n",
    )
    .unwrap();
    dir
}

/// A redis-server on `port` (a free one when `None`), without persistence.
pub fn redis_server(port: Option<u16>) -> Server {
    let bin = find(
        "SWITCHYARD_REDIS_SERVER",
        ".tools/bin/redis-server",
        "redis-server",
    );
    let port = port.unwrap_or_else(free_port);
    let mut child = Command::new(bin)
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server starts");
    wait_for_port(port, "redis-server", &mut child);
    Server { child, port }
}

/// A real SMTP server on loopback (aiosmtpd, from PyPI, in `.venv`) that keeps every message it
/// receives in a Maildir: what a test's mail actually went through.
pub struct SmtpSink {
    pub server: Server,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        let python = find("SWITCHYARD_PYTHON", ".venv/bin/python", "python3");
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("mail");
        let port = free_port();
        let mut child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts (make test installs it into .venv)");
        wait_for_port(port, "aiosmtpd", &mut child);
        SmtpSink {
            server: Server { child, port },
            maildir,
            _dir: dir,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.server.port)
    }

    /// Every message received so far, as text (a quoted-printable body decoded, as a mail
    /// client shows it).
    pub fn messages(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .map(|m| {
                if m.contains("Content-Transfer-Encoding: quoted-printable") {
                    quoted_printable(&m)
                } else {
                    m
                }
            })
            .collect()
    }

    /// Waits (up to 20 s) for a message to `to`, and returns it.
    pub fn message_to(&self, to: &str) -> String {
        self.message_to_with(to, "")
    }

    /// Waits (up to 20 s) for a message to `to` whose text holds `text`, and returns it.
    pub fn message_to_with(&self, to: &str, text: &str) -> String {
        let start = Instant::now();
        loop {
            if let Some(m) = self.messages().into_iter().find(|m| {
                m.lines().any(|l| l.starts_with("To:") && l.contains(to)) && m.contains(text)
            }) {
                return m;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "no mail to {to} arrived"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Decodes quoted-printable text: soft line breaks (`=` at a line's end) and `=XX` escapes.
fn quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
