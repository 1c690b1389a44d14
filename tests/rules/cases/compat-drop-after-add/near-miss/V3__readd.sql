-- The column is added back in the same transaction with its type: nothing
-- the running version uses goes away, whatever else the release adds.
ALTER TABLE orders ADD COLUMN note_text text;
UPDATE orders SET note_text = note;
ALTER TABLE orders DROP COLUMN note;
ALTER TABLE orders ADD COLUMN note varchar(20);
