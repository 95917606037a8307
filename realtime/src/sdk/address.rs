//! The client's address, as the server can know it without trusting the client: the TCP peer, or,
//! behind `trusted_proxy_hops` proxies (a load balancer), the `X-Forwarded-For` entry the outermost
//! trusted proxy wrote. Entries are counted from the end: each proxy appends the address it saw,
//! and everything before the trusted ones is whatever the client chose to send.
//!
//! Limits key an address by [`AddrKey`]: IPv6 clients by their /64, since one host commonly holds
//! a whole /64.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use super::SdkState;

/// The caller's address; `None` when the server cannot know it (a router served without
/// connection info, as in-process tests build it): address limits then do not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<SdkState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, st: &SdkState) -> Result<Self, Infallible> {
        Ok(ClientAddr::of(parts, st.limits.trusted_proxy_hops))
    }
}

impl ClientAddr {
    /// The address of the request in `parts`, trusting `hops` proxies in front of this server.
    pub fn of(parts: &Parts, hops: usize) -> ClientAddr {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(a)| a.ip());
        ClientAddr::from_headers(&parts.headers, peer, hops)
    }

    /// The same from a request's headers and its connection's peer (gRPC calls).
    pub fn from_headers(headers: &HeaderMap, peer: Option<IpAddr>, hops: usize) -> ClientAddr {
        if hops == 0 {
            return ClientAddr(peer);
        }
        // No usable entry: the request did not come through the proxies; the peer is the client.
        ClientAddr(forwarded(headers, hops).or(peer))
    }

    /// What limits count this address by.
    pub fn key(self) -> Option<AddrKey> {
        self.0.map(AddrKey::of)
    }
}

/// An address as limits count it: an IPv4 address, or an IPv6 /64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddrKey(IpAddr);

impl AddrKey {
    pub fn of(ip: IpAddr) -> AddrKey {
        AddrKey(match ip {
            IpAddr::V4(v4) => IpAddr::V4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !((1u128 << 64) - 1))),
            },
        })
    }
}

/// The `hops`-th `X-Forwarded-For` entry from the end (several headers read as one list).
fn forwarded(headers: &HeaderMap, hops: usize) -> Option<IpAddr> {
    let entry = headers
        .get_all("x-forwarded-for")
        .iter()
        .rev()
        .flat_map(|v| v.to_str().unwrap_or("").rsplit(','))
        .nth(hops.checked_sub(1)?)?;
    parse_entry(entry.trim())
}

/// `1.2.3.4`, `2001:db8::1`, `[2001:db8::1]`, or either with a port (load balancers that keep
/// the client's port write `ip:port`).
fn parse_entry(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            entry
                .strip_prefix('[')?
                .strip_suffix(']')?
                .parse::<IpAddr>()
                .ok()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(peer: Option<&str>, xff: &[&str]) -> Parts {
        let mut b = Request::builder();
        for v in xff {
            b = b.header("x-forwarded-for", *v);
        }
        let (mut parts, ()) = b.body(()).unwrap().into_parts();
        if let Some(p) = peer {
            parts
                .extensions
                .insert(ConnectInfo(p.parse::<SocketAddr>().unwrap()));
        }
        parts
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() {
        let p = parts(Some("10.0.0.9:5000"), &["1.1.1.1"]);
        assert_eq!(ClientAddr::of(&p, 0).0, ip("10.0.0.9"));
    }

    #[test]
    fn behind_one_proxy_the_last_entry_is_the_client_and_a_spoofed_first_entry_is_ignored() {
        let p = parts(Some("10.0.0.9:5000"), &["6.6.6.6, 203.0.113.7"]);
        assert_eq!(ClientAddr::of(&p, 1).0, ip("203.0.113.7"));
    }

    #[test]
    fn behind_two_proxies_the_second_entry_from_the_end_is_the_client() {
        let p = parts(
            Some("10.0.0.9:5000"),
            &["6.6.6.6, 203.0.113.7", "198.51.100.2"],
        );
        assert_eq!(ClientAddr::of(&p, 2).0, ip("203.0.113.7"));
    }

    #[test]
    fn too_few_or_unreadable_entries_fall_back_to_the_peer() {
        let p = parts(Some("10.0.0.9:5000"), &["203.0.113.7"]);
        assert_eq!(ClientAddr::of(&p, 2).0, ip("10.0.0.9"));
        let p = parts(Some("10.0.0.9:5000"), &["unknown"]);
        assert_eq!(ClientAddr::of(&p, 1).0, ip("10.0.0.9"));
        let p = parts(Some("10.0.0.9:5000"), &[]);
        assert_eq!(ClientAddr::of(&p, 1).0, ip("10.0.0.9"));
    }

    #[test]
    fn entries_with_ports_or_brackets_are_read() {
        for (entry, want) in [
            ("203.0.113.7:4431", "203.0.113.7"),
            ("[2001:db8::1]:4431", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("2001:db8::1", "2001:db8::1"),
        ] {
            assert_eq!(parse_entry(entry), ip(want), "{entry}");
        }
    }

    #[test]
    fn without_connection_info_the_address_is_unknown() {
        assert_eq!(ClientAddr::of(&parts(None, &["1.1.1.1"]), 0).0, None);
        assert_eq!(ClientAddr::of(&parts(None, &[]), 1).0, None);
    }

    #[test]
    fn ipv6_addresses_count_by_their_64_and_mapped_ipv4_as_ipv4() {
        let a = AddrKey::of("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = AddrKey::of("2001:db8:1:2:bbbb::2".parse().unwrap());
        let c = AddrKey::of("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            AddrKey::of("::ffff:203.0.113.7".parse().unwrap()),
            AddrKey::of("203.0.113.7".parse().unwrap())
        );
    }
}
