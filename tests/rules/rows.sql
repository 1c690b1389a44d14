-- Rows for the tables of base.sql, as production has them: a few thousand
-- per table, NULL where a column allows it, no duplicates where the cases
-- add a UNIQUE, every key a foreign key case adds pointing at a real row,
-- every partition's rows inside its bound.
INSERT INTO customers (id, email, name)
SELECT i, CASE WHEN i % 10 = 0 THEN NULL ELSE 'user' || i || '@example.com' END,
       CASE WHEN i % 7 = 0 THEN NULL ELSE 'Customer ' || i END
FROM generate_series(1, 3000) AS i;

INSERT INTO orders (id, customer_id, total, note, created_at)
SELECT i, CASE WHEN i % 50 = 0 THEN NULL ELSE 1 + (i * 7) % 3000 END, (i * 37) % 5000,
       CASE WHEN i % 3 = 0 THEN NULL ELSE 'note ' || (i % 1000) END,
       timestamp '2023-01-01 00:00' + i * interval '17 minutes'
FROM generate_series(1, 5000) AS i;

INSERT INTO order_items (order_id, sku)
SELECT 1 + (i * 13) % 5000, CASE WHEN i % 11 = 0 THEN NULL ELSE 'SKU-' || (i % 400) END
FROM generate_series(1, 8000) AS i;

INSERT INTO events (id, at)
SELECT i, date '2023-01-01' + (i % 365) FROM generate_series(1, 2000) AS i;

INSERT INTO events_2024 (id, at)
SELECT i, date '2024-01-01' + (i % 366) FROM generate_series(2001, 4000) AS i;

ANALYZE;
