//! Which IP a request comes from, for per-IP quotas and logs.

use std::net::IpAddr;

use ipnet::IpNet;
use poem::Request;
use poem::http::HeaderMap;
use poem::web::RemoteAddr;

/// The client's IP: the socket peer, unless the peer is a trusted proxy, in
/// which case the right-most `X-Forwarded-For` entry that is not itself a
/// trusted proxy (entries left of it are whatever the client claimed).
pub fn client_ip(req: &Request, trusted_proxies: &[IpNet]) -> Option<IpAddr> {
    let peer = peer_ip(req.remote_addr())?;
    Some(resolve(peer, req.headers(), trusted_proxies))
}

fn resolve(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpNet]) -> IpAddr {
    if !is_trusted(peer, trusted_proxies) {
        return peer;
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in forwarded.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if is_trusted(ip, trusted_proxies) => continue,
            Ok(ip) => return canonical(ip),
            // Garbage in the chain: stop believing it here.
            Err(_) => return peer,
        }
    }
    peer
}

fn peer_ip(remote: &RemoteAddr) -> Option<IpAddr> {
    remote.as_socket_addr().map(|addr| canonical(addr.ip()))
}

/// IPv4 clients on a dual-stack socket arrive as `::ffff:a.b.c.d`; count them
/// as the IPv4 address they are.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn is_trusted(ip: IpAddr, trusted: &[IpNet]) -> bool {
    trusted.iter().any(|net| net.contains(&ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve_ip(peer: &str, xff: Option<&str>, trusted: &[&str]) -> IpAddr {
        let mut headers = HeaderMap::new();
        if let Some(xff) = xff {
            headers.insert("x-forwarded-for", xff.parse().unwrap());
        }
        let trusted: Vec<IpNet> = trusted.iter().map(|t| t.parse().unwrap()).collect();
        resolve(canonical(peer.parse().unwrap()), &headers, &trusted)
    }

    #[test]
    fn untrusted_peer_cannot_forge_its_ip() {
        assert_eq!(resolve_ip("203.0.113.9", Some("1.2.3.4"), &[]).to_string(), "203.0.113.9");
    }

    #[test]
    fn trusted_proxy_forwards_the_client() {
        let ip = resolve_ip("10.0.0.2", Some("9.9.9.9, 198.51.100.7, 10.0.0.3"), &["10.0.0.0/8"]);
        assert_eq!(ip.to_string(), "198.51.100.7");
    }

    #[test]
    fn garbage_in_the_chain_stops_the_walk() {
        let ip = resolve_ip("10.0.0.2", Some("9.9.9.9, not-an-ip"), &["10.0.0.0/8"]);
        assert_eq!(ip.to_string(), "10.0.0.2");
    }

    #[test]
    fn mapped_ipv4_is_canonical() {
        assert_eq!(resolve_ip("::ffff:192.0.2.1", None, &[]).to_string(), "192.0.2.1");
    }
}
