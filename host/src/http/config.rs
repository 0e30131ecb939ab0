//! Operator settings for the connection layer: how long a client may take to
//! send a request and how many connections it may hold.
//!
//! Every limit exists because a client that is slow on purpose costs the
//! server a socket, a task and buffers for as long as it is allowed to be
//! slow. The defaults are what a public server can live with: generous for a
//! person on a bad mobile link, short for a script holding sockets open.

use std::time::Duration;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    /// From the first byte of a request to the end of its headers. A client
    /// still sending its request line and headers after this is disconnected.
    pub header_read_timeout_secs: u64,
    /// The longest a request body may go without a byte arriving (408).
    pub body_idle_timeout_secs: u64,
    /// The longest a whole request body may take, counted from the end of the
    /// headers (408). Plugin uploads (16 MiB) need about 280 KB/s to make it.
    pub body_read_timeout_secs: u64,
    /// How long a connection with no request in flight and no bytes moving
    /// is kept open for a next request.
    pub keep_alive_idle_secs: u64,
    /// Connections open at once. When all are taken, new ones wait in the
    /// kernel's accept queue until one closes. Clamped at start to what the
    /// process's open-file limit allows.
    pub max_connections: usize,
    /// Connections open at once from one client address (IPv6: one /64).
    /// More are answered 503 and closed. Peers in `trusted_proxies` are not
    /// limited this way: a proxy carries many clients.
    pub max_connections_per_ip: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            header_read_timeout_secs: 10,
            body_idle_timeout_secs: 10,
            body_read_timeout_secs: 60,
            keep_alive_idle_secs: 15,
            max_connections: 10_000,
            max_connections_per_ip: 256,
        }
    }
}

impl HttpConfig {
    pub fn header_read_timeout(&self) -> Duration {
        Duration::from_secs(self.header_read_timeout_secs)
    }

    pub fn body_idle_timeout(&self) -> Duration {
        Duration::from_secs(self.body_idle_timeout_secs)
    }

    pub fn body_read_timeout(&self) -> Duration {
        Duration::from_secs(self.body_read_timeout_secs)
    }

    pub fn keep_alive_idle(&self) -> Duration {
        Duration::from_secs(self.keep_alive_idle_secs)
    }

    pub(crate) fn validate(&self) -> Result<(), (&'static str, String)> {
        let positive = [
            ("http.header_read_timeout_secs", self.header_read_timeout_secs),
            ("http.body_idle_timeout_secs", self.body_idle_timeout_secs),
            ("http.body_read_timeout_secs", self.body_read_timeout_secs),
            ("http.keep_alive_idle_secs", self.keep_alive_idle_secs),
        ];
        for (key, secs) in positive {
            if secs == 0 || secs > 3600 {
                return Err((key, "must be between 1 and 3600".into()));
            }
        }
        if self.max_connections == 0 {
            return Err(("http.max_connections", "must be greater than 0".into()));
        }
        if self.max_connections_per_ip == 0 || self.max_connections_per_ip > self.max_connections {
            return Err(("http.max_connections_per_ip", "must be between 1 and http.max_connections".into()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate_and_zero_is_refused() {
        HttpConfig::default().validate().unwrap();
        let zero = HttpConfig { body_idle_timeout_secs: 0, ..HttpConfig::default() };
        assert_eq!(zero.validate().unwrap_err().0, "http.body_idle_timeout_secs");
        let per_ip = HttpConfig { max_connections: 10, max_connections_per_ip: 11, ..HttpConfig::default() };
        assert_eq!(per_ip.validate().unwrap_err().0, "http.max_connections_per_ip");
    }
}
