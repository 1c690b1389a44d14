-- The running version still casts to mood ('ok'::mood).
ALTER TYPE mood RENAME TO feeling;
