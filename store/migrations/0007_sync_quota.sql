-- What keeping each remembered mutation costs (its JSON as sent and its answer, in bytes), so
-- what one user makes the server keep in a day can be bounded. 0 for rows from before.
ALTER TABLE sync_mutations ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
CREATE INDEX sync_mutations_by_user ON sync_mutations (user_id, at, bytes);
