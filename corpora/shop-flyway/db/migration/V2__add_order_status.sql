-- Orders get a status. The default is a constant, so PostgreSQL 11+ does not
-- rewrite the table; the tracking token uses a volatile default and does.
ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'placed';
ALTER TABLE orders ADD COLUMN tracking_token uuid DEFAULT gen_random_uuid();
