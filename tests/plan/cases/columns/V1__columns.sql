ALTER TABLE accounts ADD COLUMN token uuid DEFAULT gen_random_uuid();
ALTER TABLE accounts ADD COLUMN created_at timestamptz NOT NULL DEFAULT clock_timestamp();
ALTER TABLE accounts ADD COLUMN seq bigserial;
ALTER TABLE accounts ADD COLUMN plan text DEFAULT 'basic' REFERENCES plans (code);
ALTER TABLE accounts ADD COLUMN score integer CHECK (score >= 0);
ALTER TABLE accounts ADD COLUMN handle text UNIQUE;
ALTER TABLE accounts ADD COLUMN status text NOT NULL DEFAULT 'active';
ALTER TABLE accounts ADD COLUMN note text;
