CREATE TABLE tags (id int PRIMARY KEY, name text);
CREATE INDEX orders_total_idx ON orders (total);
