--liquibase formatted sql

--changeset omar:002-events-occurred-idx runInTransaction:false
--comment: events is written all day: build the index without blocking writers
CREATE INDEX CONCURRENTLY events_occurred_idx ON events (occurred_at);
--rollback DROP INDEX CONCURRENTLY events_occurred_idx;

--changeset omar:002-subscriptions labels:consumers
--precondition-sql-check expectedResult:0 SELECT count(*) FROM information_schema.tables WHERE table_name = 'subscriptions'
CREATE TABLE subscriptions (
    consumer    text   NOT NULL,
    stream      text   NOT NULL,
    last_seen   bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (consumer, stream)
);
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_last_seen_fk
    FOREIGN KEY (last_seen) REFERENCES events (id) NOT VALID;
--rollback DROP TABLE subscriptions;

--changeset omar:002-mysql-row-format dbms:mysql,mariadb
ALTER TABLE events ROW_FORMAT=COMPRESSED;
