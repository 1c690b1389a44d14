/*
 * lb_readers.h: the Liquibase changelog readers.
 *
 * Each reader turns one changelog file into the generic tree of
 * lb_node.h (rooted at the databaseChangeLog node), pushing diagnostics
 * for what it cannot read.  The interpreter (liquibase.c) walks the tree;
 * the readers know syntax only, not Liquibase semantics.
 */
#ifndef MIGRAPH_LB_READERS_H
#define MIGRAPH_LB_READERS_H

#include "load/lb_node.h"
#include "migraph/load.h"

/* XML (libxml2; liquibase_xml.c).  path is the file as opened, used in
 * node locations.  Returns the root node, or NULL after a diagnostic
 * when the file cannot be parsed at all. */
lb_node *lb_read_xml(mg_project *project, const char *path,
                           const mg_file_data *data,
                           const mg_load_options *opts);

/* YAML and JSON (libyaml reads both; liquibase_yaml.c). */
lb_node *lb_read_yaml(mg_project *project, const char *path,
                            const mg_file_data *data,
                            const mg_load_options *opts);

#endif
