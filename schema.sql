-- RESTume database schema.
--
-- Applied at every start, so every statement must be idempotent
-- (CREATE ... IF NOT EXISTS). A change that cannot be expressed that way
-- steps PRAGMA user_version and gets a migration in src/db.rs.
-- Timestamps are INTEGER seconds since the Unix epoch (UTC); the API shows
-- them as RFC 3339.

-- Server-wide values kept across restarts (the generated JWT secret).
CREATE TABLE IF NOT EXISTS settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS users (
    id             TEXT PRIMARY KEY,
    username       TEXT NOT NULL,
    -- lower-cased copies: uniqueness without regard to case, in Unicode too
    username_key   TEXT NOT NULL UNIQUE,
    email          TEXT NOT NULL,
    email_key      TEXT NOT NULL UNIQUE,
    full_name      TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    -- changes on logout, password change and disabling: every older JWT fails
    security_stamp TEXT NOT NULL,
    is_admin       INTEGER NOT NULL DEFAULT 0,
    is_disabled    INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS profiles (
    user_id            TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    headline           TEXT,
    summary            TEXT,
    location           TEXT,
    public_email       TEXT,
    phone              TEXT,
    website            TEXT,
    avatar_url         TEXT,
    links              TEXT NOT NULL DEFAULT '[]',   -- JSON array
    open_to_work       INTEGER NOT NULL DEFAULT 0,
    open_to_work_note  TEXT,
    open_to_work_roles TEXT NOT NULL DEFAULT '[]',   -- JSON array
    is_public          INTEGER NOT NULL DEFAULT 1,
    updated_at         INTEGER NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS api_keys (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    -- hex SHA-256 of the raw key; the raw key itself is never stored
    key_hash     TEXT NOT NULL UNIQUE,
    is_active    INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    expires_at   INTEGER,
    revoked_at   INTEGER
) STRICT;
CREATE INDEX IF NOT EXISTS api_keys_user ON api_keys(user_id);

-- Who did what, when, from where. Never a password, raw key or token.
CREATE TABLE IF NOT EXISTS audit_events (
    id         INTEGER PRIMARY KEY,
    user_id    TEXT REFERENCES users(id) ON DELETE CASCADE,
    actor_id   TEXT,
    action     TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '{}',  -- JSON object
    ip         TEXT,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS audit_events_user ON audit_events(user_id, created_at);

PRAGMA user_version = 1;
