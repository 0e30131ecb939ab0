//! End-to-end tests: each starts the real `waymark` binary on a loopback port
//! and talks HTTP to it. Run against SQLite by default and against PostgreSQL
//! when `WAYMARK_DATABASE_URL=postgres://…` is set (see `.ci/run`).

mod browser;
mod chain_server;
mod support;

mod accounts_hardening;
mod accounts_pingoo;
mod accounts_urlplus;
mod analytics_events;
mod analytics_reports;
mod analytics_sites;
mod body_limits;
mod counter;
mod counter_page;
mod metering;
mod operator;
mod plugin_kinds;
mod plugins;
mod robustness;
mod slow_clients;
mod theme_text;
mod tracker;
mod unshort;
