DROP VIEW customer_emails;
DROP TABLE customers;
