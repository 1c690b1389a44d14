-- The materialized view is created in this same migration: no running
-- version reads it yet, so the plain index build makes nobody wait.
CREATE MATERIALIZED VIEW order_totals AS
    SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id;
CREATE UNIQUE INDEX order_totals_customer_idx ON order_totals (customer_id);
