-- An orders table in production: 10,000 rows, two indexes.
CREATE TABLE orders (
    id          bigint PRIMARY KEY,
    customer_id bigint NOT NULL,
    email       text,
    total       integer,
    placed_at   timestamptz NOT NULL DEFAULT '2024-01-01',
    status      text
);
INSERT INTO orders
SELECT g, g % 100, 'user' || g || '@example.com', g % 1000,
       timestamptz '2024-01-01' + g * interval '1 minute',
       CASE WHEN g % 3 = 0 THEN 'paid' ELSE 'open' END
FROM generate_series(1, 10000) g;
CREATE INDEX orders_total_idx ON orders (total);
CREATE INDEX orders_status_idx ON orders (status);
