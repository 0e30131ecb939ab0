-- Web analytics: the daily random salts of visitor ids. One row per UTC
-- day, shared by every replica; rows older than yesterday are deleted, so
-- an old visitor id can no longer be recomputed from an IP and user agent.

CREATE TABLE analytics_salts (
    day             TEXT    PRIMARY KEY,
    salt            TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL
);
