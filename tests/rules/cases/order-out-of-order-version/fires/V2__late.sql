ALTER TABLE orders ADD COLUMN region text;
