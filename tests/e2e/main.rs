//! End-to-end tests: each starts the real `waymark` binary on a loopback port
//! and talks HTTP to it. Run against SQLite by default and against PostgreSQL
//! when `WAYMARK_DATABASE_URL=postgres://…` is set (see `.ci/run`).

mod chain_server;
mod support;

mod accounts_pingoo;
mod accounts_urlplus;
mod counter;
mod metering;
mod operator;
mod plugins;
mod robustness;
mod theme_text;
mod unshort;
