CREATE TABLE users (id bigint PRIMARY KEY, name varchar(200), email varchar(320), phone text);
