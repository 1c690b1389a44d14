-- The role the demo's grants name (cluster-wide, so created once).
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'shop_app') THEN
        CREATE ROLE shop_app;
    END IF;
END $$;
