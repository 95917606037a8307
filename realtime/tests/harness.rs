//! Real `switchyard` processes for tests, each on a free loopback port, killed on drop.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    missing_debug_implementations
)]

#[path = "../../core/tests/support/mod.rs"]
pub mod support;

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

pub struct Switchyard {
    child: Child,
    pub base: String,
    pub port: u16,
}

impl Drop for Switchyard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Switchyard {
    /// Starts `switchyard serve` with extra arguments and environment.
    pub fn serve(args: &[&str], env: &[(&str, &str)]) -> Switchyard {
        // Tests sign up many users from 127.0.0.1.
        let mut env = env.to_vec();
        env.insert(0, ("SWITCHYARD_SIGNUPS_PER_ADDRESS", "1000000"));
        Switchyard::start("serve", args, &env, "Switchyard is running at")
    }

    /// Starts `switchyard realtime` (the SDK role alone) with extra arguments.
    pub fn realtime(args: &[&str]) -> Switchyard {
        Switchyard::start("realtime", args, &[], "realtime is listening on")
    }

    /// Starts `switchyard realtime` on `port` (which another process may share).
    pub fn realtime_on(port: u16, args: &[&str]) -> Switchyard {
        Switchyard::start_on(port, "realtime", args, &[], "realtime is listening on")
    }

    /// Starts `switchyard <role>` on a free port and waits for the line that says it listens.
    fn start(role: &str, args: &[&str], env: &[(&str, &str)], ready: &str) -> Switchyard {
        Switchyard::start_on(support::free_port(), role, args, env, ready)
    }

    fn start_on(
        port: u16,
        role: &str,
        args: &[&str],
        env: &[(&str, &str)],
        ready: &str,
    ) -> Switchyard {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_switchyard"));
        cmd.arg(role)
            .arg("--addr")
            .arg(format!("127.0.0.1:{port}"))
            .args(args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("switchyard starts");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        loop {
            match lines.next() {
                Some(Ok(line)) if line.contains(ready) => break,
                Some(Ok(_)) => continue,
                _ => panic!("switchyard {role} exited before it was ready"),
            }
        }
        std::thread::spawn(move || for _ in lines {});
        Switchyard {
            child,
            base: format!("http://127.0.0.1:{port}"),
            port,
        }
    }

    /// Sends SIGTERM (graceful shutdown) and waits for the exit.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        self.child.wait().unwrap()
    }

    pub fn ws_url(&self, key: &str) -> String {
        format!("ws://127.0.0.1:{}/sdk/v1/ws?key={key}", self.port)
    }

    /// A WebSocket request with the key in a header: the way server keys must travel (a server
    /// key in a URL is refused).
    pub fn ws_request(
        &self,
        key: &str,
    ) -> tokio_tungstenite::tungstenite::handshake::client::Request {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = format!("ws://127.0.0.1:{}/sdk/v1/ws", self.port)
            .into_client_request()
            .unwrap();
        request
            .headers_mut()
            .insert("x-api-key", key.parse().unwrap());
        request
    }
}

pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
}

/// A tenant with a project, a boolean flag `beta` (enabled, on for plan=pro), and both keys.
pub struct Tenant {
    pub project: String,
    pub env: String,
    pub client_key: String,
    pub server_key: String,
    /// The client key's id, to revoke it.
    pub client_key_id: String,
}

impl Client {
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    pub async fn signup(base: &str, email: &str) -> Client {
        let http = reqwest::Client::new();
        let r: Value = http.post(format!("{base}/api/v1/auth/signup"))
            .json(&json!({"email": email, "password": "correct horse battery", "name": "Ada", "organization": "Acme"}))
            .send().await.unwrap().json().await.unwrap();
        let token = r["token"]
            .as_str()
            .unwrap_or_else(|| panic!("signup failed: {r}"))
            .to_owned();
        let c = Client {
            http,
            base: base.to_owned(),
            token,
        };
        let org = r["organization"]["id"].as_str().unwrap().to_owned();
        c.call(reqwest::Method::GET, &format!("/api/v1/orgs/{org}"), None)
            .await;
        c
    }

