/*
 * flyway_internal.h: what the Flyway loader's modules share.
 *
 * flyway.c walks the locations and builds the pool; flyway_name.c parses
 * file names as ResourceNameParser does; flyway_conf.c and flyway_toml.c
 * read configuration into one fw_config; flyway_placeholder.c replaces
 * ${...} keeping anchors; flyway_java.c reads Java/Kotlin migrations.
 */
#ifndef MIGRAPH_LOAD_FLYWAY_INTERNAL_H
#define MIGRAPH_LOAD_FLYWAY_INTERNAL_H

#include "migraph/load.h"

/* Ant-style match of a path against a location's wildcard part: "**" is
 * any run of characters (a '/' after it included), "*" any run without
 * '/', "?" one character but '/'.  Time |pattern| x |path|. */
bool fw_glob(const char *pattern, const char *path);

/* ---- Configuration ---------------------------------------------------- */

/* A location as configured, before it is resolved against the disk. */
typedef struct fw_location {
	const char *spec;      /* "filesystem:db/x", "classpath:db/migration", "db/x" */
	const char *conf_dir;  /* directory of the config file that named it, or NULL */
	mg_loc loc;            /* where it was configured (file:line), or nowhere */
} fw_location;

typedef struct fw_config {
	mg_arena *arena;
	/* naming */
	const char *prefix_v, *prefix_r, *prefix_u, *prefix_b, *separator;
	const char **suffixes;
	size_t n_suffixes;
	/* locations from config files (directories on the command line are
	 * added by flyway.c) */
	fw_location *locations;
	size_t n_locations;
	bool locations_set;
	/* placeholders: lower-cased name -> value (char *) */
	mg_map placeholders;
	bool placeholder_replacement;
	const char *ph_prefix, *ph_suffix, *ph_separator;
	/* execution */
	bool execute_in_transaction;
	bool mixed;
	const char *encoding;
	/* release */
	bool out_of_order;
	const char *target;
	const char *baseline_version;
	const char *default_schema;
	const char *first_schema;   /* first of schemas, the default for defaultSchema */
	const char *table;
	const char *environment;
	bool validate_naming;       /* validateMigrationNaming: bad names fail */
} fw_config;

void fw_config_init(fw_config *cfg, mg_arena *arena);

/* Applies one setting.  key is the Flyway setting name without "flyway."
 * ("locations", "placeholders.tenant", "sqlMigrationSuffixes"); list
 * settings take comma-separated values.  Unknown keys are ignored, as
 * Flyway ignores settings it does not know in config files.  conf_dir is
 * where relative locations are retried (NULL for -D). */
void fw_config_set(mg_project *project, fw_config *cfg, const char *key,
                   const char *value, mg_loc loc, const char *conf_dir);

/* A key/value read from a config file, before it is applied. */
typedef struct fw_kv {
	const char *key;       /* full key: "flyway.locations", "environments.dev.flyway.target" */
	const char *value;     /* arrays are joined with ',' */
	mg_loc loc;
} fw_kv;

typedef struct fw_kv_list {
	fw_kv *items;
	size_t count;
	size_t cap;
} fw_kv_list;

void fw_kv_push(mg_arena *arena, fw_kv_list *list, const char *key, const char *value,
                mg_loc loc);

/* Java properties syntax (flyway.conf and per-script .conf files):
 * '#'/'!' comments, key=value, key:value or key value, trailing '\'
 * continues a line, \uXXXX and the usual escapes.  Lines without a key
 * are diagnostics with file:line.  Returns 0, or -1 when unreadable. */
int fw_properties_parse(mg_project *project, const char *file, const char *data,
                        size_t len, fw_kv_list *out);

/* The TOML subset flyway.toml uses: tables, dotted and quoted keys,
 * strings (basic, literal, multi-line), integers, floats, booleans,
 * dates as text, arrays and inline tables.  Every value becomes an fw_kv
 * with its full dotted key.  Syntax errors are diagnostics with
 * file:line:col; the reader skips to the next line and goes on. */
int fw_toml_parse(mg_project *project, const char *file, const char *data, size_t len,
                  fw_kv_list *out);

/* ---- File names ------------------------------------------------------- */

