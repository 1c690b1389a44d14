ALTER TABLE realm_application RENAME TO realm_client;
