CREATE TABLE realm (id text PRIMARY KEY);
INSERT INTO realm SELECT 'r' || g FROM generate_series(1, 100) g;
CREATE TABLE client (id text PRIMARY KEY);
INSERT INTO client SELECT 'c' || g FROM generate_series(1, 10000) g;
-- The columns hold each other's values: the migration swaps their names.
CREATE TABLE realm_application (application_id text NOT NULL, realm_id text NOT NULL);
INSERT INTO realm_application SELECT 'r' || (g % 100 + 1), 'c' || g FROM generate_series(1, 10000) g;
