ALTER TABLE customers ADD COLUMN email_address text;
UPDATE customers SET email_address = email;