typedef enum fw_name_status {
	FW_NAME_MIGRATION = 0,
	FW_NAME_CALLBACK,
	FW_NAME_INVALID,      /* matched a suffix, but not the grammar */
	FW_NAME_NO_SUFFIX     /* none of the suffixes */
} fw_name_status;

typedef struct fw_name {
	fw_name_status status;
	mg_changeset_kind kind;   /* versioned, repeatable, undo or baseline */
	mg_version version;
	const char *description;  /* '_' turned into ' ' */
	const char *event;        /* callback event name */
	const char *reason;       /* why it is invalid */
	size_t suffix_len;
} fw_name;

/* The Flyway callback event names (Event.java), NULL-terminated. */
extern const char *const fw_callback_events[];

/* Parses a file name (no directory) as ResourceNameParser does, with the
 * configured prefixes and separator and the given suffixes. */
void fw_name_parse(mg_arena *arena, const fw_config *cfg, const char *name,
                   const char *const *suffixes, size_t n_suffixes, fw_name *out);

/* Java class names: V/R hard-wired, separator "__", no suffix
 * (BaseJavaMigration).  Returns 0 and fills out, or -1 with out->reason. */
int fw_name_parse_java(mg_arena *arena, const char *class_name, fw_name *out);

/* ---- Placeholders ----------------------------------------------------- */

typedef struct fw_ph_context {
	const fw_config *cfg;
	const char *filename;         /* ${flyway:filename} */
	const char *working_dir;      /* ${flyway:workingDirectory} */
	const char *timestamp;        /* ${flyway:timestamp} */
} fw_ph_context;

/* Replaces placeholders in text (which is the content of file, starting
 * at line 1 column 1 unless base says otherwise).  The result carries
 * anchors so offsets after each replacement map back to the file's own
 * line and column.  Unresolved placeholders stay as written and get a
 * diagnostic at their line:col. */
void fw_placeholders_replace(mg_project *project, const fw_ph_context *ctx,
                             const mg_text *in, mg_text *out);

/* ---- Java migrations -------------------------------------------------- */

/* Adds a Java/Kotlin source or compiled class found under a location as a
 * changeset, or records it as skipped.  data is the file's content.
 * Returns true when it became a changeset. */
bool fw_java_add(mg_project *project, const char *file, const char *script,
                 const char *data, size_t len);

/* ---- The pool --------------------------------------------------------- */

/* One file found under a location (or named on the command line). */
typedef struct fw_file {
	const char *path;      /* what to open */
	const char *display;   /* the location as given joined with script */
	const char *script;    /* path relative to its location, as Flyway records it */
	bool explicit_file;    /* named on the command line itself */
} fw_file;

typedef struct fw_ctx {
	mg_project *project;
	const mg_load_options *opts;
	fw_config cfg;
	fw_file *files;
	size_t n_files, files_cap;
	size_t n_seen;         /* files met while walking, for --max-files */
	bool limit_hit;
	const char *too_long;        /* a location tried that the system cannot open */
	mg_map seen;           /* "dev:ino" of files already in the pool */
	mg_map callbacks;      /* callback name without suffix -> first file */
	const char *cwd;       /* ${flyway:workingDirectory} */
	const char *timestamp; /* ${flyway:timestamp} */
} fw_ctx;

/* flyway_walk.c: resolves a location (filesystem:, classpath:, plain,
 * wildcards) and adds every file under it to ctx->files, sorted, hidden
 * entries skipped, symlink loops and --max-files diagnosed. */
void fw_collect_location(fw_ctx *ctx, const fw_location *loc, bool from_command_line);
/* Adds one file named on the command line. */
void fw_collect_file(fw_ctx *ctx, const char *path);

/* flyway_script.c: classifies one pooled file by name and loads it (SQL,
 * script or Java migration), or records it as skipped. */
void fw_load_file(fw_ctx *ctx, const fw_file *f);

/* Script migration suffixes (ScriptMigrationResolver), NULL-terminated. */
extern const char *const fw_script_suffixes[];

/* ---- Shared helpers --------------------------------------------------- */

/* Java String.compareTo order (UTF-16 code units) for UTF-8 strings. */
int fw_compare_utf16(const char *a, const char *b);

#endif
