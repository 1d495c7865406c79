-- Readers' annotations of plan documents (keikaku_sync::annotation): highlights, notes and
-- bookmarks, private to their author, synced through the same push and pull as progress
-- (docs/sync-protocol.md). Append-only like field notes: an edit is a new row that replaces
-- the old one, a deletion turns the row into a tombstone, nothing is ever deleted.
--
-- No foreign key to plans: like progress, notes must survive a plan's re-import, and their
-- anchors are re-found in whatever version is shown (keikaku_domain::anchor).
CREATE TABLE annotations (
    id              TEXT PRIMARY KEY,       -- client-made: the mutation id that added it
    author_user_id  INTEGER NOT NULL REFERENCES users(id),
    plan_id         TEXT NOT NULL,
    annotation      TEXT NOT NULL,          -- JSON Annotation, retracted ones included
    version         INTEGER NOT NULL UNIQUE -- the sync sequence number of its latest change
) STRICT;
-- A pull reads one reader's annotations newer than the cursor, in order.
CREATE INDEX annotations_by_author ON annotations (author_user_id, version);
