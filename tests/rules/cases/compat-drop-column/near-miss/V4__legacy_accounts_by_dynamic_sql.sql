-- The dynamic SQL and the drop ship in one migration: the table may be new
-- in this very migration, so no running version can use the column.
DO $$ BEGIN EXECUTE 'CREATE TABLE legacy_accounts (id bigint, login text, flags int)'; END $$;
ALTER TABLE legacy_accounts DROP COLUMN IF EXISTS flags;
