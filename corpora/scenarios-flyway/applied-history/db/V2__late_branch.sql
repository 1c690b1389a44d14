ALTER TABLE items ADD COLUMN sku text;
