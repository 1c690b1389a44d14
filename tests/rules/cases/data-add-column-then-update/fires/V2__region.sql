ALTER TABLE orders ADD COLUMN region text;
UPDATE orders SET region = 'eu';
