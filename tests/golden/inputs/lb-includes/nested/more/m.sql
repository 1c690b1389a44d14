--liquibase formatted sql
--changeset i:m1
CREATE TABLE m (id int);
