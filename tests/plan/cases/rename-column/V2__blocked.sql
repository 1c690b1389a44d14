ALTER TABLE users RENAME COLUMN shown TO visible;
