-- The old name stays callable: a wrapper over the renamed function.
ALTER FUNCTION order_total(bigint) RENAME TO order_sum;
CREATE FUNCTION order_total(order_id bigint) RETURNS bigint LANGUAGE sql STABLE
    AS $$ SELECT order_sum(order_id) $$;
