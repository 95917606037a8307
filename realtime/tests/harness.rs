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
        let port = support::free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_switchyard"));
        cmd.arg("serve")
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
                Some(Ok(line)) if line.contains("Switchyard is running at") => break,
                Some(Ok(_)) => continue,
                _ => panic!("switchyard exited before it was ready"),
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
        let tenant = Tenant {
            client_key: self.key(&project, &env, "client").await,
            server_key: self.key(&project, &env, "server").await,
            project,
            env,
        };
        self.set_beta(&tenant, true, 0).await;
        tenant
    }

    async fn key(&self, project: &str, env: &str, kind: &str) -> String {
        let (_, k) = self
            .call(
                reqwest::Method::POST,
                &format!("/api/v1/projects/{project}/environments/{env}/keys"),
                Some(json!({"kind": kind})),
            )
            .await;
        k["secret"].as_str().unwrap().to_owned()
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

pub async fn within<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), f)
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}
