ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS (total::bigint * 100) STORED;
