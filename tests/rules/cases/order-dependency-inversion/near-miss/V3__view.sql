CREATE VIEW tag_names AS SELECT name FROM tags;
