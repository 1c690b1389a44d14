ALTER TABLE customers ADD COLUMN email text;
ALTER TABLE invoices ADD COLUMN paid boolean;
