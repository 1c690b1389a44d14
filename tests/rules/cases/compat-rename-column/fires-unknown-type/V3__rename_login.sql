ALTER TABLE legacy_accounts RENAME COLUMN login TO username;
