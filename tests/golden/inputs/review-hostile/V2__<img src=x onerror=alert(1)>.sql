-- owner: [31mred[0m
CREATE INDEX "```
DROP DATABASE prod;
```" ON "x|y<b>*_`z`" ("@here #1");
ALTER TABLE "x|y<b>*_`z`" ADD COLUMN "- item" int NOT NULL;