    pub async fn tenant(&self) -> Tenant {
        let (_, me) = self
            .call(reqwest::Method::GET, "/api/v1/auth/me", None)
            .await;
        let org = me["memberships"][0]["organization"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (_, p) = self
            .call(
                reqwest::Method::POST,
                &format!("/api/v1/orgs/{org}/projects"),
                Some(json!({"name": "Web", "environments": ["production"]})),
            )
            .await;
        let project = p["project"]["id"].as_str().unwrap().to_owned();
        let env = p["environments"][0]["id"].as_str().unwrap().to_owned();
        let (s, _) = self.call(reqwest::Method::POST, &format!("/api/v1/projects/{project}/flags"),
            Some(json!({"key": "beta", "type": "boolean", "variants": [{"name": "on", "value": true}, {"name": "off", "value": false}]}))).await;
        assert_eq!(s, 201);
        let (client_key, client_key_id) = self.key(&project, &env, "client").await;
        let (server_key, _) = self.key(&project, &env, "server").await;
        let tenant = Tenant {
            client_key,
            server_key,
            client_key_id,
            project,
            env,
        };
        self.set_beta(&tenant, true, 0).await;
        tenant
    }

    /// A new key: its secret and its id.
    async fn key(&self, project: &str, env: &str, kind: &str) -> (String, String) {
        let (_, k) = self
            .call(
                reqwest::Method::POST,
                &format!("/api/v1/projects/{project}/environments/{env}/keys"),
                Some(json!({"kind": kind})),
            )
            .await;
        (
            k["secret"].as_str().unwrap().to_owned(),
            k["key"]["id"].as_str().unwrap().to_owned(),
        )
    }

    pub async fn revoke_client_key(&self, t: &Tenant) {
        let path = format!(
            "/api/v1/projects/{}/environments/{}/keys/{}",
            t.project, t.env, t.client_key_id
        );
        let (s, _) = self.call(reqwest::Method::DELETE, &path, None).await;
        assert_eq!(s, 204);
    }

    /// Sets the environment's browser origin allow-list.
    pub async fn allow_origins(&self, t: &Tenant, origins: &[&str]) {
        let path = format!("/api/v1/projects/{}/environments/{}", t.project, t.env);
        let (s, b) = self
            .call(
                reqwest::Method::PATCH,
                &path,
                Some(json!({"allowedOrigins": origins})),
            )
            .await;
        assert_eq!(s, 200, "{b}");
    }

    /// Sets `beta`: when `pro_on`, on for plan=pro and off otherwise; else off for everyone.
    pub async fn set_beta(&self, t: &Tenant, pro_on: bool, version: u64) -> u64 {
        let targeting = if pro_on {
            json!({"if": [{"==": [{"var": "plan"}, "pro"]}, "on", "off"]})
        } else {
            json!(null)
        };
        let (s, b) = self.call(reqwest::Method::PUT, &format!("/api/v1/projects/{}/environments/{}/flags/beta", t.project, t.env),
            Some(json!({"enabled": true, "defaultVariant": "off", "targeting": targeting, "version": version}))).await;
        assert_eq!(s, 200, "{b}");
        b["version"].as_u64().unwrap()
    }
}

/// `beta` for a pro user, as the server at `base` evaluates it with `key` (OFREP).
pub async fn beta_for_pro(base: &str, key: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}/ofrep/v1/evaluate/flags/beta"))
        .header("x-api-key", key)
        .json(&json!({"context": {"targetingKey": "u1", "plan": "pro"}}))
        .send()
        .await
        .unwrap()
}

pub async fn within<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), f)
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

/// A server of its own (in a temporary data directory), an admin, and a tenant.
pub struct Fixture {
    pub server: Switchyard,
    pub admin: Client,
    pub t: Tenant,
    pub http: reqwest::Client,
    dir: tempfile::TempDir,
}

impl Fixture {
    pub async fn start() -> Fixture {
        Fixture::with_args(&[]).await
    }

