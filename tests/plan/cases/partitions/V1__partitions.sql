CREATE INDEX measurements_v_idx ON measurements (v);
ALTER TABLE measurements ATTACH PARTITION measurements_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE regions ATTACH PARTITION regions_us FOR VALUES IN ('us', 'ca');
ALTER TABLE measurements DETACH PARTITION measurements_2023;
