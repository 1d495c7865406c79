-- What open data needs of a municipality (issue 21): its 全国地方公共団体コード and the licence
-- of its data (NULL: CC BY 4.0). Portable: plain ADD COLUMN with no default.
ALTER TABLE organizations ADD COLUMN code TEXT;
ALTER TABLE organizations ADD COLUMN licence_name TEXT;
ALTER TABLE organizations ADD COLUMN licence_url TEXT;
