/*
 * replay_main.c: runs a fuzz target without libFuzzer, one file per
 * argument, so tests/fuzz/regressions.sh can replay saved inputs through
 * the ordinary ASan+UBSan build in make check.  Prints one line per file;
 * a crash is the sanitizer's report and a non-zero exit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap *= 2);
			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	fclose(f);
	if (!buf) {
		fprintf(stderr, "%s: out of memory\n", path);
		return -1;
	}
	/* An exactly sized copy, as libFuzzer hands it over, so a read one
	 * past the end is caught. */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact)
		abort();
	for (size_t i = 0; i < len; i++)
		exact[i] = buf[i];
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

int main(int argc, char **argv)
{
	int bad = 0;
	for (int i = 1; i < argc; i++) {
		if (replay(argv[i]) != 0)
			bad = 1;
		else
			printf("replayed %s\n", argv[i]);
	}
	return bad;
}
