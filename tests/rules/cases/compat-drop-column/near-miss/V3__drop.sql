-- Added in this same release: no running version knows it.
ALTER TABLE orders DROP COLUMN draft;
