//! The caller's address, as only the infrastructure can tell it: API Gateway's
//! `requestContext.http.sourceIp` in AWS, the last `X-Forwarded-For` entry behind an ALB (the one
//! the ALB appended), or the TCP peer under `serve` (behind `trusted_proxy_hops` proxies: the entry
//! the outermost trusted one wrote). Never an entry the client wrote: a client that sends its own
//! `X-Forwarded-For` changes nothing.
//!
//! Limits count IPv6 callers by their /64, since one host commonly holds a whole /64.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use lambda_http::request::RequestContext;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use crate::state::AppState;

/// Where a request came from; `None` when nothing trustworthy says (address limits then do not
/// apply, the account's still do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceAddress(pub Option<IpAddr>);

impl FromRequestParts<AppState> for SourceAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Infallible> {
        Ok(SourceAddress::of(
            parts,
            st.login_limiter.trusted_proxy_hops,
        ))
    }
}

impl SourceAddress {
    pub fn of(parts: &Parts, hops: usize) -> SourceAddress {
        if let Some(ctx) = parts.extensions.get::<RequestContext>() {
            return SourceAddress(match ctx {
                RequestContext::ApiGatewayV2(c) => c.http.source_ip.as_deref().and_then(parse),
                RequestContext::ApiGatewayV1(c) => c.identity.source_ip.as_deref().and_then(parse),
                RequestContext::Alb(_) => from_end(&parts.headers, 1),
                _ => None,
            });
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(a)| a.ip());
        if hops == 0 {
            return SourceAddress(peer);
        }
        SourceAddress(from_end(&parts.headers, hops).or(peer))
    }

    /// What limits count: the address, IPv6 reduced to its /64 (`None`: unknown).
    pub fn key(self) -> Option<String> {
        self.0.map(|ip| match ip {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let net = Ipv6Addr::from_bits(v6.to_bits() & !((1u128 << 64) - 1));
                    format!("{net}/64")
                }
            },
        })
    }
}

fn parse(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    s.parse::<IpAddr>()
        .ok()
        .or_else(|| s.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

/// The `hops`-th `X-Forwarded-For` entry from the end (several headers read as one list).
fn from_end(headers: &HeaderMap, hops: usize) -> Option<IpAddr> {
    let entry = headers
        .get_all("x-forwarded-for")
        .iter()
        .rev()
        .flat_map(|v| v.to_str().unwrap_or("").rsplit(','))
        .nth(hops.checked_sub(1)?)?;
    parse(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(xff: Option<&str>, peer: Option<&str>) -> Parts {
        let mut b = Request::builder();
        if let Some(x) = xff {
            b = b.header("x-forwarded-for", x);
        }
        let (mut parts, ()) = b.body(()).unwrap().into_parts();
        if let Some(p) = peer {
            parts
                .extensions
                .insert(ConnectInfo(p.parse::<SocketAddr>().unwrap()));
        }
        parts
    }

    #[test]
    fn a_forwarded_for_header_from_the_client_is_not_believed() {
        let p = parts(Some("203.0.113.9"), Some("198.51.100.1:5000"));
        assert_eq!(
            SourceAddress::of(&p, 0).key().as_deref(),
            Some("198.51.100.1")
        );
    }

    #[test]
    fn behind_one_proxy_the_entry_it_appended_counts() {
        let p = parts(Some("203.0.113.9, 192.0.2.7"), Some("10.0.0.2:5000"));
        assert_eq!(SourceAddress::of(&p, 1).key().as_deref(), Some("192.0.2.7"));
    }

    #[test]
    fn the_gateways_source_ip_counts_and_the_header_does_not() {
        let mut p = parts(Some("203.0.113.9"), None);
        let mut ctx =
            lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext::default();
        ctx.http.source_ip = Some("192.0.2.44".into());
        p.extensions.insert(RequestContext::ApiGatewayV2(ctx));
        assert_eq!(
            SourceAddress::of(&p, 0).key().as_deref(),
            Some("192.0.2.44")
        );
    }

    #[test]
    fn ipv6_callers_count_by_their_64() {
        let p = parts(None, Some("[2001:db8:1:2:aaaa::1]:443"));
        assert_eq!(
            SourceAddress::of(&p, 0).key().as_deref(),
            Some("2001:db8:1:2::/64")
        );
    }
}
