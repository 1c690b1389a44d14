-- run by <sqlFile>
CREATE INDEX audit_id_idx ON audit (id);
INSERT INTO audit (id, msg) VALUES (1, 'created');
