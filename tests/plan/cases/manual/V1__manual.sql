DO $$ BEGIN UPDATE jobs SET state = 'queued' WHERE id < 10; END $$;
VACUUM FULL jobs;
CLUSTER jobs USING jobs_state_idx;
ALTER TYPE mood ADD VALUE 'happy';
