UPDATE orders SET note = 'n/a' WHERE note IS NULL;
