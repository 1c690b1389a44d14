CREATE TABLE scratch (id int);
CREATE INDEX scratch_id ON scratch (id);
CLUSTER scratch USING scratch_id;
