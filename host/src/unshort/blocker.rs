//! Which destinations a trace may reach. `/api/unshort` fetches URLs chosen
//! by strangers, so everything that is not public unicast is refused:
//! otherwise the server becomes a way into its own network (loopback,
//! private ranges, cloud metadata at 169.254.169.254 and friends).
//!
//! IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4)
//! are judged by the address they carry; Teredo is refused outright, since
//! its embedded addresses are obfuscated and relayed.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

/// Why an address is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forbidden {
    Unspecified,
    Loopback,
    Private,
    SharedCgnat,
    LinkLocal,
    Multicast,
    Broadcast,
    Documentation,
    Reserved,
    UniqueLocal,
    SiteLocal,
    Teredo,
    /// An IPv6 form carrying a refused IPv4 address.
    Embedded(EmbeddedIn, &'static Forbidden),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbeddedIn {
    Mapped,
    Compatible,
    Nat64,
    SixToFour,
}

impl std::fmt::Display for Forbidden {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            Forbidden::Unspecified => "an unspecified address",
            Forbidden::Loopback => "a loopback address",
            Forbidden::Private => "a private address",
            Forbidden::SharedCgnat => "a shared (CGNAT) address",
            Forbidden::LinkLocal => "a link-local address (cloud metadata lives here)",
            Forbidden::Multicast => "a multicast address",
            Forbidden::Broadcast => "the broadcast address",
            Forbidden::Documentation => "a documentation address",
            Forbidden::Reserved => "a reserved address",
            Forbidden::UniqueLocal => "a unique local IPv6 address",
            Forbidden::SiteLocal => "a site-local IPv6 address",
            Forbidden::Teredo => "a Teredo address",
            Forbidden::Embedded(form, inner) => {
                let form = match form {
                    EmbeddedIn::Mapped => "IPv4-mapped",
                    EmbeddedIn::Compatible => "IPv4-compatible",
                    EmbeddedIn::Nat64 => "NAT64",
                    EmbeddedIn::SixToFour => "6to4",
                };
                return write!(f, "an {form} IPv6 form of {inner}");
            }
        };
        f.write_str(text)
    }
}

/// Whether `ip` may be fetched: public unicast only, with the reason when not.
/// `allow_loopback` lets exactly 127.0.0.0/8 and ::1 through (tests only).
pub fn check(ip: IpAddr, allow_loopback: bool) -> Result<(), Forbidden> {
    let verdict = match ip {
        IpAddr::V4(v4) => check_v4(v4),
        IpAddr::V6(v6) => check_v6(v6),
    };
    match verdict {
        Err(Forbidden::Loopback) if allow_loopback => Ok(()),
        other => other,
    }
}

fn check_v4(ip: Ipv4Addr) -> Result<(), Forbidden> {
    let [a, b, c, _] = ip.octets();
    let refused = match (a, b, c) {
        (0, _, _) => Forbidden::Unspecified,
        (127, _, _) => Forbidden::Loopback,
        (10, _, _) | (172, 16..=31, _) | (192, 168, _) => Forbidden::Private,
        (100, 64..=127, _) => Forbidden::SharedCgnat,
        (169, 254, _) => Forbidden::LinkLocal,
        // IETF protocol assignments, the deprecated 6to4 relay anycast and
        // benchmarking networks.
        (192, 0, 0) | (192, 88, 99) | (198, 18..=19, _) => Forbidden::Reserved,
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => Forbidden::Documentation,
        (224..=239, _, _) => Forbidden::Multicast,
        _ if ip == Ipv4Addr::BROADCAST => Forbidden::Broadcast,
        (240..=255, _, _) => Forbidden::Reserved,
        _ => return Ok(()),
    };
    Err(refused)
}