    /// With extra `switchyard serve` arguments; `{dir}` in one stands for the data directory.
    pub async fn with_args(args: &[&str]) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap().to_owned();
        let mut all = vec!["--data-dir".to_owned(), d.clone()];
        all.extend(args.iter().map(|a| a.replace("{dir}", &d)));
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let server = Switchyard::serve(&all, &[]);
        let admin = Client::signup(&server.base, "ada@example.com").await;
        let t = admin.tenant().await;
        Fixture {
            server,
            admin,
            t,
            http: reqwest::Client::new(),
            dir,
        }
    }

    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base)
    }

    /// Flips `beta` off for everyone (from on for plan=pro).
    pub async fn flip(&self) {
        self.admin.set_beta(&self.t, false, 1).await;
    }

    /// Flips `beta` off and waits until this server evaluates it so (the change travels over the
    /// bus).
    pub async fn flip_and_wait(&self) {
        self.flip().await;
        within("the flip to apply", async {
            loop {
                let r: Value = self
                    .http
                    .post(self.url("/ofrep/v1/evaluate/flags/beta"))
                    .header("x-api-key", &self.t.server_key)
                    .json(&json!({"context": {"plan": "pro"}}))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                if r["value"] == false {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await;
    }

    /// A WebSocket with the client key that has said hello with `context`; returns the snapshot.
    pub async fn ws_hello(&self, context: Value) -> (Ws, Value) {
        let mut ws = self.ws().await;
        send_json(&mut ws, json!({"type": "hello", "context": context})).await;
        let snapshot = next_json(&mut ws).await;
        (ws, snapshot)
    }

    pub async fn ws(&self) -> Ws {
        tokio_tungstenite::connect_async(self.server.ws_url(&self.t.client_key))
            .await
            .unwrap()
            .0
    }

    /// An SSE stream with the client key and `context`.
    pub async fn sse(&self, context: &Value) -> Sse {
        use base64::Engine;
        let ctx = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(context.to_string());
        let r = self
            .http
            .get(self.url(&format!(
                "/sdk/v1/sse?key={}&context={ctx}",
                self.t.client_key
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        Sse::new(r)
    }

    /// The value of a metric without labels, from `/metrics`.
    pub async fn metric(&self, name: &str) -> f64 {
        let text = self
            .http
            .get(self.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {text}"))
    }
}

pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn send_json(ws: &mut Ws, v: Value) {
    use futures_util::SinkExt;
    ws.send(Message::text(v.to_string())).await.unwrap();
}

/// The next protocol message, skipping the server's pings.
pub async fn next_json(ws: &mut Ws) -> Value {
    use futures_util::StreamExt;
    loop {
        match within("a websocket message", ws.next()).await {
            Some(Ok(Message::Text(t))) => {
                let v: Value = serde_json::from_str(&t).unwrap();
                if v["type"] != "ping" {
                    return v;
                }
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            other => panic!("expected a text message, got {other:?}"),
        }
    }
}

/// The code of the close frame that ends the socket.
pub async fn close_code(ws: &mut Ws) -> u16 {
    use futures_util::StreamExt;
    loop {
        match within("a close frame", ws.next()).await {
            Some(Ok(Message::Close(Some(frame)))) => return frame.code.into(),
            Some(Ok(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
}

/// One server-sent event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub event: String,
    pub id: Option<String>,
    pub data: String,
}

pub struct Sse {
    body: std::pin::Pin<
        Box<dyn futures_util::Stream<Item = reqwest::Result<axum::body::Bytes>> + Send>,
    >,
    buf: String,
}

impl Sse {
    pub fn new(r: reqwest::Response) -> Sse {
        Sse {
            body: Box::pin(r.bytes_stream()),
            buf: String::new(),
        }
    }

    /// The next event, or `None` when the stream ends.
    pub async fn next(&mut self) -> Option<Event> {
        use futures_util::StreamExt;
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut e = Event {
                    event: "message".into(),
                    id: None,
                    data: String::new(),
                };
                for line in block.lines() {
                    match line
                        .split_once(':')
                        .map(|(k, v)| (k, v.strip_prefix(' ').unwrap_or(v)))
                    {
                        Some(("event", v)) => e.event = v.to_owned(),
                        Some(("id", v)) => e.id = Some(v.to_owned()),
                        Some(("data", v)) => e.data.push_str(v),
                        _ => {}
                    }
                }
                return Some(e);
            }
            match within("an SSE event", self.body.next()).await {
                Some(Ok(chunk)) => self.buf.push_str(&String::from_utf8_lossy(&chunk)),
                _ => return None,
            }
        }
    }

    /// The next event that is not a ping.
    pub async fn next_message(&mut self) -> Event {
        loop {
            let e = self.next().await.expect("the SSE stream is open");
            if e.event != "ping" {
                return e;
            }
        }
    }
}
