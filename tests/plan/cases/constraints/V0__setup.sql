CREATE TABLE customers (id bigint PRIMARY KEY, email text, region text);
INSERT INTO customers SELECT g, 'c' || g || '@example.com', CASE WHEN g % 2 = 0 THEN 'eu' ELSE 'us' END
FROM generate_series(1, 10000) g;
CREATE TABLE orders (id bigint, customer_id bigint, total integer, code text, lines integer);
INSERT INTO orders SELECT g, g % 10000 + 1, g % 500, 'o' || g, g % 7 + 1 FROM generate_series(1, 10000) g;
CREATE TABLE tags (id bigint PRIMARY KEY, name text);
INSERT INTO tags SELECT g, 't' || g FROM generate_series(1, 10000) g;