fn check_v6(ip: Ipv6Addr) -> Result<(), Forbidden> {
    let segments = ip.segments();
    let embedded =
        |form: EmbeddedIn, v4: Ipv4Addr| check_v4(v4).map_err(|inner| Forbidden::Embedded(form, leak(inner)));
    let v4_at = |high: u16, low: u16| Ipv4Addr::from((u32::from(high) << 16) | u32::from(low));
    if ip.is_unspecified() {
        return Err(Forbidden::Unspecified);
    }
    if ip.is_loopback() {
        return Err(Forbidden::Loopback);
    }
    match segments {
        [0, 0, 0, 0, 0, 0xffff, high, low] => return embedded(EmbeddedIn::Mapped, v4_at(high, low)),
        [0, 0, 0, 0, 0, 0, high, low] => return embedded(EmbeddedIn::Compatible, v4_at(high, low)),
        [0x64, 0xff9b, 0, 0, 0, 0, high, low] => return embedded(EmbeddedIn::Nat64, v4_at(high, low)),
        [0x2002, high, low, ..] => return embedded(EmbeddedIn::SixToFour, v4_at(high, low)),
        _ => {}
    }
    let refused = match segments {
        // Local-use NAT64 (RFC 8215), IPv4/IPv6 translation (RFC 6052 ::ffff:0:0:0/96).
        [0x64, 0xff9b, 1, ..] | [0, 0, 0, 0, 0xffff, 0, _, _] => Forbidden::Reserved,
        // Discard-only (RFC 6666).
        [0x100, 0, 0, 0, ..] => Forbidden::Reserved,
        [0x2001, 0, ..] => Forbidden::Teredo,
        // ORCHID (v1, v2) and the benchmarking prefix.
        [0x2001, 0x10..=0x2f, ..] | [0x2001, 2, 0, ..] => Forbidden::Reserved,
        [0x2001, 0xdb8, ..] => Forbidden::Documentation,
        [0x3fff, 0..=0x0fff, ..] => Forbidden::Documentation,
        [first, ..] if first & 0xfe00 == 0xfc00 => Forbidden::UniqueLocal,
        [first, ..] if first & 0xffc0 == 0xfe80 => Forbidden::LinkLocal,
        [first, ..] if first & 0xffc0 == 0xfec0 => Forbidden::SiteLocal,
        [first, ..] if first & 0xff00 == 0xff00 => Forbidden::Multicast,
        // Only 2000::/3 is allocated as global unicast.
        [first, ..] if first & 0xe000 != 0x2000 => Forbidden::Reserved,
        _ => return Ok(()),
    };
    Err(refused)
}

/// The rules for one trace's destinations.
#[derive(Debug, Clone)]
pub struct Policy {
    pub allow_loopback: bool,
    /// Ports that may be fetched; empty means any.
    pub ports: Vec<u16>,
}

/// Checks what can be checked of `url` before any lookup: the scheme, the
/// port, and an IP-literal host (which never reaches the resolver). A
/// domain name is checked by [`super::resolver::GuardedResolver`] on every
/// address it resolves to.
pub fn check_url(url: &Url, policy: &Policy) -> Result<(), String> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("blocked: only http and https can be followed, not {}:", url.scheme()));
    }
    let port = url.port_or_known_default().unwrap_or(0);
    if !policy.ports.is_empty() && !policy.ports.contains(&port) {
        return Err(format!("blocked: port {port} is not allowed"));
    }
    let ip = match url.host() {
        Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
        Some(Host::Domain(_)) => return Ok(()),
        None => return Err("blocked: the URL has no host".into()),
    };
    check(ip, policy.allow_loopback).map_err(|why| format!("blocked: {ip} is {why}"))
}

