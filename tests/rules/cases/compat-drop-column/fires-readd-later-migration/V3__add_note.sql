-- Added back in the next migration: between the two the running version
-- sees the column vanish.
ALTER TABLE orders ADD COLUMN note varchar(20);
