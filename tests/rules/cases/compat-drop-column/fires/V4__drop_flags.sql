ALTER TABLE legacy_accounts DROP COLUMN flags;
