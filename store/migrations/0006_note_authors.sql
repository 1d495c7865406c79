-- The user who appended each field note: only they, or an administrator of the plan's
-- organization, may retract it. NULL for notes stored before (administrators only).
ALTER TABLE progress_notes ADD COLUMN author_user_id INTEGER;
