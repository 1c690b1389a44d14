/*
 * file.c: reading whole files, with an explicit size limit so that one
 * enormous input becomes a diagnostic rather than an exhausted machine.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "migraph/core.h"

int mg_file_read(const char *path, size_t max_size, mg_file_data *out)
{
	out->data = NULL;
	out->len = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || S_ISDIR(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			errno = EISDIR;
		fclose(f);
		return -1;
	}
	if (max_size && (size_t)st.st_size > max_size) {
		fclose(f);
		return -2;
	}
	/* st_size is a hint only (pipes, /proc); read until EOF. */
	size_t cap = (size_t)st.st_size + 1, len = 0;
	char *data = mg_xmalloc(cap);
	for (;;) {
		if (len + 1 >= cap) {
			cap *= 2;
			data = mg_xrealloc(data, cap);
		}
		size_t n = fread(data + len, 1, cap - len - 1, f);
		len += n;
		if (max_size && len > max_size) {
			free(data);
			fclose(f);
			return -2;
		}
		if (n == 0)
			break;
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		free(data);
		errno = EIO;
		return -1;
	}
	data[len] = '\0';
	out->data = data;
	out->len = len;
	return 0;
}

void mg_file_data_free(mg_file_data *data)
{
	free(data->data);
	data->data = NULL;
	data->len = 0;
}
