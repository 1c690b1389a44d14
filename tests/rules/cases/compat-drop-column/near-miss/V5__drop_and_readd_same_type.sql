-- Dropped and added back with the same type in one transaction: the running
-- version never sees the column missing, its queries keep working.
ALTER TABLE orders DROP COLUMN note;
ALTER TABLE orders ADD COLUMN note character varying(20);
