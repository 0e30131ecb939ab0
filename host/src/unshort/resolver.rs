//! Name resolution for traces: every address a name resolves to is checked
//! by the [`blocker`](super::blocker), and the connection can only go to
//! the addresses returned here, so a name cannot be checked as public and
//! then connect somewhere private (DNS rebinding).

use std::net::SocketAddr;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::blocker;

/// Refuses a name if any of its addresses is forbidden.
pub struct GuardedResolver {
    pub allow_loopback: bool,
}

/// A name resolved to a forbidden address; found again in the error chain
/// of the failed request to report the hop as blocked.
#[derive(Debug, thiserror::Error)]
#[error("blocked: {0}")]
pub struct Blocked(pub String);

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_loopback = self.allow_loopback;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            for address in &addresses {
                if let Err(why) = blocker::check(address.ip(), allow_loopback) {
                    return Err(Box::new(Blocked(format!("{host} resolves to {} ({why})", address.ip()))) as _);
                }
            }
            Ok(Box::new(addresses.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[tokio::test]
    async fn a_name_resolving_to_loopback_is_blocked() {
        let resolver = GuardedResolver { allow_loopback: false };
        let error = resolver.resolve(Name::from_str("localhost").unwrap()).await.err().expect("blocked");
        let blocked = error.downcast_ref::<Blocked>().expect("a Blocked error");
        assert!(blocked.0.contains("loopback"), "{blocked}");
    }

    #[tokio::test]
    async fn loopback_allowance_resolves_it() {
        let resolver = GuardedResolver { allow_loopback: true };
        let addresses: Vec<SocketAddr> =
            resolver.resolve(Name::from_str("localhost").unwrap()).await.unwrap().collect();
        assert!(!addresses.is_empty() && addresses.iter().all(|a| a.ip().is_loopback()));
    }
}
