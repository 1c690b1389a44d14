CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, note text);
CREATE TABLE customers (id bigint PRIMARY KEY);
