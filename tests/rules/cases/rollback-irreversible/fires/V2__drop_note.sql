-- The values of orders.note go, and no undo script brings them back.
ALTER TABLE orders DROP COLUMN note;
