UPDATE orders SET note = 'n/a' WHERE id = 42;
