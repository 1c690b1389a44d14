--liquibase formatted sql
--changeset i:nine
CREATE TABLE nine (id int);
