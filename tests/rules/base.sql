-- The scene every case starts from: tables that are live in production.
CREATE TABLE customers (id bigint PRIMARY KEY, email text, name text);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total int, note varchar(20),
                     created_at timestamp);
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE TABLE order_items (order_id bigint, sku text);
CREATE TYPE mood AS ENUM ('ok');
CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);
CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE events_2024 (id bigint, at date);
