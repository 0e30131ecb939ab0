-- Web analytics: the sites a user tracks. `tracking_id` is the public id the
-- tracker script sends (it names the site without revealing its owner's
-- numeric ids); `domain` is kept as the user wrote it.

CREATE TABLE analytics_sites (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    domain          TEXT    NOT NULL,
    tracking_id     TEXT    NOT NULL UNIQUE,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX analytics_sites_user ON analytics_sites(user_id, id);
