-- V1 already built this index.
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
