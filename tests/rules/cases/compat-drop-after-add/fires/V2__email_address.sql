-- The backfill links the new column to the one dropped: a replacement
-- squeezed into one release.
ALTER TABLE customers ADD COLUMN email_address text;
UPDATE customers SET email_address = email;
ALTER TABLE customers DROP COLUMN email;
