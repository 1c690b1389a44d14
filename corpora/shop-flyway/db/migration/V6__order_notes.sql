ALTER TABLE orders ADD COLUMN notes varchar(200);
ALTER TABLE orders ALTER COLUMN notes TYPE text;
ALTER TABLE orders ALTER COLUMN total_cents TYPE bigint;
