CREATE TABLE tags (id int, nm text);
ALTER TABLE tags RENAME COLUMN nm TO name;
