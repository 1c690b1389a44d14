-- Written before the team knew better: blocks writes to orders while it builds.
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
