--liquibase formatted sql

-- migraph:ignore lock-index-not-concurrent,lock-no-lock-timeout rebuilt nightly; nobody writes during the job
--changeset kim:s1
CREATE INDEX orders_s1_idx ON orders (customer_id, id);
ALTER TABLE orders ADD COLUMN s1 int DEFAULT random()::int;

--changeset kim:s2
-- migraph:ignore lock-index-not-concurrent only this statement
CREATE INDEX orders_s2_idx ON orders (id, customer_id);
CREATE INDEX orders_s3_idx ON orders (customer_id, id, s1);
