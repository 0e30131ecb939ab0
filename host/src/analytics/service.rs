//! Analytics' rules: a user's sites (each user sees only their own).

use super::error::AnalyticsError;
use super::site::{Site, checked_domain, checked_name, new_tracking_id};
use super::store::sites as store;
use crate::clock::Clock;
use crate::store::Db;

pub struct Analytics {
    db: Db,
    clock: Clock,
}

/// One page of a listing.
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

impl Analytics {
    pub fn new(db: Db, clock: Clock) -> Self {
        Self { db, clock }
    }

    fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }

    pub async fn create_site(&self, user_id: i64, name: &str, domain: &str) -> Result<Site, AnalyticsError> {
        let (name, domain) = (checked_name(name)?, checked_domain(domain)?);
        Ok(store::insert(&self.db, user_id, &name, &domain, &new_tracking_id(), self.now_ms()).await?)
    }

    /// The user's sites, newest first; `page` counts from 1.
    pub async fn sites(
        &self,
        user_id: i64,
        search: Option<&str>,
        page: u32,
        per_page: u32,
    ) -> Result<Page<Site>, AnalyticsError> {
        let search = search.map(str::trim).filter(|s| !s.is_empty());
        let offset = i64::from(page.saturating_sub(1)) * i64::from(per_page);
        let (items, total) = store::page(&self.db, user_id, search, i64::from(per_page), offset).await?;
        Ok(Page { items, total })
    }

    /// The user's site `id`; another user's is [`AnalyticsError::SiteNotFound`].
    pub async fn site(&self, user_id: i64, id: i64) -> Result<Site, AnalyticsError> {
        store::owned(&self.db, user_id, id).await?.ok_or(AnalyticsError::SiteNotFound)
    }

    /// Changes name and/or domain; an absent field keeps its value.
    pub async fn update_site(
        &self,
        user_id: i64,
        id: i64,
        name: Option<&str>,
        domain: Option<&str>,
    ) -> Result<Site, AnalyticsError> {
        let current = self.site(user_id, id).await?;
        let name = name.map(checked_name).transpose()?.unwrap_or(current.name);
        let domain = domain.map(checked_domain).transpose()?.unwrap_or(current.domain);
        store::update(&self.db, user_id, id, &name, &domain, self.now_ms()).await?.ok_or(AnalyticsError::SiteNotFound)
    }

    pub async fn delete_site(&self, user_id: i64, id: i64) -> Result<(), AnalyticsError> {
        if store::delete(&self.db, user_id, id).await? { Ok(()) } else { Err(AnalyticsError::SiteNotFound) }
    }
}
