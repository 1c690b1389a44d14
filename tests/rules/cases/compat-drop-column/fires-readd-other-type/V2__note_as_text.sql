-- Added back with another type: the running version's values no longer fit
-- what it expects; still a compatibility break.
ALTER TABLE orders DROP COLUMN total;
ALTER TABLE orders ADD COLUMN total numeric(12,2);
