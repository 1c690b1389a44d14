-- Created and renamed in the same release: no running version knows either name.
CREATE SEQUENCE draft_seq;
ALTER SEQUENCE draft_seq RENAME TO draft_id_seq;
