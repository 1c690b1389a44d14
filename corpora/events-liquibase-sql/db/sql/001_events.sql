--liquibase formatted sql

--changeset priya:001-event-kind
--comment: what happened, as the producers name it
CREATE TYPE event_kind AS ENUM ('created', 'updated', 'deleted');
--rollback DROP TYPE event_kind;

--changeset priya:001-events
--comment: the append-only log every service writes to
CREATE TABLE events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream      text        NOT NULL,
    kind        event_kind  NOT NULL,
    payload     jsonb,
    occurred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_stream_idx ON events (stream, id);
--rollback DROP TABLE events;

--changeset priya:001-events-seed context:dev labels:seed
INSERT INTO events (stream, kind, payload) VALUES ('demo', 'created', '{"hello": "world"}');
--rollback DELETE FROM events WHERE stream = 'demo';
