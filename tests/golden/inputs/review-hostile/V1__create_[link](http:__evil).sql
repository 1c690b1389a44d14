CREATE TABLE "x|y<b>*_`z`" (id bigint PRIMARY KEY, "@here #1" text);
