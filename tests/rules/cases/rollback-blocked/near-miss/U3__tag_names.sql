DROP VIEW tag_names;
