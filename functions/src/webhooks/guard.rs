//! Where webhooks may go: `https` URLs on public addresses, unless the operator allows plain
//! `http` or private networks (`--webhook-allow-http`, `--webhook-allow-private-networks`; tests
//! allow loopback so). The URL is checked when an endpoint is saved, and every connection is
//! checked again where it is made: the resolver hands the HTTP client only allowed addresses, so
//! a name that resolves (or later re-resolves) to 127.0.0.1 or 169.254.169.254 is refused, and
//! redirects are never followed.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use url::{Host, Url};

/// What the operator allows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Egress {
    pub allow_http: bool,
    pub allow_private: bool,
}

/// Whether an address is one a webhook may not reach: loopback, private (RFC 1918, unique
/// local), link-local (cloud metadata at 169.254.169.254), shared (CGNAT), unspecified,
/// multicast, broadcast, documentation, benchmarking, and IPv4 written inside IPv6.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => private_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return private_v4(v4);
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || (first == 0x2001 && v6.segments()[1] == 0x0db8) // documentation
                || (first == 0x0064 && v6.segments()[1] == 0xff9b) // NAT64
                || v6 == Ipv6Addr::from_bits(1) // ::1
        }
    }
}

fn private_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240 // reserved
}

impl Egress {
    /// Checks a URL an endpoint is saved with: scheme, host, and an address written in it.
    pub fn check_url(&self, raw: &str) -> Result<Url, String> {
        let url = Url::parse(raw).map_err(|e| format!("is not a URL: {e}"))?;
        match url.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            "http" => return Err("must be https (this server does not allow plain http)".into()),
            other => return Err(format!("must be https, not {other}")),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("may not hold a user name or password".into());
        }
        let ip = match url.host() {
            None => return Err("has no host".into()),
            Some(Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
            Some(Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
            Some(Host::Domain(_)) => None,
        };
        if let Some(ip) = ip {
            self.check_ip(ip)?;
        }
        Ok(url)
    }

    pub fn check_ip(&self, ip: IpAddr) -> Result<(), String> {
        if !self.allow_private && is_private(ip) {
            return Err(format!(
                "reaches {ip}, a private, loopback or link-local address (this server does not allow them)"
            ));
        }
        Ok(())
    }

    /// The addresses of `host` that may be reached, or why none may.
    pub async fn resolve(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
        let found: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| format!("{host} does not resolve: {e}"))?
            .collect();
        // Any refused address refuses the name: a name that mixes public and private addresses
        // is how rebinding attacks pick which one a client gets.
        for a in &found {
            self.check_ip(a.ip())
                .map_err(|e| format!("{host} resolves to {}: {e}", a.ip()))?;
        }
        if found.is_empty() {
            return Err(format!("{host} has no address"));
        }
        Ok(found)
    }
}

/// The HTTP client's resolver: only allowed addresses.
#[derive(Debug, Clone)]
pub struct GuardedResolver(pub Egress);

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let egress = self.0;
        Box::pin(async move {
            let addrs = egress
                .resolve(name.as_str(), 0)
                .await
                .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { e.into() })?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Checks whether an endpoint may be saved with `url`: the policy, and where the name resolves
/// now if it resolves here (every connection is checked again).
pub async fn check_reachable(egress: &Egress, raw: &str) -> Result<Url, String> {
    let url = egress.check_url(raw)?;
    if let Some(url::Host::Domain(host)) = url.host() {
        let port = url.port_or_known_default().unwrap_or(443);
        if let Ok(found) = tokio::net::lookup_host((host, port)).await {
            for a in found {
                egress
                    .check_ip(a.ip())
                    .map_err(|e| format!("resolves to {}: {e}", a.ip()))?;
            }
        }
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: Egress = Egress {
        allow_http: false,
        allow_private: false,
    };

    #[test]
    fn plain_http_is_refused_unless_allowed() {
        assert!(STRICT.check_url("http://example.com/").is_err());
        let http = Egress {
            allow_http: true,
            ..STRICT
        };
        assert!(http.check_url("http://example.com/").is_ok());
        assert!(STRICT.check_url("ftp://example.com/").is_err());
    }

    #[test]
    fn private_and_metadata_addresses_are_refused_unless_allowed() {
        for url in [
            "https://127.0.0.1/",
            "https://169.254.169.254/latest/meta-data",
            "https://10.0.0.1/",
            "https://[::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://0.0.0.0/",
            "https://100.64.0.1/",
        ] {
            assert!(STRICT.check_url(url).is_err(), "{url}");
        }
        let open = Egress {
            allow_private: true,
            ..STRICT
        };
        assert!(open.check_url("https://127.0.0.1/").is_ok());
        assert!(STRICT.check_url("https://93.184.216.34/").is_ok());
    }

    #[test]
    fn credentials_in_the_url_are_refused() {
        assert!(STRICT.check_url("https://user:pw@example.com/").is_err());
    }

    #[tokio::test]
    async fn a_name_that_resolves_to_loopback_is_refused() {
        let refused = STRICT.resolve("localhost", 443).await.unwrap_err();
        assert!(refused.contains("resolves to"), "{refused}");
        let open = Egress {
            allow_private: true,
            ..STRICT
        };
        assert!(open.resolve("localhost", 443).await.is_ok());
    }
}
