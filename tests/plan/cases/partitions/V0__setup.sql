CREATE TABLE measurements (id bigint NOT NULL, taken date NOT NULL, v integer) PARTITION BY RANGE (taken);
CREATE TABLE measurements_2023 PARTITION OF measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')
    PARTITION BY RANGE (id);
CREATE TABLE measurements_2024_a PARTITION OF measurements_2024 FOR VALUES FROM (MINVALUE) TO (5000);
CREATE TABLE measurements_2024_b PARTITION OF measurements_2024 FOR VALUES FROM (5000) TO (MAXVALUE);
INSERT INTO measurements SELECT g, date '2023-01-01' + (g % 700), g % 10 FROM generate_series(1, 10000) g;
CREATE TABLE measurements_2025 (id bigint NOT NULL, taken date NOT NULL, v integer);
INSERT INTO measurements_2025 SELECT g, date '2025-01-01' + (g % 300), 1 FROM generate_series(1, 2000) g;
CREATE TABLE regions (code text NOT NULL, name text) PARTITION BY LIST (code);
CREATE TABLE regions_eu PARTITION OF regions FOR VALUES IN ('de', 'fr');
CREATE TABLE regions_us (code text NOT NULL, name text);
INSERT INTO regions_us SELECT 'us', 'x' || g FROM generate_series(1, 1000) g;
