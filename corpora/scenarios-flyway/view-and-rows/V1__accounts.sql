CREATE TABLE accounts (id bigint PRIMARY KEY, status varchar(20));
INSERT INTO accounts (id, status) VALUES (1, 'open');
CREATE VIEW open_accounts AS SELECT id, status FROM accounts WHERE status = 'open';
CREATE TABLE payments (id bigint, account_id bigint REFERENCES accounts(id));
