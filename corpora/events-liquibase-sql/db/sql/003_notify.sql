--liquibase formatted sql

--changeset priya:003-notify-function runOnChange:true endDelimiter:/ splitStatements:true
--comment: wakes LISTENing consumers; re-run whenever the function changes
CREATE OR REPLACE FUNCTION events_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('events_' || NEW.stream, NEW.id::text);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
/
DROP TRIGGER IF EXISTS events_notify ON events
/
CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION events_notify()
/
--rollback DROP TRIGGER IF EXISTS events_notify ON events;
--rollback DROP FUNCTION IF EXISTS events_notify();
