CREATE TABLE events (
    id       serial PRIMARY KEY,
    code     text NOT NULL,
    amount   integer DEFAULT 0 CHECK (amount >= 0),
    note     varchar(200),
    label    varchar(50),
    flag     text
);
INSERT INTO events (code, amount, note, label, flag)
SELECT (g % 500)::text, g, 'note ' || g, 'l' || g, CASE WHEN g % 2 = 0 THEN 'y' ELSE 'n' END FROM generate_series(1, 10000) g;
CREATE INDEX events_code_idx ON events (code);
CREATE INDEX events_amount_idx ON events (amount) WHERE amount > 10;
