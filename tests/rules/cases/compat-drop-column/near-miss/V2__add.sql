ALTER TABLE orders ADD COLUMN draft text;
