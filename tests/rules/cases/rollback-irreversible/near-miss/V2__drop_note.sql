-- The same drop, with an undo script that brings the column back.
ALTER TABLE orders DROP COLUMN note;
