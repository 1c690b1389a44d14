ALTER TABLE orders ADD COLUMN note_upper text;
UPDATE orders SET note_upper = upper(note) WHERE note IS NOT NULL;
