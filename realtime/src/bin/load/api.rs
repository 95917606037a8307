//! The bench's account on a server under test, through the dashboard API: 20 flags with targeting
//! and splits, a client key, and the flip of the hot flag that every fan-out measures.

use serde_json::{Value, json};
use std::time::{Duration, Instant};

pub struct Setup {
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
    pub project: String,
    pub env: String,
    pub client_key: String,
    version: u64,
    /// The hot flag's value for a client in DE (`true` at first: its rule matches DE).
    pub hot_on: bool,
    /// Flips change a rule that reads the client's country, so the server evaluates the flag
    /// for every client; otherwise they flip a switch that is the same for everyone.
    pub by_rule: bool,
}

/// The context every stream client sends, with `{i}` standing for the client's number.
pub const HELLO_TEMPLATE: &str =
    r#"{"type":"hello","context":{"targetingKey":"user-{i}","country":"DE"}}"#;

/// The text a client's message holds once the hot flag has `value` (changes and snapshots alike).
pub fn hot_marker(value: bool) -> String {
    format!(r#""hot":{{"value":{value}"#)
}

/// Signs up, creates a project with 20 flags (`hot` and `flag-01`…) and a client key.
pub async fn setup(base: &str) -> Result<Setup, String> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| e.to_string())?;
    let post = |path: &str, token: Option<&str>, body: Value| {
        let mut r = http.post(format!("{base}{path}")).json(&body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        async move {
            r.send()
                .await
                .map_err(|e| e.to_string())?
                .json::<Value>()
                .await
                .map_err(|e| e.to_string())
        }
    };
    let s = post("/api/v1/auth/signup", None, json!({"email": "load@example.com", "password": "load test password", "name": "Load", "organization": "Load"})).await?;
    let token = s["token"].as_str().ok_or("signup failed")?.to_owned();
    let org = s["organization"]["id"].as_str().ok_or("no org")?.to_owned();
    let p = post(
        &format!("/api/v1/orgs/{org}/projects"),
        Some(&token),
        json!({"name": "Load", "environments": ["production"]}),
    )
    .await?;
    let project = p["project"]["id"].as_str().ok_or("no project")?.to_owned();
    let env = p["environments"][0]["id"]
        .as_str()
        .ok_or("no env")?
        .to_owned();
    for i in 0..20 {
        let key = if i == 0 {
            "hot".to_owned()
        } else {
            format!("flag-{i:02}")
        };
        post(&format!("/api/v1/projects/{project}/flags"), Some(&token),
             json!({"key": key, "type": "boolean", "variants": [{"name": "on", "value": true}, {"name": "off", "value": false}]})).await?;
        let targeting = json!({"if": [{"in": [{"var": "country"}, ["DE", "FR"]]}, "on", {"fractional": [["on", 50], ["off", 50]]}]});
        let r = http.put(format!("{base}/api/v1/projects/{project}/environments/{env}/flags/{key}")).bearer_auth(&token)
            .json(&json!({"enabled": true, "defaultVariant": "off", "targeting": targeting, "version": 0})).send().await.map_err(|e| e.to_string())?;
        if !r.status().is_success() {
            return Err(format!("flag {key}: {}", r.status()));
        }
    }
    let k = post(
        &format!("/api/v1/projects/{project}/environments/{env}/keys"),
        Some(&token),
        json!({"kind": "client"}),
    )
    .await?;
    Ok(Setup {
        http,
        base: base.to_owned(),
        token,
        project,
        env,
        client_key: k["secret"].as_str().ok_or("no key")?.to_owned(),
        version: 1,
        hot_on: true,
        by_rule: false,
    })
}

impl Setup {
    /// Sets the hot flag so that a client in DE gets `on` (`false`: a rule serving `off` to
    /// everyone; `true`: no rule, default `on`; with [`Setup::by_rule`], rules on the country
    /// serving DE `on` or `off`); returns when the API has answered. Every call changes the
    /// flag's targeting, so the flagd document changes even when the value does not.
    pub async fn flip(&mut self, on: bool) -> Result<(), String> {
        let targeting = match (self.by_rule, on) {
            (false, true) => json!(null),
            (false, false) => json!({"if": [true, "off"]}),
            (true, true) => json!({"if": [{"==": [{"var": "country"}, "DE"]}, "on", "off"]}),
            (true, false) => json!({"if": [{"==": [{"var": "country"}, "DE"]}, "off", "on"]}),
        };
        let r = self.http.put(format!("{}/api/v1/projects/{}/environments/{}/flags/hot", self.base, self.project, self.env)).bearer_auth(&self.token)
            .json(&json!({"enabled": true, "defaultVariant": "on", "targeting": targeting, "version": self.version})).send().await.map_err(|e| e.to_string())?;
        if !r.status().is_success() {
            return Err(format!("flip failed: {}", r.status()));
        }
        self.version += 1;
        self.hot_on = on;
        Ok(())
    }

    /// A stream URL of this account's client key on `base` (`http://…`).
    pub fn ws_url(&self, base: &str) -> String {
        format!(
            "{}/sdk/v1/ws?key={}",
            base.replacen("http://", "ws://", 1),
            self.client_key
        )
    }
}

/// OFREP evaluations per second: `concurrency` clients posting to `path` with `key` for
/// `seconds`, each with its own context.
pub async fn ofrep_rps(s: &Setup, path: &str, key: &str, seconds: f64, concurrency: usize) -> f64 {
    let until = Instant::now() + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::new();
    for i in 0..concurrency {
        let (http, url, key) = (s.http.clone(), format!("{}{path}", s.base), key.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut ok = 0u64;
            let body = json!({"context": {"targetingKey": format!("user-{i}"), "country": "NL"}})
                .to_string();
            while Instant::now() < until {
                if let Ok(r) = http
                    .post(&url)
                    .header("x-api-key", &key)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await
                    && r.status().is_success()
                    && r.bytes().await.is_ok()
                {
                    ok += 1;
                }
            }
            ok
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap_or(0);
    }
    total as f64 / seconds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hot_marker_matches_an_entry_as_the_server_writes_it() {
        let msg = r#"{"type":"changes","revision":43,"base":42,"flags":{"hot":{"value":false,"variant":"off","reason":"TARGETING_MATCH"}}}"#;
        assert!(msg.contains(&hot_marker(false)));
        assert!(!msg.contains(&hot_marker(true)));
    }
}
