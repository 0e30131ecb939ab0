//! Visitors without cookies, as Plausible counts them: a visitor id is a
//! keyed hash of (the day's random salt, site, IP address, user agent).
//!
//! Salts live in the database, one per UTC day, so every replica computes
//! the same id; a new one is made at midnight UTC and salts older than
//! yesterday are deleted, so yesterday's ids cannot be recomputed after
//! 48 hours. The same person is a new visitor the next day, by design.

use std::net::IpAddr;
use std::sync::Mutex;

use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::clock::Clock;
use crate::store::Db;

pub struct Visitors {
    db: Db,
    clock: Clock,
    /// The salt of the UTC day in use: (days since 1970-01-01, salt).
    current: Mutex<Option<(i64, [u8; 32])>>,
}

/// The UTC day of `clock`, in days since 1970-01-01 (salts turn at
/// midnight UTC whatever the server's time zone).
fn utc_day(clock: &Clock) -> i64 {
    clock.now().timestamp().div_euclid(86_400)
}

/// `YYYY-MM-DD` of a [`utc_day`], as salts are stored.
fn day_text(day: i64) -> String {
    let date = chrono::DateTime::from_timestamp(day * 86_400, 0).unwrap_or_default();
    date.format("%Y-%m-%d").to_string()
}

impl Visitors {
    pub fn new(db: Db, clock: Clock) -> Self {
        Self { db, clock, current: Mutex::new(None) }
    }

    /// The visitor id of (site, IP, user agent) today: 32 hex characters.
    pub async fn id(&self, site_id: i64, ip: Option<IpAddr>, user_agent: &str) -> Result<String, sqlx::Error> {
        let salt = self.salt().await?;
        let mut hash = Sha256::new();
        hash.update(salt);
        hash.update(site_id.to_be_bytes());
        hash.update(ip.map(|ip| ip.to_string()).unwrap_or_default().as_bytes());
        hash.update([0]);
        hash.update(user_agent.as_bytes());
        Ok(hex::encode(&hash.finalize()[..16]))
    }

    /// What the rollups count distinct IPs by, for (site, IP) today: the
    /// IP keyed with the day's salt (32 hex characters; "" without an IP),
    /// and a stable 64-bit hash for the sketches that merge days (which keep
    /// only register maxima, not the hashes).
    pub async fn ip_ids(&self, site_id: i64, ip: Option<IpAddr>) -> Result<(String, u64), sqlx::Error> {
        let Some(ip) = ip else { return Ok((String::new(), 0)) };
        let salt = self.salt().await?;
        let address = ip.to_string();
        let mut hash = Sha256::new();
        hash.update(salt);
        hash.update(b"ip");
        hash.update(site_id.to_be_bytes());
        hash.update(address.as_bytes());
        let key = hex::encode(&hash.finalize()[..16]);
        let stable = super::rollup::hll::hash_of(&[&site_id.to_be_bytes(), address.as_bytes()]);
        Ok((key, stable))
    }

    fn cached(&self, day: i64) -> Option<[u8; 32]> {
        let current = self.current.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        current.as_ref().filter(|(d, _)| *d == day).map(|(_, salt)| *salt)
    }

    /// Today's salt: from memory, else from the database (made there by
    /// whichever replica comes first).
    async fn salt(&self) -> Result<[u8; 32], sqlx::Error> {
        let day_number = utc_day(&self.clock);
        if let Some(salt) = self.cached(day_number) {
            return Ok(salt);
        }
        let day = day_text(day_number);
        let mut fresh = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut fresh);
        sqlx::query(
            "INSERT INTO analytics_salts (day, salt, created_at) VALUES ($1, $2, $3) ON CONFLICT (day) DO NOTHING",
        )
        .bind(&day)
        .bind(hex::encode(fresh))
        .bind(self.clock.now().timestamp_millis())
        .execute(&self.db.pool)
        .await?;
        let stored: String = sqlx::query_scalar("SELECT salt FROM analytics_salts WHERE day = $1")
            .bind(&day)
            .fetch_one(&self.db.pool)
            .await?;
        let mut salt = [0u8; 32];
        hex::decode_to_slice(&stored, &mut salt).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        *self.current.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some((day_number, salt));
        self.forget_old().await?;
        Ok(salt)
    }

    /// Deletes salts from before yesterday (UTC).
    pub async fn forget_old(&self) -> Result<(), sqlx::Error> {
        let yesterday = (self.clock.now() - chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
        sqlx::query("DELETE FROM analytics_salts WHERE day < $1").bind(yesterday).execute(&self.db.pool).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing;

    fn clock_at(days: i64) -> Clock {
        Clock::new(chrono_tz::UTC, days * 86_400)
    }

    #[tokio::test]
    async fn the_same_visitor_is_stable_within_a_day_and_new_the_next() {
        for test in testing::every_engine().await {
            let db = &test.db;
            let ip = Some("192.0.2.7".parse().unwrap());
            let today = Visitors::new(db.clone(), clock_at(0));
            let a = today.id(1, ip, "Firefox").await.unwrap();
            assert_eq!(a.len(), 32);
            assert_eq!(today.id(1, ip, "Firefox").await.unwrap(), a, "stable within the day");
            let replica = Visitors::new(db.clone(), clock_at(0));
            assert_eq!(replica.id(1, ip, "Firefox").await.unwrap(), a, "replicas agree");
            assert_ne!(today.id(2, ip, "Firefox").await.unwrap(), a, "per site");
            assert_ne!(today.id(1, ip, "Chrome").await.unwrap(), a, "per user agent");
            assert_ne!(today.id(1, Some("192.0.2.8".parse().unwrap()), "Firefox").await.unwrap(), a, "per address");

            let tomorrow = Visitors::new(db.clone(), clock_at(1));
            assert_ne!(tomorrow.id(1, ip, "Firefox").await.unwrap(), a, "a new salt at midnight UTC");
            let days = |db: &Db| {
                let pool = db.pool.clone();
                async move {
                    let n: i64 =
                        sqlx::query_scalar("SELECT COUNT(*) FROM analytics_salts").fetch_one(&pool).await.unwrap();
                    n
                }
            };
            assert_eq!(days(db).await, 2, "today's and yesterday's");
            Visitors::new(db.clone(), clock_at(3)).id(1, ip, "Firefox").await.unwrap();
            assert_eq!(days(db).await, 1, "salts older than yesterday are gone");
        }
    }
}
