//! A `switchyard serve` with its flagd listener on a free port, a tenant (server key) whose
//! production environment holds one flag of every type and reason ([`document`]), and tonic
//! clients of the generated flagd protocol.
#![allow(dead_code)]

use crate::harness::{Client, Switchyard, Tenant, support};
use serde_json::{Value, json};
use switchyard_realtime::flagd::proto::evaluation::service_client::ServiceClient;
use switchyard_realtime::flagd::proto::sync::flag_sync_service_client::FlagSyncServiceClient;
use tonic::transport::Channel;

pub struct Flagd {
    pub server: Switchyard,
    pub admin: Client,
    pub t: Tenant,
    pub grpc_port: u16,
    pub data: tempfile::TempDir,
    args: Vec<String>,
}

/// One flag of every type, and one of every reason.
pub fn document() -> Value {
    json!({"flags": {
        "bool-flag": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"},
        "string-flag": {"state": "ENABLED", "variants": {"greeting": "hi", "parting": "bye"}, "defaultVariant": "greeting"},
        "int-flag": {"state": "ENABLED", "variants": {"one": 1, "ten": 10}, "defaultVariant": "ten"},
        "float-flag": {"state": "ENABLED", "variants": {"half": 0.5, "tenth": 0.1}, "defaultVariant": "half"},
        "object-flag": {"state": "ENABLED", "variants": {"a": {"color": "red"}, "b": {"color": "blue"}}, "defaultVariant": "a"},
        "targeted-flag": {"state": "ENABLED", "variants": {"yes": "yes", "no": "no"}, "defaultVariant": "no",
            "targeting": {"if": [{"==": [{"var": "plan"}, "pro"]}, "yes", null]}},
        "split-flag": {"state": "ENABLED", "variants": {"a": "a", "b": "b"}, "defaultVariant": "a",
            "targeting": {"fractional": [["a", 50], ["b", 50]]}},
        "disabled-flag": {"state": "DISABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"},
        "no-default-flag": {"state": "ENABLED", "variants": {"on": true, "off": false},
            "targeting": {"if": [{"==": [{"var": "plan"}, "pro"]}, "on", null]}}
    }})
}

impl Flagd {
    /// Serve with the flagd listener on a free port (and `extra` arguments), the tenant, the
    /// [`document`] imported.
    pub async fn start(extra: &[&str]) -> Flagd {
        let data = tempfile::tempdir().unwrap();
        let grpc_port = support::free_port();
        let addr = format!("127.0.0.1:{grpc_port}");
        let mut args = vec![
            "--data-dir",
            data.path().to_str().unwrap(),
            "--flagd-addr",
            &addr,
            "--key-cache-secs",
            "1",
        ];
        args.extend_from_slice(extra);
        let server = Switchyard::serve(&args, &[]);
        let args = args.iter().map(|a| a.to_string()).collect();
        let admin = Client::signup(&server.base, "ada@example.com").await;
        let t = admin.tenant().await;
        let f = Flagd {
            server,
            admin,
            t,
            grpc_port,
            data,
            args,
        };
        f.import(document()).await;
        f
    }

    /// Stops the server (SIGTERM) and starts it again on the same data and flagd port.
    pub fn restart(&mut self) {
        self.server.terminate();
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        self.server = Switchyard::serve(&args, &[]);
        self.admin.base = self.server.base.clone();
    }

    pub fn grpc_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.grpc_port)
    }

    pub async fn channel(&self) -> Channel {
        Channel::from_shared(self.grpc_url())
            .unwrap()
            .connect()
            .await
            .expect("the flagd listener accepts")
    }

    pub async fn sync(&self) -> FlagSyncServiceClient<Channel> {
        FlagSyncServiceClient::new(self.channel().await).max_decoding_message_size(16 << 20)
    }

    pub async fn eval(&self) -> ServiceClient<Channel> {
        ServiceClient::new(self.channel().await)
    }

    pub fn env_path(&self, rest: &str) -> String {
        format!(
            "/api/v1/projects/{}/environments/{}{rest}",
            self.t.project, self.t.env
        )
    }

    /// Imports a flagd document into the tenant's environment.
    pub async fn import(&self, doc: Value) {
        let (s, b) = self
            .admin
            .call(reqwest::Method::PUT, &self.env_path("/flagd"), Some(doc))
            .await;
        assert_eq!(s, 200, "{b}");
    }

    /// Turns `flag` on or off in the environment (a change every client must see).
    pub async fn set_enabled(&self, flag: &str, enabled: bool) {
        let path = self.env_path(&format!("/flags/{flag}"));
        let (_, state) = self.admin.call(reqwest::Method::GET, &path, None).await;
        let body = json!({"enabled": enabled, "defaultVariant": state["defaultVariant"],
            "targeting": state["targeting"], "version": state["version"]});
        let (s, b) = self
            .admin
            .call(reqwest::Method::PUT, &path, Some(body))
            .await;
        assert_eq!(s, 200, "{b}");
    }

    /// Serves `variant` by default for `flag` (a change every client must see).
    pub async fn set_default(&self, flag: &str, variant: &str) {
        let path = self.env_path(&format!("/flags/{flag}"));
        let (_, state) = self.admin.call(reqwest::Method::GET, &path, None).await;
        let body = json!({"enabled": state["enabled"], "defaultVariant": variant,
            "targeting": state["targeting"], "version": state["version"]});
        let (s, b) = self
            .admin
            .call(reqwest::Method::PUT, &path, Some(body))
            .await;
        assert_eq!(s, 200, "{b}");
    }

    /// A new server key of the environment: its secret and its id.
    pub async fn server_key(&self) -> (String, String) {
        let (s, k) = self
            .admin
            .call(
                reqwest::Method::POST,
                &self.env_path("/keys"),
                Some(json!({"kind": "server"})),
            )
            .await;
        assert_eq!(s, 201, "{k}");
        (
            k["secret"].as_str().unwrap().to_owned(),
            k["key"]["id"].as_str().unwrap().to_owned(),
        )
    }

    pub async fn revoke(&self, key_id: &str) {
        let (s, b) = self
            .admin
            .call(
                reqwest::Method::DELETE,
                &self.env_path(&format!("/keys/{key_id}")),
                None,
            )
            .await;
        assert_eq!(s, 204, "{b}");
    }
}

/// A request carrying `key` as flagd providers send their selector.
pub fn with_key<T>(msg: T, key: &str) -> tonic::Request<T> {
    let mut r = tonic::Request::new(msg);
    r.metadata_mut()
        .insert("flagd-selector", key.parse().unwrap());
    r
}

/// A context as a Struct.
pub fn context(v: Value) -> Option<prost_types::Struct> {
    Some(switchyard_realtime::flagd::structs::from_map(
        v.as_object().unwrap(),
    ))
}
