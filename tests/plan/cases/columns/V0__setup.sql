CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);
INSERT INTO accounts SELECT g, 'a' || g FROM generate_series(1, 10000) g;
CREATE TABLE plans (code text PRIMARY KEY);
INSERT INTO plans VALUES ('basic'), ('pro');
