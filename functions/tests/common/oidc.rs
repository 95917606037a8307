//! A real OpenID provider (the certified `oidc-provider`, tests/oidc/provider.mjs) on a free
//! loopback port, stopped when dropped, and a browser's part of a sign-in driven over HTTP: follow
//! the redirects, fill the provider's development login form, stop at Switchyard's callback.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The client the provider knows Switchyard as.
pub const CLIENT_ID: &str = "switchyard";
pub const CLIENT_SECRET: &str = "switchyard-test-secret";
/// Where the provider sends the browser back (the test API's dashboard address).
pub const CALLBACK: &str = "https://switchyard.test/api/v1/auth/sso/callback";

pub struct OidcProvider {
    pub issuer: String,
    child: Child,
}

impl OidcProvider {
    pub fn start() -> OidcProvider {
        Self::start_for(&[CALLBACK])
    }

    /// A provider whose client may redirect to `redirect_uris`.
    pub fn start_for(redirect_uris: &[&str]) -> OidcProvider {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oidc/provider.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .env("OIDC_REDIRECT_URIS", redirect_uris.join(","))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs tests/oidc/provider.mjs (make test-deps installs its packages)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the provider says where it listens");
        let ready: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("the provider did not start ({e}): {line:?}"));
        OidcProvider {
            issuer: ready["issuer"].as_str().expect("issuer").to_owned(),
            child,
        }
    }

    /// The issuer of the provider that misbehaves in `mode` (see provider.mjs).
    pub fn tampering(&self, mode: &str) -> String {
        format!("{}/tamper/{mode}", self.issuer)
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser at the provider: from the authorization URL, through the login form (as `login`),
/// to the URL the provider sends it back to (anything starting with `until`).
pub async fn sign_in(authorization_url: &str, login: &str, until: &str) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut cookies: BTreeMap<String, String> = BTreeMap::new();
    let mut url = authorization_url.to_owned();
    for _ in 0..20 {
        if url.starts_with(until) {
            return url;
        }
        let jar = cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let resp = http.get(&url).header("cookie", &jar).send().await.unwrap();
        keep_cookies(&mut cookies, &resp);
        let resp = if resp.status().is_redirection() {
            resp
        } else {
            assert!(resp.status().is_success(), "{url}: {}", resp.status());
            // The development login form posts back to the same URL.
            let form = http
                .post(&url)
                .header("cookie", &jar)
                .form(&[("prompt", "login"), ("login", login), ("password", "any")])
                .send()
                .await
                .unwrap();
            keep_cookies(&mut cookies, &form);
            form
        };
        let location = resp
            .headers()
            .get("location")
            .unwrap_or_else(|| panic!("{url} answered {} without a redirect", resp.status()))
            .to_str()
            .unwrap();
        url = reqwest::Url::parse(&url)
            .unwrap()
            .join(location)
            .unwrap()
            .to_string();
    }
    panic!("the sign-in at the provider did not come back: {url}");
}

fn keep_cookies(jar: &mut BTreeMap<String, String>, resp: &reqwest::Response) {
    for set in resp.headers().get_all("set-cookie") {
        let pair = set.to_str().unwrap_or_default().split(';').next();
        if let Some((k, v)) = pair.and_then(|p| p.split_once('=')) {
            jar.insert(k.trim().to_owned(), v.trim().to_owned());
        }
    }
}
