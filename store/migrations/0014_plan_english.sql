-- English the plan file gives beside its Japanese (issue 21): every `en` object of the plan,
-- its nodes, measures, actions, KPIs and terms, as one JSON value (keikaku_domain::english::
-- EnglishTexts), or NULL when the file gives none.
ALTER TABLE plans ADD COLUMN english TEXT;
