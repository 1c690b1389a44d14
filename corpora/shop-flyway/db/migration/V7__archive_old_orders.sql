CREATE TABLE orders_archive (LIKE orders INCLUDING ALL);

DO $$
BEGIN
    INSERT INTO orders_archive
    SELECT * FROM orders WHERE placed_at < now() - interval '${retention_days} days';
END
$$;

DELETE FROM orders WHERE placed_at < now() - interval '${retention_days} days';
