-- Versions of a plan (keikaku_domain::revision): 第1版, 第2版 … The current version's content
-- is the plan's own rows (plans, measures, …), which every page reads; a superseded version
-- keeps its content as a plan file (JSON, docs/plan-format.md), and so does the draft of the
-- next version (素案) while administrators prepare it.
CREATE TABLE plan_versions (
    plan_id      TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    number       INTEGER NOT NULL CHECK (number > 0),
    label        TEXT NOT NULL,          -- 「令和6年3月改定」; empty: derived from `issued`
    issued       TEXT,                   -- YYYY-MM or YYYY-MM-DD the version bears
    state        TEXT NOT NULL CHECK (state IN ('draft', 'current', 'superseded')),
    document     TEXT,                   -- JSON PlanFile; NULL exactly for the current version
    created_at   INTEGER NOT NULL,
    published_at INTEGER,
    audit_id     INTEGER REFERENCES audit_log(id), -- the entry that made it current
    -- For a draft: the last audit entry of the plan when it was started, so changes made to
    -- the current version since then can be shown before publishing replaces them.
    based_on     INTEGER,
    PRIMARY KEY (plan_id, number),
    CHECK ((state = 'current') = (document IS NULL))
) STRICT;
CREATE UNIQUE INDEX plan_versions_one_current ON plan_versions (plan_id) WHERE state = 'current';
CREATE UNIQUE INDEX plan_versions_one_draft ON plan_versions (plan_id) WHERE state = 'draft';

-- Every plan stored before versions existed is its own first version.
INSERT INTO plan_versions (plan_id, number, label, issued, state, document, created_at, published_at)
SELECT id, 1, '', adopted, 'current', NULL,
       CAST(strftime('%s', imported_at) AS INTEGER), CAST(strftime('%s', imported_at) AS INTEGER)
FROM plans;
