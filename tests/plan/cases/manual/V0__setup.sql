CREATE TABLE jobs (id bigint PRIMARY KEY, state text);
INSERT INTO jobs SELECT g, 'new' FROM generate_series(1, 10000) g;
CREATE INDEX jobs_state_idx ON jobs (state);
CREATE TYPE mood AS ENUM ('sad', 'ok');
