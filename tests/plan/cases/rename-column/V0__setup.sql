CREATE TABLE teams (id bigint PRIMARY KEY);
INSERT INTO teams SELECT g FROM generate_series(1, 100) g;
CREATE TABLE users (
    id       bigint PRIMARY KEY,
    phone    text NOT NULL DEFAULT 'none' CHECK (length(phone) < 40),
    nick     varchar(40) UNIQUE,
    team_id  bigint REFERENCES teams (id),
    shown    text
);
INSERT INTO users SELECT g, '+1-555-' || g, 'n' || g, g % 100 + 1, CASE WHEN g % 2 = 0 THEN 'x' END
FROM generate_series(1, 10000) g;
CREATE INDEX users_phone_idx ON users (phone);
CREATE INDEX users_lower_phone_idx ON users (lower(phone)) WHERE phone <> 'none';
CREATE VIEW shown_users AS SELECT id, shown FROM users;
