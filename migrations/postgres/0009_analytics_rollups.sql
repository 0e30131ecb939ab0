-- Web analytics rollups: what the reports read instead of raw events. The
-- batch writer keeps them in the same transaction as the events it writes
-- (see host/src/analytics/rollup). `day` is the local day in the server's
-- time zone as YYYYMMDD, `hour` its local hour (0-23); `is_bot` is 0 or 1,
-- so reports leave bots out (or take them in) by `is_bot <= $n`.

-- Per site, day and hour: page views, other events, distinct visitors,
-- sessions started.
CREATE TABLE analytics_hourly (
    site_id         BIGINT  NOT NULL REFERENCES analytics_sites(id) ON DELETE CASCADE,
    day             BIGINT  NOT NULL,
    hour            BIGINT  NOT NULL,
    is_bot          BIGINT  NOT NULL,
    pageviews       BIGINT  NOT NULL,
    events          BIGINT  NOT NULL,
    visitors        BIGINT  NOT NULL,
    sessions        BIGINT  NOT NULL,
    PRIMARY KEY (site_id, day, hour, is_bot)
);

-- Per site and day: the same, plus distinct IPs and the sessions' bounces
-- and summed duration (sessions count on the day they start).
CREATE TABLE analytics_daily (
    site_id         BIGINT  NOT NULL REFERENCES analytics_sites(id) ON DELETE CASCADE,
    day             BIGINT  NOT NULL,
    is_bot          BIGINT  NOT NULL,
    pageviews       BIGINT  NOT NULL,
    events          BIGINT  NOT NULL,
    visitors        BIGINT  NOT NULL,
    ips             BIGINT  NOT NULL,
    sessions        BIGINT  NOT NULL,
    bounces         BIGINT  NOT NULL,
    duration_ms     BIGINT  NOT NULL,
    PRIMARY KEY (site_id, day, is_bot)
);

-- Per site, day, event type and dimension (url, browser, country, ...):
-- how many events had each value. Entry and exit pages count sessions.
CREATE TABLE analytics_dimensions (
    site_id         BIGINT  NOT NULL REFERENCES analytics_sites(id) ON DELETE CASCADE,
    event_type      TEXT    NOT NULL,
    dimension       TEXT    NOT NULL,
    day             BIGINT  NOT NULL,
    is_bot          BIGINT  NOT NULL,
    value           TEXT    NOT NULL,
    count           BIGINT  NOT NULL,
    PRIMARY KEY (site_id, event_type, dimension, day, is_bot, value)
);

-- Per site and day: a HyperLogLog sketch of the IPs seen, merged for
-- week, month and range figures.
CREATE TABLE analytics_ip_sketches (
    site_id         BIGINT  NOT NULL REFERENCES analytics_sites(id) ON DELETE CASCADE,
    day             BIGINT  NOT NULL,
    is_bot          BIGINT  NOT NULL,
    sketch          BYTEA   NOT NULL,
    PRIMARY KEY (site_id, day, is_bot)
);

-- Who was already counted: visitor ids per day ('v') and per hour ('h'),
-- IP hashes per day ('i'); hashes keyed by the day's salt. Only needed
-- while events for that day can still arrive: rows older than two days
-- are deleted.
CREATE TABLE analytics_seen (
    site_id         BIGINT  NOT NULL REFERENCES analytics_sites(id) ON DELETE CASCADE,
    day             BIGINT  NOT NULL,
    kind            TEXT    NOT NULL,
    hour            BIGINT  NOT NULL,
    is_bot          BIGINT  NOT NULL,
    id              TEXT    NOT NULL,
    PRIMARY KEY (site_id, day, kind, hour, is_bot, id)
);
CREATE INDEX analytics_seen_day ON analytics_seen(day);

-- Sessions: a session id's run of events with no gap over 30 minutes.
CREATE TABLE analytics_sessions (
    site_id         BIGINT  NOT NULL REFERENCES analytics_sites(id) ON DELETE CASCADE,
    session_id      TEXT    NOT NULL,
    started_at      BIGINT  NOT NULL,
    last_at         BIGINT  NOT NULL,
    -- The day and hour it started on, which its figures count for.
    day             BIGINT  NOT NULL,
    hour            BIGINT  NOT NULL,
    is_bot          BIGINT  NOT NULL,
    pageviews       BIGINT  NOT NULL,
    events          BIGINT  NOT NULL,
    entry_page      TEXT    NOT NULL,
    exit_page       TEXT    NOT NULL,
    PRIMARY KEY (site_id, session_id, started_at)
);
CREATE INDEX analytics_sessions_last ON analytics_sessions(last_at);
