-- Web analytics: events keep their repeating texts (user agents, pages,
-- referrers, browsers, places…) once per site in `analytics_texts` and
-- refer to them by id, instead of a copy in every row: a site has a few
-- hundred user agents and a few thousand pages, and ten million events.
-- Id 0 is the empty text and has no row.
--
-- The batch writer assigns ids (writers take turns, see the rollups) and
-- finds a text by `digest`, the first 8 bytes of its SHA-256 as a signed
-- integer; the text itself is compared too, so two texts sharing a digest
-- stay apart.
CREATE TABLE analytics_texts (
    id              INTEGER PRIMARY KEY,
    site_id         BIGINT  NOT NULL REFERENCES analytics_sites(id) ON DELETE CASCADE,
    digest          BIGINT  NOT NULL,
    text            TEXT    NOT NULL
);
CREATE INDEX analytics_texts_digest ON analytics_texts(site_id, digest);

-- Events written before this migration wait here; the server moves them
-- into the new table at start (host/src/analytics/store/legacy.rs) and
-- drops this one.
ALTER TABLE analytics_events RENAME TO analytics_events_legacy;
DROP INDEX analytics_events_site_time;
DROP INDEX analytics_events_site_session;

CREATE TABLE analytics_events (
    id              INTEGER PRIMARY KEY,
    site_id         BIGINT  NOT NULL REFERENCES analytics_sites(id) ON DELETE CASCADE,
    created_at      BIGINT  NOT NULL,
    session_id      TEXT    NOT NULL,
    user_id         TEXT    NOT NULL,
    -- '' when analytics.store_ip is off.
    ip              TEXT    NOT NULL,
    -- Keyed hash of (daily salt, site, IP, user agent): no cookie needed.
    visitor_id      TEXT    NOT NULL,
    is_bot          BIGINT  NOT NULL,
    -- Engagement events: milliseconds the page was visible.
    duration_ms     BIGINT  NOT NULL,
    -- Ids in analytics_texts.
    event_type      BIGINT  NOT NULL,
    url             BIGINT  NOT NULL,
    referrer        BIGINT  NOT NULL,
    user_agent      BIGINT  NOT NULL,
    screen          BIGINT  NOT NULL,
    language        BIGINT  NOT NULL,
    event_value     BIGINT  NOT NULL,
    device          BIGINT  NOT NULL,
    browser         BIGINT  NOT NULL,
    os              BIGINT  NOT NULL,
    country         BIGINT  NOT NULL,
    subdivision     BIGINT  NOT NULL,
    city            BIGINT  NOT NULL,
    isp             BIGINT  NOT NULL,
    source          BIGINT  NOT NULL,
    source_name     BIGINT  NOT NULL,
    medium          BIGINT  NOT NULL,
    utm_source      BIGINT  NOT NULL,
    utm_medium      BIGINT  NOT NULL,
    utm_campaign    BIGINT  NOT NULL
);
-- The event list: one site, newest first, optionally one session or user.
CREATE INDEX analytics_events_site_time ON analytics_events(site_id, created_at);
CREATE INDEX analytics_events_site_session ON analytics_events(site_id, session_id);
