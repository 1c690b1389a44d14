-- Replaces the foreign key with one that cascades, under the same name.
ALTER TABLE orders DROP CONSTRAINT orders_customer_fk,
  ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE;
