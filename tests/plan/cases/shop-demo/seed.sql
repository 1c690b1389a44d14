-- Production after V1.1: customers, orders and order items with rows.  Orders
-- up to 9000 are years old (V7 archives and deletes them); the rest, the ones
-- with order items, are not.
INSERT INTO customers (email, full_name)
SELECT 'c' || g || '@example.com', CASE WHEN g % 5 = 0 THEN NULL ELSE 'Customer ' || g END
FROM generate_series(1, 10000) g;
INSERT INTO orders (customer_id, total_cents, placed_at)
SELECT g % 10000 + 1, g % 9000,
       CASE WHEN g <= 9000 THEN timestamptz '2020-01-01' ELSE timestamptz '2099-01-01' END
       + g * interval '1 minute'
FROM generate_series(1, 10000) g;
INSERT INTO order_items (order_id, line_no, sku, quantity)
SELECT g, 1, 'sku-' || g, g % 4 + 1 FROM generate_series(9001, 10000) g;
