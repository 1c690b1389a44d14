-- IF EXISTS proves nothing, and nothing made it.
DROP FUNCTION IF EXISTS never_made(int);
