ALTER TABLE users RENAME COLUMN phone TO phone_number;
ALTER TABLE users RENAME COLUMN nick TO handle;
ALTER TABLE users RENAME COLUMN team_id TO squad_id;
