ALTER TABLE accounts ALTER COLUMN status TYPE text;
ALTER TABLE accounts ADD COLUMN region text NOT NULL;
ALTER TABLE accounts ADD COLUMN tier text;
ALTER TABLE accounts ALTER COLUMN tier SET NOT NULL;
UPDATE accounts SET tier = 'basic' WHERE tier IS NULL;
