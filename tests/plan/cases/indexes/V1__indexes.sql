CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE UNIQUE INDEX ON orders (lower(email));
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_paid_idx ON orders USING btree (placed_at DESC)
    INCLUDE (total) WHERE status = 'paid';
CREATE INDEX orders_email_pattern_idx ON orders (email text_pattern_ops);
DROP INDEX orders_status_idx;
REINDEX INDEX orders_total_idx;
REINDEX TABLE orders;
