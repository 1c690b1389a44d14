CREATE TABLE accounts (id bigint PRIMARY KEY, login varchar(40));
