/*
 * yaml_guard.h: a check to run before libyaml builds a document.
 *
 * libyaml's scanner costs the current depth per token, so a hostile file
 * of a million '[' would keep yaml_parser_load busy for hours; the
 * readers of small YAML and JSON files (traffic profile, .migraph.yaml,
 * baseline) read the events first and refuse a file nested too deep.
 */
#ifndef MIGRAPH_YAML_GUARD_H
#define MIGRAPH_YAML_GUARD_H

#include <stddef.h>
#include <stdint.h>

/* The 1-based line where nesting first passes max_depth, or 0 when it
 * never does (a syntax error is left to yaml_parser_load to report). */
uint32_t mg_yaml_too_deep(const char *data, size_t len, unsigned max_depth);

#endif
