-- The dynamic SQL and the rename ship in one migration: the table may be
-- new in this very migration, so no running version can use the old name.
DO $$ BEGIN EXECUTE 'CREATE TABLE legacy_accounts (id bigint, login text)'; END $$;
ALTER TABLE legacy_accounts RENAME COLUMN login TO username;
