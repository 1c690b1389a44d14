-- The view does not read note.
ALTER TABLE orders ALTER COLUMN note TYPE varchar(50);
