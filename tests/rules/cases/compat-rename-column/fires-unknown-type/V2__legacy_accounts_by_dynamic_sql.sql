-- Made by dynamic SQL: migraph cannot see the CREATE, but the rename in the
-- next migration proves the column exists, so the running version uses it.
DO $$ BEGIN EXECUTE 'CREATE TABLE legacy_accounts (id bigint, login text)'; END $$;
