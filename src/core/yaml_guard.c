/*
 * yaml_guard.c: see yaml_guard.h.
 */
#include <yaml.h>

#include "migraph/yaml_guard.h"

uint32_t mg_yaml_too_deep(const char *data, size_t len, unsigned max_depth)
{
	yaml_parser_t parser;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	unsigned depth = 0;
	uint32_t line = 0;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev))
			break;
		yaml_event_type_t type = ev.type;
		if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT) {
			if (++depth > max_depth)
				line = (uint32_t)ev.start_mark.line + 1;
		} else if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT) {
			depth--;
		}
		yaml_event_delete(&ev);
		if (line || type == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&parser);
	return line;
}
