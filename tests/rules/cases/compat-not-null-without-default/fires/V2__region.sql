-- The default fills the existing rows; dropping it right after makes every
-- INSERT of the previous version (which does not know region) fail.
ALTER TABLE orders ADD COLUMN region text NOT NULL DEFAULT 'eu';
ALTER TABLE orders ALTER COLUMN region DROP DEFAULT;
