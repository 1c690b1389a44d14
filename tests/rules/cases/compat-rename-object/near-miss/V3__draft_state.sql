-- Created and renamed in the same release: no running version knows it.
CREATE TYPE draft_state AS ENUM ('new');
ALTER TYPE draft_state RENAME TO draft_status;
