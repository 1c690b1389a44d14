--liquibase formatted sql
--changeset i:c1
CREATE TABLE c (id int);
