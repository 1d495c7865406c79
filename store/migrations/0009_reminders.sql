-- Email reminders of reporting rounds (server/src/reminders.rs): where each editor is
-- reached, and which digests went out, so each goes once.
ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE round_reminders (
    round_id    TEXT NOT NULL REFERENCES reporting_rounds(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('before_deadline', 'overdue')),
    department  TEXT NOT NULL,
    sent_at     INTEGER NOT NULL,
    recipients  INTEGER NOT NULL,
    PRIMARY KEY (round_id, kind, department)
) STRICT;
