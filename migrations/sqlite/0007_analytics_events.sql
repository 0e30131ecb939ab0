-- Web analytics: raw events, as the seed returns them, plus the fields the
-- reports need (visitor hash, traffic source, UTM tags, engagement time).
-- Ids are handed out by the server in blocks (`id_blocks`), so an event is
-- acknowledged with its id before the batch that stores it is written.

CREATE TABLE id_blocks (
    name            TEXT    PRIMARY KEY,
    -- The first id not yet handed to any replica.
    next_id         BIGINT  NOT NULL
);
INSERT INTO id_blocks (name, next_id) VALUES ('analytics_events', 1);

CREATE TABLE analytics_events (
    id              INTEGER PRIMARY KEY,
    site_id         BIGINT  NOT NULL REFERENCES analytics_sites(id) ON DELETE CASCADE,
    session_id      TEXT    NOT NULL,
    user_id         TEXT    NOT NULL,
    -- '' when analytics.store_ip is off.
    ip              TEXT    NOT NULL,
    -- Keyed hash of (daily salt, site, IP, user agent): no cookie needed.
    visitor_id      TEXT    NOT NULL,
    url             TEXT    NOT NULL,
    referrer        TEXT    NOT NULL,
    user_agent      TEXT    NOT NULL,
    screen          TEXT    NOT NULL,
    language        TEXT    NOT NULL,
    event_type      TEXT    NOT NULL,
    event_value     TEXT    NOT NULL,
    device          TEXT    NOT NULL,
    browser         TEXT    NOT NULL,
    os              TEXT    NOT NULL,
    is_bot          BIGINT  NOT NULL,
    country         TEXT    NOT NULL,
    subdivision     TEXT    NOT NULL,
    city            TEXT    NOT NULL,
    isp             TEXT    NOT NULL,
    source          TEXT    NOT NULL,
    source_name     TEXT    NOT NULL,
    medium          TEXT    NOT NULL,
    utm_source      TEXT    NOT NULL,
    utm_medium      TEXT    NOT NULL,
    utm_campaign    TEXT    NOT NULL,
    -- Engagement events: milliseconds the page was visible.
    duration_ms     BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL
);
-- The event list: one site, newest first, optionally one session or user.
CREATE INDEX analytics_events_site_time ON analytics_events(site_id, created_at);
CREATE INDEX analytics_events_site_session ON analytics_events(site_id, session_id);
