ALTER TABLE accounts ALTER COLUMN status TYPE varchar(40);
ALTER TABLE accounts ADD COLUMN region text NOT NULL DEFAULT 'eu';
ALTER TABLE accounts ADD COLUMN tier text;
UPDATE accounts SET tier = 'basic' WHERE tier IS NULL;
ALTER TABLE accounts ADD CONSTRAINT accounts_tier_nn CHECK (tier IS NOT NULL) NOT VALID;
CREATE TABLE IF NOT EXISTS accounts (id bigint);
DO $$ BEGIN CREATE TABLE audit_log (id int); END $$;
ALTER TABLE audit_log ADD COLUMN at timestamptz;
