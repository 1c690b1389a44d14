--liquibase formatted sql
--changeset i:ten
CREATE TABLE ten (id int);
