/*
 * crc32.c: CRC-32 and the checksum Flyway records for SQL and script
 * migrations (flyway_schema_history.checksum).
 *
 * Flyway reads a script line by line (Java readLine: a line ends at \n,
 * \r or \r\n, terminators dropped), drops one BOM at the start and feeds
 * each line's UTF-8 bytes into one CRC-32.  Removing every CR and LF byte
 * is the same thing, so blank lines and LF/CRLF never change the value.
 */
#include "migraph/checksum.h"

static uint32_t table[256];
static int table_ready;

static void make_table(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		table[n] = c;
	}
	table_ready = 1;
}

uint32_t mg_crc32_update(uint32_t crc, const void *data, size_t len)
{
	if (!table_ready)
		make_table();
	const unsigned char *p = data;
	crc = ~crc;
	for (size_t i = 0; i < len; i++)
		crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
	return ~crc;
}

int32_t mg_flyway_checksum(const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text;
	if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		p += 3;
		len -= 3;
	}
	uint32_t crc = 0;
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || p[i] == '\n' || p[i] == '\r') {
			if (i > start)
				crc = mg_crc32_update(crc, p + start, i - start);
			start = i + 1;
		}
	}
	/* Java's int is two's complement; the conversion is explicit so that
	 * it does not depend on implementation-defined narrowing. */
	return crc <= 0x7FFFFFFFu ? (int32_t)crc : -(int32_t)(0xFFFFFFFFu - crc) - 1;
}

int32_t mg_flyway_checksum_combine(const int32_t *sums, size_t n)
{
	uint32_t crc = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t v = (uint32_t)sums[i];
		unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
		                      (unsigned char)(v >> 8), (unsigned char)v};
		crc = mg_crc32_update(crc, b, 4);
	}
	return crc <= 0x7FFFFFFFu ? (int32_t)crc : -(int32_t)(0xFFFFFFFFu - crc) - 1;
}
