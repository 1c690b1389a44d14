-- Meant to be re-runnable; after a failed CONCURRENTLY build, IF NOT EXISTS would keep the INVALID index.
CREATE INDEX IF NOT EXISTS orders_total_idx ON orders (total);
