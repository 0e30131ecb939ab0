-- Accounts, credentials and metering: the ground every product stands on.
-- Timestamps are Unix milliseconds (BIGINT) so queries read alike on SQLite and PostgreSQL.

CREATE TABLE users (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    email           TEXT    NOT NULL UNIQUE,
    username        TEXT    NOT NULL UNIQUE,
    password_hash   TEXT    NOT NULL,
    role            TEXT    NOT NULL DEFAULT 'user',
    avatar          TEXT    NOT NULL DEFAULT '',
    -- Bumped on password change: access tokens carry it, older ones stop working.
    token_version   BIGINT  NOT NULL DEFAULT 0,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);

CREATE TABLE api_keys (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    -- First characters of the key, shown in listings so users can tell keys apart.
    prefix          TEXT    NOT NULL,
    -- SHA-256 of the whole key; the key itself is shown once and never stored.
    key_hash        TEXT    NOT NULL UNIQUE,
    created_at      BIGINT  NOT NULL,
    last_used_at    BIGINT,
    revoked_at      BIGINT
);
CREATE INDEX api_keys_user ON api_keys(user_id);

CREATE TABLE refresh_tokens (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash      TEXT    NOT NULL UNIQUE,
    -- Every token rotated from one login shares a family; reuse of a rotated
    -- token revokes the whole family.
    family          TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    expires_at      BIGINT  NOT NULL,
    used_at         BIGINT,
    revoked_at      BIGINT
);
CREATE INDEX refresh_tokens_user ON refresh_tokens(user_id);

-- Daily request counts per product surface and caller (user id or client IP),
-- added to in batches by every replica.
CREATE TABLE usage_daily (
    surface         TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    day             TEXT    NOT NULL,
    count           BIGINT  NOT NULL,
    PRIMARY KEY (surface, subject, day)
);

-- Server-wide generated secrets shared by replicas (PostgreSQL deployments).
CREATE TABLE server_secrets (
    name            TEXT    PRIMARY KEY,
    value           TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL
);
