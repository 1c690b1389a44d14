-- Made by dynamic SQL: migraph cannot see the CREATE, but ALTER TABLE
-- proves the table exists before the next migration.
DO $$ BEGIN EXECUTE 'CREATE TABLE legacy_accounts (id bigint, login text, flags int)'; END $$;
