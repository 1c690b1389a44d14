UPDATE users SET phone_number = '+1-555-0' WHERE id = 1;
INSERT INTO users (id, phone_number, handle) VALUES (20000, '+1-555-20000', 'late');
