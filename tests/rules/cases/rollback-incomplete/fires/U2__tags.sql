-- Forgets the index V2 built.
DROP TABLE tags;
