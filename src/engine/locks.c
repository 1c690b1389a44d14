/*
 * locks.c: PostgreSQL's table-level lock modes and their conflict table
 * (the "Conflicting Lock Modes" table of the manual, unchanged from 9.x to
 * 18), and what each mode means for live traffic.
 */
#include <string.h>

#include "migraph/engine.h"

static const char *const mode_names[] = {
	[MG_LOCK_NONE] = "",
	[MG_LOCK_ACCESS_SHARE] = "AccessShareLock",
	[MG_LOCK_ROW_SHARE] = "RowShareLock",
	[MG_LOCK_ROW_EXCLUSIVE] = "RowExclusiveLock",
	[MG_LOCK_SHARE_UPDATE_EXCLUSIVE] = "ShareUpdateExclusiveLock",
	[MG_LOCK_SHARE] = "ShareLock",
	[MG_LOCK_SHARE_ROW_EXCLUSIVE] = "ShareRowExclusiveLock",
	[MG_LOCK_EXCLUSIVE] = "ExclusiveLock",
	[MG_LOCK_ACCESS_EXCLUSIVE] = "AccessExclusiveLock",
};

const char *mg_lock_mode_name(mg_lock_mode mode)
{
	if ((unsigned)mode > MG_LOCK_ACCESS_EXCLUSIVE)
		return "";
	return mode_names[mode];
}

int mg_lock_mode_parse(const char *name, mg_lock_mode *out)
{
	for (int m = MG_LOCK_ACCESS_SHARE; m <= MG_LOCK_ACCESS_EXCLUSIVE; m++) {
		if (strcmp(name, mode_names[m]) == 0) {
			*out = (mg_lock_mode)m;
			return 0;
		}
	}
	return -1;
}

/* Bit i of conflicts[m] is set when mode m conflicts with mode i. */
#define B(m) (1u << (m))
static const unsigned conflicts[] = {
	[MG_LOCK_NONE] = 0,
	[MG_LOCK_ACCESS_SHARE] = B(MG_LOCK_ACCESS_EXCLUSIVE),
	[MG_LOCK_ROW_SHARE] = B(MG_LOCK_EXCLUSIVE) | B(MG_LOCK_ACCESS_EXCLUSIVE),
	[MG_LOCK_ROW_EXCLUSIVE] = B(MG_LOCK_SHARE) | B(MG_LOCK_SHARE_ROW_EXCLUSIVE) |
	                          B(MG_LOCK_EXCLUSIVE) | B(MG_LOCK_ACCESS_EXCLUSIVE),
	[MG_LOCK_SHARE_UPDATE_EXCLUSIVE] = B(MG_LOCK_SHARE_UPDATE_EXCLUSIVE) | B(MG_LOCK_SHARE) |
	                                   B(MG_LOCK_SHARE_ROW_EXCLUSIVE) | B(MG_LOCK_EXCLUSIVE) |
	                                   B(MG_LOCK_ACCESS_EXCLUSIVE),
	[MG_LOCK_SHARE] = B(MG_LOCK_ROW_EXCLUSIVE) | B(MG_LOCK_SHARE_UPDATE_EXCLUSIVE) |
	                  B(MG_LOCK_SHARE_ROW_EXCLUSIVE) | B(MG_LOCK_EXCLUSIVE) |
	                  B(MG_LOCK_ACCESS_EXCLUSIVE),
	[MG_LOCK_SHARE_ROW_EXCLUSIVE] = B(MG_LOCK_ROW_EXCLUSIVE) | B(MG_LOCK_SHARE_UPDATE_EXCLUSIVE) |
	                                B(MG_LOCK_SHARE) | B(MG_LOCK_SHARE_ROW_EXCLUSIVE) |
	                                B(MG_LOCK_EXCLUSIVE) | B(MG_LOCK_ACCESS_EXCLUSIVE),
	[MG_LOCK_EXCLUSIVE] = B(MG_LOCK_ROW_SHARE) | B(MG_LOCK_ROW_EXCLUSIVE) |
	                      B(MG_LOCK_SHARE_UPDATE_EXCLUSIVE) | B(MG_LOCK_SHARE) |
	                      B(MG_LOCK_SHARE_ROW_EXCLUSIVE) | B(MG_LOCK_EXCLUSIVE) |
	                      B(MG_LOCK_ACCESS_EXCLUSIVE),
	[MG_LOCK_ACCESS_EXCLUSIVE] = B(MG_LOCK_ACCESS_SHARE) | B(MG_LOCK_ROW_SHARE) |
	                             B(MG_LOCK_ROW_EXCLUSIVE) | B(MG_LOCK_SHARE_UPDATE_EXCLUSIVE) |
	                             B(MG_LOCK_SHARE) | B(MG_LOCK_SHARE_ROW_EXCLUSIVE) |
	                             B(MG_LOCK_EXCLUSIVE) | B(MG_LOCK_ACCESS_EXCLUSIVE),
};
#undef B

bool mg_lock_conflicts(mg_lock_mode requested, mg_lock_mode held)
{
	if ((unsigned)requested > MG_LOCK_ACCESS_EXCLUSIVE ||
	    (unsigned)held > MG_LOCK_ACCESS_EXCLUSIVE)
		return false;
	return (conflicts[requested] >> held) & 1u;
}

/* Plain SELECT takes AccessShareLock; INSERT/UPDATE/DELETE take
 * RowExclusiveLock.  A held lock blocks that traffic exactly when those
 * modes conflict with it. */
bool mg_lock_blocks_reads(mg_lock_mode mode)
{
	return mg_lock_conflicts(MG_LOCK_ACCESS_SHARE, mode);
}

bool mg_lock_blocks_writes(mg_lock_mode mode)
{
	return mg_lock_conflicts(MG_LOCK_ROW_EXCLUSIVE, mode);
}
