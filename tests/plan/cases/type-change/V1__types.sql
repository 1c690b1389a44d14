ALTER TABLE events ALTER COLUMN id TYPE bigint;
ALTER TABLE events ALTER COLUMN code TYPE integer USING code::integer;
ALTER TABLE events ALTER COLUMN amount TYPE numeric(12,2);
ALTER TABLE events ALTER COLUMN note TYPE text;
ALTER TABLE events ALTER COLUMN label TYPE varchar(100);
ALTER TABLE events ALTER COLUMN flag TYPE boolean USING flag = 'y';
