UPDATE orders SET note_upper = upper(note) WHERE note IS NOT NULL;
