CREATE INDEX orders_total_idx ON orders (total);
