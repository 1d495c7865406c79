-- Accounts, sessions, login throttling and the audit trail.
-- Times are Unix seconds (INTEGER) so expiry and throttling windows compare cheaply.

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    login           TEXT NOT NULL UNIQUE,      -- stored lower-case
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('administrator', 'editor', 'council_member')),
    department      TEXT,
    password_hash   TEXT NOT NULL,             -- argon2id PHC string
    disabled        INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at      INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL,
    FOREIGN KEY (organization_id, department) REFERENCES departments(organization_id, name)
) STRICT;

-- The cookie carries a random token; only its SHA-256 is stored, so a database leak does not
-- leak live sessions.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    user_agent   TEXT,
    address      TEXT
) STRICT;
CREATE INDEX sessions_by_user ON sessions (user_id);

-- One row per failed login, keyed by account and by address; old rows are pruned.
CREATE TABLE login_failures (
    key  TEXT NOT NULL,
    at   INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_by_key ON login_failures (key, at);

-- Every change to plan data: who, when, from which client, old and new value (JSON).
-- Append-only: the triggers below refuse updates and deletes.
CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    at              INTEGER NOT NULL,
    user_id         INTEGER,
    user_login      TEXT,
    organization_id TEXT NOT NULL,
    plan_id         TEXT NOT NULL,
    entity          TEXT NOT NULL,   -- 'plan', 'measure', 'progress', 'user'
    entity_id       TEXT NOT NULL,   -- e.g. 'citizen-01' or 'citizen-01/2024'
    field           TEXT NOT NULL,
    old_value       TEXT,            -- JSON, NULL when the record did not exist
    new_value       TEXT,            -- JSON
    client          TEXT,            -- user agent or client id
    address         TEXT,
    restored_from   INTEGER REFERENCES audit_log(id)
) STRICT;
CREATE INDEX audit_log_by_entity ON audit_log (plan_id, entity, entity_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
