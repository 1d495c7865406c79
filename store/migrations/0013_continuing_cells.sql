-- A roadmap cell whose work continues into later years (an arrow in the printed roadmap):
-- the last fiscal year it covers, or NULL (issue 21).
ALTER TABLE schedule_cells ADD COLUMN through INTEGER;
