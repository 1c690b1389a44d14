-- A domain under the old name casts, but 'ok'::mood no longer compares with
-- the columns of the renamed type: the running version still breaks.
ALTER TYPE mood RENAME TO feeling;
CREATE DOMAIN mood AS feeling;
