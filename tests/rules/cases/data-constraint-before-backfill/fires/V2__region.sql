ALTER TABLE orders ADD COLUMN region text;
ALTER TABLE orders ALTER COLUMN region SET NOT NULL;
UPDATE orders SET region = 'eu' WHERE region IS NULL;
