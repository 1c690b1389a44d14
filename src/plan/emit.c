/*
 * emit.c: the plan written as migrations of the project's own format.
 * For now it writes nothing; the emitter fills it in.
 */
#include "plan/plan_int.h"

mg_emit *mg_plan_emit(const mg_plan *plan)
{
	mg_emit *e = mg_arena_alloc(&plan->analysis->project->arena, sizeof *e);
	return e;
}
