-- A risky index, kept as it is: the one finding CI must fail on.
CREATE INDEX orders_customer_idx ON orders (customer_id);

-- migraph:ignore lock-add-column-rewrite orders is empty until the 2.0 launch
ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();

-- migraph:ignore lock-truncate the statement below truncates nothing
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk
  FOREIGN KEY (customer_id) REFERENCES customers (id);

/* migraph:ignore lock-drop-index-not-concurent typo in the rule id */
DROP INDEX orders_customer_idx;
