UPDATE items SET label = 'none' WHERE label IS NULL;
UPDATE items SET price = price * 2, stock = 0 WHERE stock < 5;
UPDATE items SET counter = counter + 1;
DELETE FROM items WHERE id > 9000;
DELETE FROM items_log WHERE k = 7;
UPDATE tbl SET b = -b WHERE a = 3;
