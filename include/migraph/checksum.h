/*
 * checksum.h: the checksums the migration tools record, computed the way
 * they compute them, so migraph can compare them with a history table.
 */
#ifndef MIGRAPH_CHECKSUM_H
#define MIGRAPH_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* MD5 (RFC 1321), incremental.  Liquibase MD5SUM values are built on it. */
typedef struct mg_md5 {
	uint32_t state[4];
	uint64_t bytes;
	unsigned char block[64];
	size_t used;
} mg_md5;

void mg_md5_init(mg_md5 *ctx);
void mg_md5_update(mg_md5 *ctx, const void *data, size_t len);
void mg_md5_final(mg_md5 *ctx, unsigned char digest[16]);
/* One-shot: writes 32 lower-case hex digits and a NUL into hex. */
void mg_md5_hex(const void *data, size_t len, char hex[33]);

#endif
