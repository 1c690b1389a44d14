ALTER TABLE customers ADD COLUMN email_address text;
UPDATE customers SET email_address = email;
-- The running version still reads email.
ALTER TABLE customers DROP COLUMN email;
