-- Plans as imported from `keikaku-plan/1` files (docs/plan-format.md).
-- Entities that later features edit or refer to (measures, actions, KPIs, schedule cells,
-- departments) get rows of their own; document-shaped content (chapter lists and tables)
-- is stored as JSON.

CREATE TABLE organizations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    prefecture  TEXT NOT NULL
) STRICT;

CREATE TABLE departments (
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    note            TEXT,
    position        INTEGER NOT NULL,
    PRIMARY KEY (organization_id, name)
) STRICT;

CREATE TABLE plans (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    title           TEXT NOT NULL,
    subtitle        TEXT,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    adopted         TEXT,
    period_start    INTEGER,
    period_end      INTEGER,
    period_text     TEXT,
    positioning     TEXT,          -- JSON Positioning
    source          TEXT,
    content_hash    TEXT NOT NULL, -- of the imported file's plan, to make re-imports idempotent
    imported_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

CREATE TABLE chapters (
    plan_id     TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    id          TEXT NOT NULL,
    parent_id   TEXT,
    position    INTEGER NOT NULL,
    number      TEXT,
    title       TEXT NOT NULL,
    kind        TEXT,
    body        TEXT,
    lists       TEXT NOT NULL,  -- JSON [OrderedList]
    tables      TEXT NOT NULL,  -- JSON [Table]
    PRIMARY KEY (plan_id, id)
) STRICT;

CREATE TABLE structure_nodes (
    plan_id     TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    id          TEXT NOT NULL,
    parent_id   TEXT,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    label       TEXT,
    number      TEXT,
    title       TEXT NOT NULL,
    description TEXT,
    PRIMARY KEY (plan_id, id)
) STRICT;

CREATE TABLE measures (
    plan_id          TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    id               TEXT NOT NULL,
    position         INTEGER NOT NULL,
    number           TEXT,
    title            TEXT NOT NULL,
    summary          TEXT,
    outcome          TEXT,
    target_state     TEXT,
    current_issues   TEXT,
    direction        TEXT,
    content          TEXT,
    departments_note TEXT,
    general_plan_refs TEXT NOT NULL, -- JSON [string]
    PRIMARY KEY (plan_id, id)
) STRICT;

-- A measure placed under several nodes (再掲) has several rows here and one in measures.
CREATE TABLE node_measures (
    plan_id     TEXT NOT NULL,
    node_id     TEXT NOT NULL,
    measure_id  TEXT NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (plan_id, node_id, measure_id),
    FOREIGN KEY (plan_id, node_id) REFERENCES structure_nodes(plan_id, id) ON DELETE CASCADE,
    FOREIGN KEY (plan_id, measure_id) REFERENCES measures(plan_id, id) ON DELETE CASCADE
) STRICT;

CREATE TABLE measure_departments (
    plan_id         TEXT NOT NULL,
    measure_id      TEXT NOT NULL,
    organization_id TEXT NOT NULL,
    department_name TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('lead', 'related')),
    position        INTEGER NOT NULL,
    PRIMARY KEY (plan_id, measure_id, role, department_name),
    FOREIGN KEY (plan_id, measure_id) REFERENCES measures(plan_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, department_name) REFERENCES departments(organization_id, name)
) STRICT;
CREATE INDEX measure_departments_by_department ON measure_departments (organization_id, department_name);

CREATE TABLE actions (
    plan_id           TEXT NOT NULL,
    id                TEXT NOT NULL,
    measure_id        TEXT NOT NULL,
    position          INTEGER NOT NULL,
    number            TEXT,
    title             TEXT NOT NULL,
    group_title       TEXT,
    group_description TEXT,
    PRIMARY KEY (plan_id, id),
    FOREIGN KEY (plan_id, measure_id) REFERENCES measures(plan_id, id) ON DELETE CASCADE
) STRICT;

-- One roadmap cell: the planned text for a measure or an action in one fiscal year.
-- item_id is a measure id or an action id (they share one namespace per plan).
CREATE TABLE schedule_cells (
    plan_id     TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    item_id     TEXT NOT NULL,
    fiscal_year INTEGER NOT NULL,
    text        TEXT NOT NULL,
    PRIMARY KEY (plan_id, item_id, fiscal_year)
) STRICT;

CREATE TABLE kpis (
    plan_id     TEXT NOT NULL,
    measure_id  TEXT NOT NULL,
    position    INTEGER NOT NULL,
    label       TEXT NOT NULL,
    source      TEXT,
    unit        TEXT,
    baseline    TEXT,           -- JSON KpiPoint
    target      TEXT,           -- JSON KpiPoint
    text        TEXT NOT NULL,
    PRIMARY KEY (plan_id, measure_id, position),
    FOREIGN KEY (plan_id, measure_id) REFERENCES measures(plan_id, id) ON DELETE CASCADE
) STRICT;

CREATE TABLE milestones (
    plan_id     TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    fiscal_year INTEGER NOT NULL,
    group_name  TEXT,
    text        TEXT NOT NULL,
    note        TEXT,
    PRIMARY KEY (plan_id, position)
) STRICT;

CREATE TABLE glossary_terms (
    plan_id     TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    id          TEXT NOT NULL,
    position    INTEGER NOT NULL,
    term        TEXT NOT NULL,
    aliases     TEXT NOT NULL,  -- JSON [string]
    index_label TEXT,
    definition  TEXT NOT NULL,
    PRIMARY KEY (plan_id, id)
) STRICT;

-- Every searchable field, with its text folded (NFKC, lowercase) for substring search.
-- Japanese search needs substrings of two characters (防災), which FTS5 trigrams cannot do.
CREATE TABLE search_documents (
    plan_id     TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    href        TEXT NOT NULL,
    text        TEXT NOT NULL,
    folded      TEXT NOT NULL,
    folded_title TEXT NOT NULL,
    PRIMARY KEY (plan_id, position)
) STRICT;
