/*
 * liquibase_checksum.c: Liquibase's version 9 changeset checksum, where
 * migraph can reproduce it exactly.
 *
 * A changeset's checksum is "9:" + MD5 over the concatenation of each
 * change's checksum followed by ':' (changes filtered out by their own
 * dbms attribute are left out).  For sql, sqlFile and formatted-SQL
 * changesets a change's checksum is "9:" + MD5 of the SQL with every
 * space, tab, CR and LF removed.  Other change types (createProcedure
 * too, which mixes one in) serialise Liquibase's Java object model;
 * migraph does not reproduce that, so such changesets get no checksum
 * (never a wrong one).
 */
#include <string.h>

#include "load/liquibase_int.h"
#include "migraph/checksum.h"

void lb_sql_checksum(const char *text, size_t len, char hex[33])
{
	mg_md5 ctx;
	mg_md5_init(&ctx);
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || text[i] == ' ' || text[i] == '\t' || text[i] == '\r' ||
		    text[i] == '\n') {
			if (i > start)
				mg_md5_update(&ctx, text + start, i - start);
			start = i + 1;
		}
	}
	unsigned char d[16];
	mg_md5_final(&ctx, d);
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		hex[i * 2] = digits[d[i] >> 4];
		hex[i * 2 + 1] = digits[d[i] & 15];
	}
	hex[32] = '\0';
}
