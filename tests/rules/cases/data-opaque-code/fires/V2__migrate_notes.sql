DO $$
BEGIN
  UPDATE orders SET note = 'migrated' WHERE note IS NULL;
END
$$;