/// A `'static` copy of an IPv4 verdict, for [`Forbidden::Embedded`] (the
/// IPv4 verdicts are a handful of unit variants, so each has one static).
fn leak(inner: Forbidden) -> &'static Forbidden {
    match inner {
        Forbidden::Unspecified => &Forbidden::Unspecified,
        Forbidden::Loopback => &Forbidden::Loopback,
        Forbidden::Private => &Forbidden::Private,
        Forbidden::SharedCgnat => &Forbidden::SharedCgnat,
        Forbidden::LinkLocal => &Forbidden::LinkLocal,
        Forbidden::Multicast => &Forbidden::Multicast,
        Forbidden::Broadcast => &Forbidden::Broadcast,
        Forbidden::Documentation => &Forbidden::Documentation,
        _ => &Forbidden::Reserved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(ip: &str) -> Option<Forbidden> {
        check(ip.parse().unwrap(), false).err()
    }

    #[test]
    fn public_unicast_passes() {
        for ip in ["1.1.1.1", "8.8.8.8", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450:4001::1", "::ffff:8.8.8.8"]
        {
            assert_eq!(refused(ip), None, "{ip}");
        }
    }

    #[test]
    fn every_forbidden_ipv4_range_is_refused() {
        for (ip, why) in [
            ("0.0.0.0", Forbidden::Unspecified),
            ("0.1.2.3", Forbidden::Unspecified),
            ("127.0.0.1", Forbidden::Loopback),
            ("127.255.255.254", Forbidden::Loopback),
            ("10.0.0.1", Forbidden::Private),
            ("172.16.0.1", Forbidden::Private),
            ("172.31.255.255", Forbidden::Private),
            ("192.168.1.1", Forbidden::Private),
            ("100.64.0.1", Forbidden::SharedCgnat),
            ("100.100.100.200", Forbidden::SharedCgnat),
            ("169.254.169.254", Forbidden::LinkLocal),
            ("224.0.0.1", Forbidden::Multicast),
            ("239.255.255.250", Forbidden::Multicast),
            ("255.255.255.255", Forbidden::Broadcast),
            ("240.0.0.1", Forbidden::Reserved),
            ("192.0.0.8", Forbidden::Reserved),
            ("198.18.0.1", Forbidden::Reserved),
            ("192.0.2.1", Forbidden::Documentation),
            ("198.51.100.7", Forbidden::Documentation),
            ("203.0.113.9", Forbidden::Documentation),
        ] {
            assert_eq!(refused(ip), Some(why), "{ip}");
        }
        assert_eq!(refused("172.32.0.1"), None, "just outside 172.16/12");
        assert_eq!(refused("100.128.0.1"), None, "just outside 100.64/10");
    }

    #[test]
    fn every_forbidden_ipv6_form_is_refused() {
        for (ip, why) in [
            ("::", Forbidden::Unspecified),
            ("::1", Forbidden::Loopback),
            ("fe80::1", Forbidden::LinkLocal),
            ("fc00::1", Forbidden::UniqueLocal),
            ("fd00:ec2::254", Forbidden::UniqueLocal),
            ("fec0::1", Forbidden::SiteLocal),
            ("ff02::1", Forbidden::Multicast),
            ("2001:db8::1", Forbidden::Documentation),
            ("3fff::1", Forbidden::Documentation),
            ("2001:0:4136:e378:8000:63bf:3fff:fdd2", Forbidden::Teredo),
            ("100::1", Forbidden::Reserved),
            ("64:ff9b:1::1", Forbidden::Reserved),
            ("::ffff:127.0.0.1", Forbidden::Embedded(EmbeddedIn::Mapped, &Forbidden::Loopback)),
            ("::ffff:10.0.0.1", Forbidden::Embedded(EmbeddedIn::Mapped, &Forbidden::Private)),
            ("::ffff:169.254.169.254", Forbidden::Embedded(EmbeddedIn::Mapped, &Forbidden::LinkLocal)),
            ("::127.0.0.1", Forbidden::Embedded(EmbeddedIn::Compatible, &Forbidden::Loopback)),
            ("64:ff9b::7f00:1", Forbidden::Embedded(EmbeddedIn::Nat64, &Forbidden::Loopback)),
            ("64:ff9b::a9fe:a9fe", Forbidden::Embedded(EmbeddedIn::Nat64, &Forbidden::LinkLocal)),
            ("2002:7f00:1::1", Forbidden::Embedded(EmbeddedIn::SixToFour, &Forbidden::Loopback)),
            ("2002:c0a8:101::1", Forbidden::Embedded(EmbeddedIn::SixToFour, &Forbidden::Private)),
        ] {
            assert_eq!(refused(ip), Some(why), "{ip}");
        }
        assert_eq!(refused("2002:808:808::1"), None, "6to4 of a public address");
        assert_eq!(refused("64:ff9b::808:808"), None, "NAT64 of a public address");
    }

    #[test]
    fn loopback_allowance_lets_exactly_loopback_through() {
        let allowed = |ip: &str| check(ip.parse().unwrap(), true).is_ok();
        assert!(allowed("127.0.0.1") && allowed("127.1.2.3") && allowed("::1"));
        for ip in ["10.0.0.1", "169.254.169.254", "0.0.0.0", "::", "::ffff:127.0.0.1", "fe80::1", "192.168.0.1"] {
            assert!(!allowed(ip), "{ip} stays refused");
        }
    }

    /// Literal hosts in every spelling a URL parser accepts for 127.0.0.1
    /// (decimal, hex, octal, short forms) and IPv6 literals.
    #[test]
    fn literal_hosts_are_checked_in_every_spelling() {
        let policy = Policy { allow_loopback: false, ports: vec![80, 443] };
        let verdict = |url: &str| check_url(&Url::parse(url).unwrap(), &policy);
        for url in [
            "http://127.0.0.1/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://0x7f000001/",
            "http://017700000001/",
            "http://127.1/",
            "http://0/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "https://169.254.169.254/latest/meta-data/",
            "http://[fd00:ec2::254]/",
            "http://10.1.2.3/",
        ] {
            let refused = verdict(url).expect_err(url);
            assert!(refused.starts_with("blocked:"), "{url}: {refused}");
        }
        assert!(verdict("https://93.184.216.34/").is_ok());
        assert!(verdict("https://example.com/").is_ok(), "names are checked when resolved");
        assert!(verdict("ftp://example.com/").unwrap_err().contains("only http and https"));
        assert!(verdict("http://example.com:8080/").unwrap_err().contains("port 8080"));
        let any_port = Policy { allow_loopback: true, ports: Vec::new() };
        assert!(check_url(&Url::parse("http://127.0.0.1:8080/").unwrap(), &any_port).is_ok());
        assert!(check_url(&Url::parse("http://[::ffff:127.0.0.1]:8080/").unwrap(), &any_port).is_err());
    }

    #[test]
    fn reasons_read_well() {
        assert_eq!(
            Forbidden::Embedded(EmbeddedIn::Mapped, &Forbidden::Loopback).to_string(),
            "an IPv4-mapped IPv6 form of a loopback address"
        );
    }
}
