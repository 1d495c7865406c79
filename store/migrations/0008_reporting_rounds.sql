-- The yearly PDCA reporting round (keikaku_domain::evaluation). A round collects one report
-- per measure or action of a plan for one fiscal year; its records are versioned with the
-- sync sequence, so replicas pull them like progress rows.

CREATE TABLE reporting_rounds (
    id              TEXT PRIMARY KEY,
    plan_id         TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL,
    fiscal_year     INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('year_end', 'interim')),
    title           TEXT NOT NULL,
    opens_on        TEXT NOT NULL,      -- YYYY-MM-DD
    deadline        TEXT NOT NULL,      -- YYYY-MM-DD
    stale_days      INTEGER NOT NULL CHECK (stale_days > 0),
    state           TEXT NOT NULL CHECK (state IN ('open', 'closed', 'final', 'published')),
    created_at      INTEGER NOT NULL,
    published_at    INTEGER
) STRICT;
CREATE INDEX reporting_rounds_by_plan ON reporting_rounds (plan_id, fiscal_year);

CREATE TABLE round_records (
    round_id         TEXT NOT NULL REFERENCES reporting_rounds(id) ON DELETE CASCADE,
    plan_id          TEXT NOT NULL,
    target_kind      TEXT NOT NULL CHECK (target_kind IN ('measure', 'action')),
    target_id        TEXT NOT NULL,
    fiscal_year      INTEGER NOT NULL,
    organization_id  TEXT NOT NULL,
    position         INTEGER NOT NULL,  -- the order of the plan
    state            TEXT NOT NULL
                     CHECK (state IN ('not_entered', 'submitted', 'returned', 'approved')),
    reopened         INTEGER NOT NULL DEFAULT 0 CHECK (reopened IN (0, 1)),
    comment          TEXT,              -- the reviewer's return comment or reopening reason
    secondary_grade  TEXT CHECK (secondary_grade IN ('A', 'B', 'C', 'D')),
    secondary_reason TEXT,
    submitted        TEXT,              -- JSON ProgressRecord as last submitted
    published        TEXT,              -- JSON ProgressRecord as published to citizens
    step             INTEGER NOT NULL,  -- sequence of the latest workflow step, 0: none
    updated_at       INTEGER NOT NULL,  -- unix seconds of the latest workflow step
    version          INTEGER NOT NULL UNIQUE, -- sequence of the latest change of the row
    PRIMARY KEY (round_id, target_kind, target_id)
) STRICT;
CREATE INDEX round_records_by_key ON round_records (plan_id, target_kind, target_id, fiscal_year);

-- Data migrations that run in Rust after the schema ones, once each (`done` = 1).
CREATE TABLE data_migrations (
    name TEXT PRIMARY KEY,
    done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1))
) STRICT;
-- Progress recorded before rounds existed was public at once: keep what citizens saw, as a
-- published round per plan and fiscal year (see docs/reporting-rounds.md).
INSERT INTO data_migrations (name) VALUES ('publish_progress_from_before_rounds');
