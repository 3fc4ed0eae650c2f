/* dialect.c: see dialect.h */
#include "db_backend.h"
#include "dialect.h"

/* SQLite's strftime knows no ISO weeks (before 3.46): the week is that of
 * its Thursday, numbered from that Thursday's day of the year. */
#define SQLITE_WEEK(t) \
	"(strftime('%%Y', date(" t ", '-3 days', 'weekday 4')) || '-W' ||" \
	" printf('%%02d', (CAST(strftime('%%j', date(" t ", '-3 days', 'weekday 4'))" \
	" AS INTEGER) - 1) / 7 + 1))"
#define SQLITE_QUARTER(t) \
	"(strftime('%%Y', " t ") || '-Q' || ((CAST(strftime('%%m', " t ")" \
	" AS INTEGER) + 2) / 3))"

const struct crm_dialect crm_dialect_sqlite = {
	.name = "sqlite",
	.greatest = "max(%1$s)",
	.least = "min(%1$s)",
	.epoch = "unixepoch(%1$s)",
	.days = "CAST(julianday(%1$s) - julianday(%2$s) AS INTEGER)",
	.strpos = "instr(%1$s, %2$s)",
	.json_text = "json_extract(%1$s, %2$s)",
	.json_key = "$.\"%s\"",
	.json_object = "json_object(%1$s)",
	.json_embed = "json(%1$s)",
	.period = {
		[CRM_PERIOD_MONTH] = {"strftime('%%Y-%%m', %1$s, 'localtime')",
				      "strftime('%%Y-%%m', %1$s)"},
		[CRM_PERIOD_QUARTER] = {SQLITE_QUARTER("%1$s, 'localtime'"), SQLITE_QUARTER("%1$s")},
		[CRM_PERIOD_WEEK] = {SQLITE_WEEK("%1$s, 'localtime'"), SQLITE_WEEK("%1$s")},
	},
	.not_indexed = " NOT INDEXED",
	.no_index = "+%1$s",
	.without_rowid = " WITHOUT ROWID",
	.no_flatten = " LIMIT -1",
	.fts5 = 1,
	.like_nocase = "LIKE",
};

/* Checked against PostgreSQL 15 (psql); db_pg.c uses them. */
const struct crm_dialect crm_dialect_postgresql = {
	.name = "postgresql",
	.greatest = "greatest(%1$s)",
	.least = "least(%1$s)",
	.epoch = "floor(extract(epoch FROM (%1$s)::timestamptz))::bigint",
	.days = "((%1$s)::date - (%2$s)::date)",
	.strpos = "strpos(%1$s, %2$s)",
	.json_text = "((%1$s)::jsonb ->> %2$s)",
	.json_key = "%s",
	.json_object = "json_build_object(%1$s)::text",
	.json_embed = "(%1$s)::json",
	.period = {
		[CRM_PERIOD_MONTH] = {"to_char((%1$s)::timestamptz, 'YYYY-MM')",
				      "to_char((%1$s)::date, 'YYYY-MM')"},
		[CRM_PERIOD_QUARTER] = {"to_char((%1$s)::timestamptz, 'YYYY-\"Q\"Q')",
					"to_char((%1$s)::date, 'YYYY-\"Q\"Q')"},
		[CRM_PERIOD_WEEK] = {"to_char((%1$s)::timestamptz, 'IYYY-\"W\"IW')",
				     "to_char((%1$s)::date, 'IYYY-\"W\"IW')"},
	},
	/* no planner hints: the planner's choice stands */
	.not_indexed = "",
	.no_index = "%1$s",
	.without_rowid = "",
	.no_flatten = " OFFSET 0",
	.fts5 = 0,
	.like_nocase = "ILIKE",
	.row_security = 1,
};

/* The backend that opened db knows its dialect. */
const struct crm_dialect *crm_dialect(struct crm_db *db)
{
	return db->be->dialect;
}
