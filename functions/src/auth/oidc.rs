//! OpenID Connect, the relying party's side: discovery, the authorization request (code flow with
//! PKCE S256, `state` and `nonce`), the code exchange, and the ID token's validation. Signatures
//! are checked by `jsonwebtoken` against the provider's published keys (JWKS); nothing here does
//! cryptography of its own beyond SHA-256 for the PKCE challenge.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::webhooks::Egress;
use crate::webhooks::guard::GuardedResolver;

/// Why a sign-in through the identity provider failed: a short code the dashboard shows a
/// message for, and what happened (logged, never shown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub detail: String,
}

impl Refusal {
    pub fn new(code: &'static str, detail: impl Into<String>) -> Refusal {
        Refusal {
            code,
            detail: detail.into(),
        }
    }
}

/// The identity provider could not be reached or answered nonsense.
pub const UNREACHABLE: &str = "sso_provider_unreachable";
/// The ID token did not verify (signature, issuer, audience, expiry, nonce).
pub const TOKEN_REJECTED: &str = "sso_token_rejected";

/// The most of a provider's answer read (discovery, keys, tokens are a few KB).
pub const MAX_ANSWER: usize = 1024 * 1024;

/// Calls to identity providers: no redirects followed, short timeouts, and only where webhooks may
/// go (`egress`). An owner chooses the issuer, and discovery chooses the token and key URLs, so
/// without the guard anyone who can make an organization could make this server fetch from its
/// own network (cloud metadata, internal services).
#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
    egress: Egress,
}

impl Http {
    pub fn new(egress: Egress) -> Http {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(GuardedResolver(egress)))
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        Http { client, egress }
    }

    /// `url` if the egress policy lets it be reached (addresses written in it; names are checked
    /// again as they resolve).
    fn allowed(&self, url: &str) -> Result<reqwest::Url, Refusal> {
        self.egress
            .check_url(url)
            .map_err(|e| Refusal::new(UNREACHABLE, format!("{url} {e}")))
    }
}

