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

/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the zlib crc32:
 * start with crc = 0 and feed the data in pieces. */
uint32_t mg_crc32_update(uint32_t crc, const void *data, size_t len);

/* Flyway's checksum of a SQL or script migration (ChecksumCalculator):
 * the CRC-32 of the UTF-8 text read line by line with the terminators
 * removed, one leading BOM dropped, stored as a signed 32-bit int.
 * text must already be UTF-8 (transcode other encodings first). */
int32_t mg_flyway_checksum(const char *text, size_t len);

/* Flyway's checksum over several resources: the CRC-32 of each value as
 * four big-endian bytes, in order. */
int32_t mg_flyway_checksum_combine(const int32_t *sums, size_t n);

#endif
