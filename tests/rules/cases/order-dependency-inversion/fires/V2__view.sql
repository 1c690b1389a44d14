-- Reads tags, which only V3 creates: on a fresh database this fails.
CREATE VIEW tag_names AS SELECT name FROM tags;
