/*
 * raw_yaml.c: the floor for YAML and JSON changelogs, libyaml alone.
 * Pulls every event of each file named on the command line (the event
 * API migraph's reader uses) and discards it.
 */
#include <stdio.h>
#include <yaml.h>

int main(int argc, char **argv)
{
	size_t errors = 0;
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f)
			continue;
		yaml_parser_t p;
		yaml_parser_initialize(&p);
		yaml_parser_set_input_file(&p, f);
		for (;;) {
			yaml_event_t ev;
			if (!yaml_parser_parse(&p, &ev)) {
				errors++;
				break;
			}
			int done = ev.type == YAML_STREAM_END_EVENT;
			yaml_event_delete(&ev);
			if (done)
				break;
		}
		yaml_parser_delete(&p);
		fclose(f);
	}
	fprintf(stderr, "raw_yaml: %d files, %zu with a parse error\n", argc - 1, errors);
	return 0;
}
