-- The type the alternative's new column needs is the one V2 declared,
-- spelled as PostgreSQL spells it.
ALTER TABLE accounts RENAME COLUMN login TO username;