/// An answer's body, refused past [`MAX_ANSWER`] bytes.
async fn read_capped(mut resp: reqwest::Response, what: &str) -> Result<Vec<u8>, Refusal> {
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| Refusal::new(UNREACHABLE, format!("{what}: {e}")))?
    {
        if body.len() + chunk.len() > MAX_ANSWER {
            return Err(Refusal::new(
                UNREACHABLE,
                format!("{what}: the answer is larger than {MAX_ANSWER} bytes"),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// What discovery tells about a provider.
#[derive(Debug, Clone, Deserialize)]
pub struct Provider {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
}

/// Reads `{issuer}/.well-known/openid-configuration`; its `issuer` must be `issuer` exactly.
pub async fn discover(http: &Http, issuer: &str) -> Result<Provider, Refusal> {
    let url = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    let provider: Provider = get_json(http, &url).await?;
    if provider.issuer != issuer {
        return Err(Refusal::new(
            TOKEN_REJECTED,
            format!(
                "discovery names the issuer {:?}, not {issuer:?}",
                provider.issuer
            ),
        ));
    }
    Ok(provider)
}

async fn get_json<T: serde::de::DeserializeOwned>(http: &Http, url: &str) -> Result<T, Refusal> {
    let unreachable = |e: reqwest::Error| Refusal::new(UNREACHABLE, format!("{url}: {e}"));
    let resp = http
        .client
        .get(http.allowed(url)?)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(unreachable)?;
    let body = read_capped(resp, url).await?;
    serde_json::from_slice(&body).map_err(|e| Refusal::new(UNREACHABLE, format!("{url}: {e}")))
}

/// A random URL-safe value (32 bytes): a state, a nonce, a PKCE verifier, a ticket.
pub fn random_value() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The PKCE S256 challenge of a verifier (RFC 7636).
pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// What an authorization request carries.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub state: &'a str,
    pub nonce: &'a str,
    pub verifier: &'a str,
    pub login_hint: Option<&'a str>,
}

/// The URL the browser goes to: the provider's authorization endpoint with the request.
pub fn authorization_url(provider: &Provider, r: &Request<'_>) -> Result<String, Refusal> {
    let mut url = url::Url::parse(&provider.authorization_endpoint).map_err(|e| {
        Refusal::new(
            UNREACHABLE,
            format!("the authorization endpoint is not a URL: {e}"),
        )
    })?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("response_type", "code")
            .append_pair("client_id", r.client_id)
            .append_pair("redirect_uri", r.redirect_uri)
            .append_pair("scope", "openid email profile")
            .append_pair("state", r.state)
            .append_pair("nonce", r.nonce)
            .append_pair("code_challenge", &challenge(r.verifier))
            .append_pair("code_challenge_method", "S256");
        if let Some(hint) = r.login_hint {
            q.append_pair("login_hint", hint);
        }
    }
    Ok(url.into())
}

#[derive(Debug, Deserialize)]
struct TokenResponse {
    id_token: Option<String>,
}

/// Exchanges an authorization code at the token endpoint (client_secret_basic, RFC 6749 §2.3.1:
/// id and secret form-encoded), returning the ID token.
pub async fn exchange(
    http: &Http,
    provider: &Provider,
    client_id: &str,
    client_secret: &str,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
) -> Result<String, Refusal> {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let resp = http
        .client
        .post(http.allowed(&provider.token_endpoint)?)
        .basic_auth(enc(client_id), Some(enc(client_secret)))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .map_err(|e| Refusal::new(UNREACHABLE, format!("token endpoint: {e}")))?;
    let status = resp.status();
    let body = read_capped(resp, "token response").await?;
    if !status.is_success() {
        let body: String = String::from_utf8_lossy(&body).chars().take(300).collect();
        return Err(Refusal::new(
            "sso_code_refused",
            format!("the token endpoint answered {status}: {body}"),
        ));
    }
    let tokens: TokenResponse = serde_json::from_slice(&body)
        .map_err(|e| Refusal::new(UNREACHABLE, format!("token response: {e}")))?;
    tokens
        .id_token
        .ok_or_else(|| Refusal::new(TOKEN_REJECTED, "the token response has no id_token"))
}

/// Who the ID token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    /// Lower-cased.
    pub email: String,
    pub email_verified: bool,
    pub name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Claims {
    sub: String,
    nonce: Option<String>,
    azp: Option<String>,
    #[serde(default)]
    aud: serde_json::Value,
    email: Option<String>,
    #[serde(default)]
    email_verified: serde_json::Value,
    name: Option<String>,
}

/// The signature algorithms accepted: asymmetric only (a provider's keys are public).
const ALGORITHMS: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// Validates an ID token (OpenID Connect Core §3.1.3.7): signed by one of the provider's keys
/// with an asymmetric algorithm, issued by `provider.issuer` for `client_id`, not expired (a
/// minute of clock skew), carrying `nonce`; `azp`, when present or when there are several
/// audiences, must be `client_id`.
pub async fn verify(
    http: &Http,
    provider: &Provider,
    client_id: &str,
    id_token: &str,
    nonce: &str,
) -> Result<Identity, Refusal> {
    let rejected = |why: String| Refusal::new(TOKEN_REJECTED, why);
    let header =
        jsonwebtoken::decode_header(id_token).map_err(|e| rejected(format!("header: {e}")))?;
    if !ALGORITHMS.contains(&header.alg) {
        return Err(rejected(format!(
            "algorithm {:?} is not accepted",
            header.alg
        )));
    }
    let jwks: JwkSet = get_json(http, &provider.jwks_uri).await?;
    let signing = |k: &&jsonwebtoken::jwk::Jwk| {
        !matches!(k.common.public_key_use, Some(PublicKeyUse::Encryption))
            && !matches!(k.algorithm, AlgorithmParameters::OctetKey(_))
    };
    let jwk = match &header.kid {
        Some(kid) => jwks.find(kid).filter(signing),
        None => {
            let mut keys = jwks.keys.iter().filter(signing);
            match (keys.next(), keys.next()) {
                (Some(only), None) => Some(only),
                _ => None,
            }
        }
    }
    .ok_or_else(|| rejected(format!("no signing key {:?} in the JWKS", header.kid)))?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| rejected(format!("key: {e}")))?;
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[&provider.issuer]);
    validation.set_audience(&[client_id]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = 60;
    let claims = jsonwebtoken::decode::<Claims>(id_token, &key, &validation)
        .map_err(|e| rejected(format!("{e}")))?
        .claims;
    if claims.nonce.as_deref() != Some(nonce) {
        return Err(rejected("the nonce is not this sign-in's".into()));
    }
    let several = claims.aud.as_array().is_some_and(|a| a.len() > 1);
    if (several || claims.azp.is_some()) && claims.azp.as_deref() != Some(client_id) {
        return Err(rejected("azp is not this client".into()));
    }
    let email = claims
        .email
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty())
        .ok_or_else(|| Refusal::new("sso_email_missing", "the ID token has no email"))?;
    // Some providers send the boolean as a string.
    let email_verified = matches!(&claims.email_verified, serde_json::Value::Bool(true))
        || claims.email_verified.as_str() == Some("true");
    Ok(Identity {
        subject: claims.sub,
        email,
        email_verified,
        name: claims.name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_rfc_7636s_example() {
        // RFC 7636, Appendix B.
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[tokio::test]
    async fn a_provider_where_webhooks_may_not_go_is_never_asked() {
        let strict = Http::new(Egress::default());
        for issuer in ["https://169.254.169.254/latest", "http://idp.example.com"] {
            let r = discover(&strict, issuer).await;
            assert!(
                matches!(&r, Err(refusal) if refusal.code == UNREACHABLE),
                "{issuer}: {r:?}"
            );
        }
    }

    #[tokio::test]
    async fn an_answer_larger_than_the_cap_is_refused() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let big = format!("{{\"issuer\": \"{}\"}}", "x".repeat(MAX_ANSWER));
        let app = axum::Router::new().route(
            "/.well-known/openid-configuration",
            axum::routing::get(move || async move { big }),
        );
        let server = tokio::spawn(async move { axum::serve(listener, app).await });
        let open = Http::new(Egress {
            allow_http: true,
            allow_private: true,
        });
        let r = discover(&open, &format!("http://{addr}")).await;
        server.abort();
        assert!(
            matches!(&r, Err(refusal) if refusal.detail.contains("larger than")),
            "{r:?}"
        );
    }

    #[test]
    fn random_values_are_long_and_differ() {
        let (a, b) = (random_value(), random_value());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
    }

    #[test]
    fn the_authorization_url_carries_pkce_state_and_nonce() {
        let p = Provider {
            issuer: "https://idp.test".into(),
            authorization_endpoint: "https://idp.test/auth?tenant=1".into(),
            token_endpoint: "https://idp.test/token".into(),
            jwks_uri: "https://idp.test/jwks".into(),
        };
        let url = authorization_url(
            &p,
            &Request {
                client_id: "c",
                redirect_uri: "https://sy.test/cb",
                state: "s",
                nonce: "n",
                verifier: "v",
                login_hint: Some("a@b.test"),
            },
        )
        .unwrap();
        let parsed = url::Url::parse(&url).unwrap();
        let q: std::collections::HashMap<_, _> = parsed.query_pairs().into_owned().collect();
        assert_eq!(q["tenant"], "1");
        assert_eq!(q["code_challenge"], challenge("v"));
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["state"], "s");
        assert_eq!(q["nonce"], "n");
        assert_eq!(q["login_hint"], "a@b.test");
        assert!(q["scope"].split(' ').any(|s| s == "openid"));
    }
}
