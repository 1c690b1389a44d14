ALTER TABLE orders ADD COLUMN note_upper text;
