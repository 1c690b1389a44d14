ALTER TABLE realm_application RENAME COLUMN application_id TO application_id_tmp;
ALTER TABLE realm_application RENAME COLUMN realm_id TO application_id;
ALTER TABLE realm_application RENAME COLUMN application_id_tmp TO realm_id;
ALTER TABLE realm_application ADD CONSTRAINT fk_app FOREIGN KEY (application_id) REFERENCES client (id);
ALTER TABLE realm_application ADD CONSTRAINT fk_realm FOREIGN KEY (realm_id) REFERENCES realm (id);
