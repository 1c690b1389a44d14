CREATE TABLE tag (id int);
ALTER TABLE tag RENAME TO tags;
