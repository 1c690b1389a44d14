ALTER TABLE users ADD COLUMN full_name text;
UPDATE users SET full_name = name WHERE full_name IS NULL;
ALTER TABLE users DROP COLUMN name;
