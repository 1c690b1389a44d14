CREATE TABLE items (id bigint PRIMARY KEY, price numeric(10,2), label text, stock integer, counter integer);
INSERT INTO items SELECT g, g * 1.5, CASE WHEN g % 4 = 0 THEN NULL ELSE 'l' || g END, g % 20, 0
FROM generate_series(1, 10000) g;
CREATE TABLE items_log (k integer, v text);
INSERT INTO items_log SELECT g % 50, 'x' FROM generate_series(1, 10000) g;
CREATE TABLE tbl (a int, b int, PRIMARY KEY (a, b));
INSERT INTO tbl SELECT g % 100, g FROM generate_series(1, 10000) g;
