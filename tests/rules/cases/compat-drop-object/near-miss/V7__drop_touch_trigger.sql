-- A trigger function: only the trigger ran it, never the application.
DROP TRIGGER orders_touch ON orders;
DROP FUNCTION orders_touch();
