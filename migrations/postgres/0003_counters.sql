-- visits-counter: one row per (site, name); '' is the shared global site.
-- `daily` counts `day` (YYYY-MM-DD in the server's time zone) only.

CREATE TABLE counters (
    site            TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    total           BIGINT  NOT NULL,
    daily           BIGINT  NOT NULL,
    day             TEXT    NOT NULL,
    updated_at      BIGINT  NOT NULL,
    PRIMARY KEY (site, name)
);
