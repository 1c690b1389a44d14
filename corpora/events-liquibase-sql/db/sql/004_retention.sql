--liquibase formatted sql

--changeset omar:004-purge-old-events context:"prod or staging" labels:retention
--comment: keep ${retention_days} days of events online
DELETE FROM events WHERE occurred_at < now() - interval '${retention_days} days';
--rollback empty

--changeset omar:004-source-required
ALTER TABLE events ALTER COLUMN source SET NOT NULL;
--rollback ALTER TABLE events ALTER COLUMN source DROP NOT NULL;

--changeset omar:004-stream-varchar
ALTER TABLE events ALTER COLUMN stream TYPE varchar(200);
--rollback ALTER TABLE events ALTER COLUMN stream TYPE text;

--changeset omar:004-drop-payload-v1 labels:cleanup,payload-v1
ALTER TABLE events RENAME COLUMN payload TO body;
ALTER TABLE subscriptions DROP COLUMN last_seen;
