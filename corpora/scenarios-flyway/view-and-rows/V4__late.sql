INSERT INTO accounts (id) VALUES (2);
