ALTER TABLE items ADD COLUMN stock int;
