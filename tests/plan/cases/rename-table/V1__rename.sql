ALTER TABLE clients RENAME TO customers;
ALTER TABLE customers ADD COLUMN email text;
