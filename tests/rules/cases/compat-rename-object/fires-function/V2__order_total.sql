CREATE FUNCTION order_total(order_id bigint) RETURNS bigint LANGUAGE sql STABLE
    AS $$ SELECT total::bigint FROM orders WHERE id = order_id $$;
