-- Progress records, synced with offline clients (docs/sync-protocol.md).
--
-- Every row holds the current state of one field, note or KPI reading and the version (the
-- sync sequence number) of its latest change; rows are updated in place, so a pull reads them
-- by version and a row changed many times is sent once. Nothing is ever deleted: a retracted
-- note stays as a tombstone.
--
-- There are no foreign keys to plans: progress is recorded data like the audit log, and must
-- survive a plan's re-import (`import --replace` deletes the plan and inserts it again). The
-- record key columns (plan_id, target_kind, target_id, fiscal_year) are the parts of
-- `keikaku_sync::RecordKey`; organization_id is the plan's owner when the row was written.

-- The last sequence number given to a change: one row, advanced in the transaction that uses
-- the numbers, so it is strictly monotonic across restarts and crashes.
CREATE TABLE sync_sequence (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    value   INTEGER NOT NULL CHECK (value >= 0)
) STRICT;
INSERT INTO sync_sequence (id, value) VALUES (1, 0);

CREATE TABLE progress_fields (
    plan_id         TEXT NOT NULL,
    target_kind     TEXT NOT NULL CHECK (target_kind IN ('measure', 'action')),
    target_id       TEXT NOT NULL,
    fiscal_year     INTEGER NOT NULL,
    field           TEXT NOT NULL,      -- keikaku_sync::Field, e.g. 'percent'
    value           TEXT NOT NULL,      -- JSON FieldValue, e.g. {"percent": 40}
    version         INTEGER NOT NULL UNIQUE,
    organization_id TEXT NOT NULL,
    PRIMARY KEY (plan_id, target_kind, target_id, fiscal_year, field)
) STRICT;

-- Note ids are client-generated; like the reference server, a note belongs to its record.
CREATE TABLE progress_notes (
    plan_id         TEXT NOT NULL,
    target_kind     TEXT NOT NULL CHECK (target_kind IN ('measure', 'action')),
    target_id       TEXT NOT NULL,
    fiscal_year     INTEGER NOT NULL,
    id              TEXT NOT NULL,
    note            TEXT NOT NULL,      -- JSON FieldNote, retracted ones included
    version         INTEGER NOT NULL UNIQUE,
    organization_id TEXT NOT NULL,
    PRIMARY KEY (plan_id, target_kind, target_id, fiscal_year, id)
) STRICT;

CREATE TABLE progress_kpi_readings (
    plan_id         TEXT NOT NULL,
    target_kind     TEXT NOT NULL CHECK (target_kind IN ('measure', 'action')),
    target_id       TEXT NOT NULL,
    fiscal_year     INTEGER NOT NULL,
    id              TEXT NOT NULL,
    reading         TEXT NOT NULL,      -- JSON KpiReading
    version         INTEGER NOT NULL UNIQUE,
    organization_id TEXT NOT NULL,
    PRIMARY KEY (plan_id, target_kind, target_id, fiscal_year, id)
) STRICT;

-- Every mutation the server decided, with its outcome, so a retried push gets the same answer
-- and applies nothing again. Kept for good: clients may retry late, and it is part of the
-- audit trail. A mutation id reused for a different change is refused and not stored here.
CREATE TABLE sync_mutations (
    id          TEXT PRIMARY KEY,       -- {client_id}-{counter}
    client_id   TEXT NOT NULL,
    user_id     INTEGER,
    mutation    TEXT NOT NULL,          -- JSON Mutation as decided
    outcome     TEXT NOT NULL,          -- JSON Outcome as answered
    at          INTEGER NOT NULL
) STRICT;

-- A progress change's audit entry also names the mutation that made it, the version it was
-- given and whether narrative text was merged. NULL for every other kind of change.
ALTER TABLE audit_log ADD COLUMN mutation_id TEXT;
ALTER TABLE audit_log ADD COLUMN version INTEGER;
ALTER TABLE audit_log ADD COLUMN merged INTEGER CHECK (merged IN (0, 1));
CREATE INDEX audit_log_by_mutation ON audit_log (mutation_id) WHERE mutation_id IS NOT NULL;
