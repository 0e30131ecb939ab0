-- Plugins uploaded through the admin API, shared by every replica, and the
-- enabled/disabled state of any plugin (built-in, directory or uploaded).

CREATE TABLE plugin_uploads (
    id              TEXT    PRIMARY KEY,
    version         TEXT    NOT NULL,
    sha256          TEXT    NOT NULL,
    component       BLOB    NOT NULL,
    uploaded_at     BIGINT  NOT NULL
);

CREATE TABLE plugin_flags (
    id              TEXT    PRIMARY KEY,
    enabled         BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
