-- English a plan file gives for a department (keikaku_domain::english::DepartmentEn as JSON:
-- its name and note), or NULL. Kept with the department rather than with a plan's English:
-- departments belong to the organization, and every plan of it names them.
ALTER TABLE departments ADD COLUMN english TEXT;
