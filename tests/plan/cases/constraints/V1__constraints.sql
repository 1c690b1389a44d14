ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE;
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);
ALTER TABLE orders ADD CHECK (lines > 0);
ALTER TABLE orders ADD CHECK (lines < 100 AND total < 100000);
ALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE (code);
ALTER TABLE customers ADD UNIQUE (email, region);
ALTER TABLE orders ADD PRIMARY KEY (id);
ALTER TABLE tags ALTER COLUMN name SET NOT NULL;
