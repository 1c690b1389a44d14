CREATE TABLE "esc[2Jname
forged: critical" (id int);
