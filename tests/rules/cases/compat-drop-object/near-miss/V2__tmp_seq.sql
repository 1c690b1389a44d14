-- Created and dropped in the same release: no running version knows it.
CREATE SEQUENCE tmp_seq;
DROP SEQUENCE tmp_seq;
