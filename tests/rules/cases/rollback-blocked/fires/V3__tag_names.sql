-- Builds on tags and has no undo: undoing V2 then fails.
CREATE VIEW tag_names AS SELECT name FROM tags;
