-- RESTume database schema.
--
-- Applied at every start, so every statement must be idempotent
-- (CREATE ... IF NOT EXISTS). A change that cannot be expressed that way
-- steps PRAGMA user_version and gets a migration in src/store/db.rs.
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

-- A public read finds the owner of a username in this index alone.
CREATE INDEX IF NOT EXISTS users_by_name ON users(username_key, is_disabled, id);

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
-- The public list, most recently updated first, read in order (a LIMIT of
-- 20 then visits 20 rows, not every public profile).
CREATE INDEX IF NOT EXISTS profiles_listed ON profiles(updated_at) WHERE is_public = 1;

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

-- Plans granted by an admin (SPEC §5.1, §6). A user's plan is the best of
-- their active grants: not revoked, and `expires_on` (YYYY-MM-DD, UTC) not
-- yet reached.
CREATE TABLE IF NOT EXISTS grants (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    plan          TEXT NOT NULL CHECK (plan IN ('pro', 'recruiter')),
    reason        TEXT NOT NULL,
    granted_by    TEXT,
    created_at    INTEGER NOT NULL,
    expires_on    TEXT,
    revoked_at    INTEGER,
    revoke_reason TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS grants_user ON grants(user_id);

-- The five résumé sections. `extra` holds the JSON Resume fields of a row
-- that have no column, given back as they came on export. List columns hold
-- JSON arrays, or NULL when never given.
CREATE TABLE IF NOT EXISTS skills (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL COLLATE NOCASE,
    level      TEXT,
    years      INTEGER,
    category   TEXT,
    keywords   TEXT,
    extra      TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS skills_user ON skills(user_id, position);
-- Names are unique per owner for the API (checked in the write that makes
-- or renames a skill, without regard to case), not in the table: a JSON
-- Resume document may hold two skills of one name, or several without one,
-- and imports as it is. (Up to user_version 1 this was a UNIQUE constraint;
-- src/db.rs rebuilds such a table.)
CREATE INDEX IF NOT EXISTS skills_name ON skills(user_id, name);

CREATE TABLE IF NOT EXISTS experience (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    company    TEXT NOT NULL,
    title      TEXT NOT NULL,
    start_date TEXT,
    end_date   TEXT,
    location   TEXT,
    url        TEXT,
    summary    TEXT,
    highlights TEXT,
    extra      TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS experience_user ON experience(user_id, position);

CREATE TABLE IF NOT EXISTS education (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    institution TEXT NOT NULL,
    area        TEXT,
    study_type  TEXT,
    start_date  TEXT,
    end_date    TEXT,
    score       TEXT,
    courses     TEXT,
    extra       TEXT NOT NULL DEFAULT '{}',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS education_user ON education(user_id, position);

CREATE TABLE IF NOT EXISTS projects (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    description TEXT,
    url         TEXT,
    repo_url    TEXT,
    start_date  TEXT,
    end_date    TEXT,
    highlights  TEXT,
    keywords    TEXT,
    extra       TEXT NOT NULL DEFAULT '{}',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS projects_user ON projects(user_id, position);

CREATE TABLE IF NOT EXISTS certifications (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    name          TEXT NOT NULL,
    issuer        TEXT NOT NULL,
    date          TEXT,
    expires       TEXT,
    url           TEXT,
    credential_id TEXT,
    extra         TEXT NOT NULL DEFAULT '{}',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS certifications_user ON certifications(user_id, position);

-- Presentation choices (SPEC §3.4): theme id, and the layout as a JSON
-- array of [section, visible] pairs. NULL: the default.
CREATE TABLE IF NOT EXISTS presentation (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    theme   TEXT,
    layout  TEXT
) STRICT;

-- What a JSON Resume import brought that RESTume has no column for: unknown
-- `basics` fields (and the `location` object), and whole sections such as
-- `volunteer` or `awards`, kept as they came.
CREATE TABLE IF NOT EXISTS resume_extras (
    user_id  TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    basics   TEXT NOT NULL DEFAULT '{}',
    sections TEXT NOT NULL DEFAULT '{}'
) STRICT;

-- The search index's row number for each user (stable across VACUUM), and
-- the user's username_key, so that a search ranks and breaks ties without
-- visiting `users` for every match (src/resume/search.rs).
CREATE TABLE IF NOT EXISTS search_docs (
    doc          INTEGER PRIMARY KEY,
    user_id      TEXT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    username_key TEXT NOT NULL DEFAULT ''
) STRICT;

-- The public résumé of each public, enabled profile, with strong ETags
-- (src/resume/render.rs). A write empties `json_etag`, and the next read or
-- the background refresher renders it again (src/resume/derived.rs). The
-- JSON Resume form is rendered on its first read after a change (NULL until
-- then).
-- The small columns come before the large texts: SQLite reads a row's
-- columns in order, through the overflow pages of any large one on the way,
-- so a lookup of the ETags alone reads one page, not three (up to
-- user_version 3 the texts came first).
CREATE TABLE IF NOT EXISTS public_renders (
    user_id         TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    json_etag       TEXT NOT NULL,
    jsonresume_etag TEXT,
    json            TEXT NOT NULL,
    jsonresume      TEXT
) STRICT;

-- The public page (/u/{username}) as last rendered (src/web/stored.rs),
-- without the origin a request names: `html` is the page with the origin cut
-- out at the byte offsets `cuts` (comma-separated). A view serves it only
-- while it was made from the current public JSON (`json_etag`), in the theme
-- the owner has today, on this day (`day`, days since 1970-01-01); `etag` is
-- the hash of html and cuts that a view's ETag is made from. `html` comes
-- last, like the texts of public_renders.
CREATE TABLE IF NOT EXISTS public_pages (
    user_id    TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    json_etag  TEXT NOT NULL,
    theme      TEXT NOT NULL,
    day        INTEGER NOT NULL,
    etag       TEXT NOT NULL,
    cuts       TEXT NOT NULL,
    img_origin TEXT,
    html       TEXT NOT NULL
) STRICT;

-- The ask engine's form of the public JSON (src/ask/form.rs): its facts in
-- a compact binary layout, made with the JSON (`json_etag`), so a question is
-- answered without parsing the JSON. An ask reads it only while it was made
-- from the current JSON; without one, it reads the JSON.
CREATE TABLE IF NOT EXISTS public_asks (
    user_id   TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    json_etag TEXT NOT NULL,
    form      BLOB NOT NULL
) STRICT;

-- How many times who is public, or a public rendering, changed: counted by
-- the triggers below, so the MCP candidate index (src/mcp/index.rs) knows in
-- one lookup whether it is still current, whoever wrote.
CREATE TABLE IF NOT EXISTS public_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
) STRICT;
INSERT OR IGNORE INTO public_version (id, n) VALUES (1, 0);
CREATE TRIGGER IF NOT EXISTS public_renders_added AFTER INSERT ON public_renders
BEGIN UPDATE public_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS public_renders_removed AFTER DELETE ON public_renders
BEGIN UPDATE public_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS public_renders_changed AFTER UPDATE OF json, json_etag ON public_renders
BEGIN UPDATE public_version SET n = n + 1 WHERE id = 1; END;
-- A kept page is the page of the current public JSON and of nothing else:
-- when the JSON changes or goes, its page goes with it (and `keep` stores a
-- page only for the JSON it was made from), so a view reads the kept page
-- alone, not the rendering too (src/routes/page.rs).
CREATE TRIGGER IF NOT EXISTS public_pages_follow_insert AFTER INSERT ON public_renders
BEGIN DELETE FROM public_pages WHERE user_id = NEW.user_id AND json_etag IS NOT NEW.json_etag; END;
CREATE TRIGGER IF NOT EXISTS public_pages_follow_change AFTER UPDATE OF json_etag ON public_renders
BEGIN DELETE FROM public_pages WHERE user_id = NEW.user_id AND json_etag IS NOT NEW.json_etag; END;
CREATE TRIGGER IF NOT EXISTS public_pages_follow_delete AFTER DELETE ON public_renders
BEGIN DELETE FROM public_pages WHERE user_id = OLD.user_id; END;
-- A form follows its JSON as a kept page does, so a kept form is always the
-- current JSON's and an ask reads it without reading public_renders too
-- (src/ask/form.rs, `kept`: two B-tree searches fewer, 15 % of an ask's read).
CREATE TRIGGER IF NOT EXISTS public_asks_follow_insert AFTER INSERT ON public_renders
BEGIN DELETE FROM public_asks WHERE user_id = NEW.user_id AND json_etag IS NOT NEW.json_etag; END;
CREATE TRIGGER IF NOT EXISTS public_asks_follow_change AFTER UPDATE OF json_etag ON public_renders
BEGIN DELETE FROM public_asks WHERE user_id = NEW.user_id AND json_etag IS NOT NEW.json_etag; END;
CREATE TRIGGER IF NOT EXISTS public_asks_follow_delete AFTER DELETE ON public_renders
BEGIN DELETE FROM public_asks WHERE user_id = OLD.user_id; END;
CREATE TRIGGER IF NOT EXISTS users_visibility_changed
AFTER UPDATE OF is_disabled, username, username_key ON users
BEGIN UPDATE public_version SET n = n + 1 WHERE id = 1; END;

-- Résumés written since their search-index row and public rendering were
-- last brought up to date (src/resume/derived.rs).
CREATE TABLE IF NOT EXISTS stale_resumes (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Full-text search over public résumés, one row per public, enabled user
-- (rowid = search_docs.doc; a private or disabled user has none), brought up
-- to date after every change to that user's résumé or visibility, and always
-- before a search runs (src/resume/derived.rs). Contentless (the text lives in the tables above) and
-- column-level detail: the least written per change that still ranks by
-- column.
CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5(
    name, headline, summary, skills, titles, companies, keywords,
    content = '', contentless_delete = 1, detail = column,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- One-time password-reset tokens issued by an admin: only the SHA-256 of a
-- token is kept; one hour, single use.
CREATE TABLE IF NOT EXISTS password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    issued_by  TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) STRICT;

CREATE TABLE IF NOT EXISTS blog_posts (
    slug          TEXT PRIMARY KEY,
    title         TEXT NOT NULL,
    summary       TEXT,
    body_markdown TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    author_id     TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    published_at  INTEGER
) STRICT;
CREATE INDEX IF NOT EXISTS blog_published ON blog_posts(status, published_at);

-- Rate-limit token buckets (src/limits.rs): the persistent copy of the
-- buckets the server keeps in memory, written back every second.
CREATE TABLE IF NOT EXISTS buckets (
    key        TEXT PRIMARY KEY,
    tokens     REAL NOT NULL,
    updated_at REAL NOT NULL
) STRICT, WITHOUT ROWID;

-- Daily counters, written in batches from memory (src/counters.rs).
CREATE TABLE IF NOT EXISTS daily_stats (
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day          TEXT NOT NULL,  -- YYYY-MM-DD (UTC)
    views        INTEGER NOT NULL DEFAULT 0,
    api_requests INTEGER NOT NULL DEFAULT 0,
    asks         INTEGER NOT NULL DEFAULT 0,
    mcp_exposures INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day)
) STRICT, WITHOUT ROWID;

-- Ask (SPEC §4.1): every question asked, for the owner's insights; written in
-- batches from memory (src/ask/record.rs), never on the request path.
CREATE TABLE IF NOT EXISTS ask_log (
    id            INTEGER PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day           TEXT NOT NULL,  -- YYYY-MM-DD (UTC)
    question      TEXT NOT NULL,  -- as asked
    normalised    TEXT NOT NULL,  -- the engine's normal form, for grouping
    status        TEXT NOT NULL,  -- the answer_status
    referrer_host TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS ask_log_user_day ON ask_log(user_id, day);

-- Referrer hosts of views and asks, per day, written in batches like counters.
CREATE TABLE IF NOT EXISTS referrer_stats (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day     TEXT NOT NULL,
    source  TEXT NOT NULL CHECK (source IN ('view', 'ask')),
    host    TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (user_id, day, source, host)
) STRICT, WITHOUT ROWID;

-- Chat transcripts, kept only for owners whose plan has `transcripts`.
CREATE TABLE IF NOT EXISTS transcripts (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    visitor_name    TEXT,
    visitor_company TEXT,
    visitor_email   TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS transcripts_user ON transcripts(user_id, created_at);

CREATE TABLE IF NOT EXISTS transcript_messages (
    id            INTEGER PRIMARY KEY,
    transcript_id TEXT NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
    message       TEXT NOT NULL,
    answer        TEXT NOT NULL,  -- the reply, as JSON
    answer_status TEXT NOT NULL,
    created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS transcript_messages_of ON transcript_messages(transcript_id, id);

-- MCP shortlists (SPEC §7): a recruiter's named lists of candidates. A
-- candidate is kept by user id; one that is private or gone is left out of
-- every answer, and comes back if the profile turns public again.
CREATE TABLE IF NOT EXISTS shortlists (
    id         TEXT PRIMARY KEY,
    owner_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS shortlists_owner ON shortlists(owner_id, created_at);

CREATE TABLE IF NOT EXISTS shortlist_members (
    shortlist_id TEXT NOT NULL REFERENCES shortlists(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    added_at     INTEGER NOT NULL,
    PRIMARY KEY (shortlist_id, user_id)
) STRICT;

PRAGMA user_version = 4;
