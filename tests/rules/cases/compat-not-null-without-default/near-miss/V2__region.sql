-- A nullable column without a default: the previous version's INSERTs leave it NULL.
ALTER TABLE orders ADD COLUMN region text DEFAULT 'eu';
ALTER TABLE orders ALTER COLUMN region DROP DEFAULT;
