-- Dropped and made again under its name in one transaction (to change its
-- result type): the running version's calls keep working.
DROP FUNCTION order_total(bigint);
CREATE FUNCTION order_total(order_id bigint) RETURNS numeric LANGUAGE sql STABLE
    AS $$ SELECT total::numeric FROM orders WHERE id = order_id $$;
