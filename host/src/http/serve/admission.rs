//! Who may open a connection: a cap on connections open at once, and a
//! smaller cap per client address, so one client cannot take them all.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex, PoisonError};

use ipnet::IpNet;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The unit one client is counted in: an IPv4 address, or an IPv6 /64 (one
/// subscriber's whole prefix, which costs an attacker nothing to vary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKey(IpAddr);

impl ClientKey {
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => Self(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(IpAddr::V4(v4)),
                None => {
                    let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                    Self(IpAddr::V6(Ipv6Addr::from(prefix)))
                }
            },
        }
    }
}

pub struct Admission {
    slots: Arc<Semaphore>,
    per_client_limit: usize,
    /// Open connections per client; an entry leaves when its count is zero,
    /// so the map never holds more entries than there are connections.
    per_client: Mutex<HashMap<ClientKey, usize>>,
    /// Peers not limited per address (reverse proxies carrying many clients).
    unlimited: Vec<IpNet>,
}

/// A connection's place; dropping it (when the connection closes) frees it.
pub struct Admitted {
    _slot: OwnedSemaphorePermit,
    client: Option<ClientKey>,
    admission: Arc<Admission>,
}

impl Admission {
    pub fn new(max_connections: usize, per_client_limit: usize, unlimited: Vec<IpNet>) -> Arc<Self> {
        Arc::new(Self {
            slots: Arc::new(Semaphore::new(max_connections)),
            per_client_limit,
            per_client: Mutex::new(HashMap::new()),
            unlimited,
        })
    }

    /// Waits until fewer than `max_connections` are open. Meanwhile new
    /// connections queue in the kernel's accept backlog, not in our memory.
    pub async fn slot(&self) -> Option<OwnedSemaphorePermit> {
        self.slots.clone().acquire_owned().await.ok()
    }

    /// Lets a connection from `peer` in, or `None` when that client already
    /// holds its share.
    pub fn admit(self: &Arc<Self>, slot: OwnedSemaphorePermit, peer: IpAddr) -> Option<Admitted> {
        if self.unlimited.iter().any(|net| net.contains(&peer)) {
            return Some(Admitted { _slot: slot, client: None, admission: self.clone() });
        }
        let client = ClientKey::of(peer);
        let mut counts = self.per_client.lock().unwrap_or_else(PoisonError::into_inner);
        let count = counts.entry(client).or_insert(0);
        if *count >= self.per_client_limit {
            return None;
        }
        *count += 1;
        Some(Admitted { _slot: slot, client: Some(client), admission: self.clone() })
    }

    /// Connections open from this client now.
    #[cfg(test)]
    fn open(&self, peer: IpAddr) -> usize {
        let counts = self.per_client.lock().unwrap_or_else(PoisonError::into_inner);
        counts.get(&ClientKey::of(peer)).copied().unwrap_or(0)
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let Some(client) = self.client else { return };
        let mut counts = self.admission.per_client.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = counts.get_mut(&client) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[tokio::test]
    async fn a_client_gets_its_share_and_gives_it_back() {
        let admission = Admission::new(10, 2, Vec::new());
        let a = admission.admit(admission.slot().await.unwrap(), ip("192.0.2.1")).unwrap();
        let _b = admission.admit(admission.slot().await.unwrap(), ip("192.0.2.1")).unwrap();
        assert!(admission.admit(admission.slot().await.unwrap(), ip("192.0.2.1")).is_none());
        let _other = admission.admit(admission.slot().await.unwrap(), ip("192.0.2.2")).unwrap();
        drop(a);
        assert_eq!(admission.open(ip("192.0.2.1")), 1);
        assert!(admission.admit(admission.slot().await.unwrap(), ip("192.0.2.1")).is_some());
    }

    #[tokio::test]
    async fn ipv6_counts_per_64_and_mapped_v4_as_v4() {
        let admission = Admission::new(10, 1, Vec::new());
        let _a = admission.admit(admission.slot().await.unwrap(), ip("2001:db8:1:2::1")).unwrap();
        assert!(admission.admit(admission.slot().await.unwrap(), ip("2001:db8:1:2:ffff::9")).is_none());
        assert!(admission.admit(admission.slot().await.unwrap(), ip("2001:db8:1:3::1")).is_some());
        let _v4 = admission.admit(admission.slot().await.unwrap(), ip("198.51.100.7")).unwrap();
        assert!(admission.admit(admission.slot().await.unwrap(), ip("::ffff:198.51.100.7")).is_none());
    }

    #[tokio::test]
    async fn the_global_cap_holds_new_connections_until_one_closes() {
        let admission = Admission::new(1, 1, Vec::new());
        let first = admission.admit(admission.slot().await.unwrap(), ip("192.0.2.1")).unwrap();
        let waiting = tokio::spawn({
            let admission = admission.clone();
            async move { admission.slot().await.is_some() }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        drop(first);
        assert!(waiting.await.unwrap());
    }

    #[tokio::test]
    async fn trusted_proxies_are_not_limited_per_address() {
        let admission = Admission::new(10, 1, vec!["10.0.0.0/8".parse().unwrap()]);
        let _a = admission.admit(admission.slot().await.unwrap(), ip("10.1.2.3")).unwrap();
        assert!(admission.admit(admission.slot().await.unwrap(), ip("10.1.2.3")).is_some());
        assert_eq!(admission.open(ip("10.1.2.3")), 0);
    }
}
