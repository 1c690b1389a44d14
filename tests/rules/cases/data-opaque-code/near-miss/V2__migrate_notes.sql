DO $$
BEGIN
  RAISE NOTICE 'orders: %', (SELECT count(*) FROM orders);
END
$$;
