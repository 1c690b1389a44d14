/*
 * profile.h: the traffic profile (formats/profile.md, profile.schema.json).
 *
 * What production looks like: the engine version, the SLOs, how the app
 * is deployed, and per table its size and traffic.  The risk model turns
 * the engine's locks into blocked requests with it.  A table the profile
 * does not name falls back to the default entry and is reported as "size
 * unknown": never treated as empty.
 */
#ifndef MIGRAPH_PROFILE_H
#define MIGRAPH_PROFILE_H

#include "migraph/model.h"

/* How the new app version reaches production: decides which schema
 * changes break the version still running. */
typedef enum mg_deploy {
	MG_DEPLOY_ROLLING = 0,         /* the default: old and new run side by side */
	MG_DEPLOY_SINGLE,              /* stop, migrate, start */
	MG_DEPLOY_BLUE_GREEN,
	MG_DEPLOY_CANARY
} mg_deploy;

/* "rolling", "single", "blue-green", "canary". */
const char *mg_deploy_name(mg_deploy d);
/* Parses a deploy name (case-insensitive); returns 0 or -1. */
int mg_deploy_parse(const char *text, mg_deploy *out);

/* A value that may be unknown: the contract writes unknown as null. */
typedef struct mg_opt_u64 {
	bool known;
	uint64_t value;
} mg_opt_u64;

typedef struct mg_opt_f64 {
	bool known;
	double value;
} mg_opt_f64;

typedef struct mg_profile_table {
	const char *schema;
	const char *name;
	mg_opt_u64 rows;
	mg_opt_u64 bytes;
	mg_opt_f64 read_qps;
	mg_opt_f64 write_qps;
	bool hot;
	mg_loc loc;
} mg_profile_table;

typedef struct mg_window {
	unsigned days;                 /* bit 0 = Monday ... bit 6 = Sunday */
	int start_min;                 /* minutes after midnight */
	int end_min;
	const char *tz;
} mg_window;

typedef struct mg_profile {
	const char *file;
	bool has_engine;
	mg_engine_target engine;
	const char *timezone;          /* the migrations' session TimeZone (default UTC) */
	mg_opt_f64 max_lock_ms;        /* slo.max_lock_ms */
	mg_opt_f64 max_replication_lag_s;
	bool has_deploy;
	mg_deploy deploy;
	mg_window *windows;
	size_t n_windows;
	mg_opt_f64 longest_transaction_ms;
	mg_opt_f64 replica_apply_mb_s;
	/* Cost model throughput, bytes per second. */
	double scan_bytes_s;
	double rewrite_bytes_s;
	double index_build_bytes_s;
	mg_profile_table default_table;
	mg_profile_table *tables;
	size_t n_tables;
} mg_profile;

/* Defaults for the cost model when the profile gives none (documented in
 * formats/profile.md). */
#define MG_PROFILE_DEFAULT_SCAN_MB_S 300.0
#define MG_PROFILE_DEFAULT_REWRITE_MB_S 80.0
#define MG_PROFILE_DEFAULT_INDEX_BUILD_MB_S 60.0

/* Reads and validates a profile.  Problems are diagnostics naming the
 * file, line and key ("profile-invalid", "profile-unknown-key").  Returns
 * NULL when the file cannot be used at all.  max_file: --max-file-size
 * (0: none), which holds besides the profile's own 4 MiB. */
mg_profile *mg_profile_load(mg_arena *arena, const char *path, size_t max_file,
                            mg_diag_list *diags);

/* The profile entry for a table, or NULL when the profile does not name
 * it (the caller then uses default_table and says "size unknown"). */
const mg_profile_table *mg_profile_find(const mg_profile *profile, const char *schema,
                                        const char *name);

#endif
