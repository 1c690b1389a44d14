-- Written before the service used Liquibase; included as it is.
ALTER TABLE events ADD COLUMN source text;
UPDATE events SET source = split_part(stream, '.', 1) WHERE source IS NULL;
