CREATE TABLE clients (id bigint PRIMARY KEY, name text NOT NULL DEFAULT 'anon', tier text);
INSERT INTO clients SELECT g, 'c' || g, 'basic' FROM generate_series(1, 10000) g;
CREATE TABLE invoices (id bigint PRIMARY KEY, client_id bigint REFERENCES clients (id));
INSERT INTO invoices SELECT g, g FROM generate_series(1, 10000) g;
