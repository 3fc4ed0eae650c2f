/* score.c: see score.h */
#include <fnmatch.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "db.h"
#include "err.h"
#include "json.h"
#include "score.h"

/* The built-in fields a rule may name, in the order lead_sql reads them. */
static const char *const fields[] = {
	"name", "company", "title", "phone", "email", "region", "city", "industry",
	"source", "campaign", "tags", "heat", "status", "owner", "notes", "score",
};
#define NFIELDS (sizeof fields / sizeof fields[0])
enum { COL_SCORE = NFIELDS - 1, COL_MANUAL, COL_CUSTOM };

static const char lead_sql[] =
	"SELECT l.name, l.company, l.title, l.phone, l.email, l.region, l.city, l.industry,"
	" l.source, l.campaign, l.tags, l.heat, l.status, u.login, l.notes, l.score,"
	" l.heat_manual, l.custom"
	" FROM leads l LEFT JOIN users u ON u.id = l.owner_id WHERE l.id = ?1";

/* fnmatch(3) with UTF-8 characters: "上?" must match "上海" whatever locale
 * the program runs in (tools never call setlocale). */
static bool glob_match(const char *pattern, const char *value)
{
	static locale_t utf8;
	static bool tried;
	if (!tried) {
		tried = true;
		utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	}
	locale_t old = utf8 ? uselocale(utf8) : (locale_t)0;
	bool hit = fnmatch(pattern, value, 0) == 0;
	if (utf8)
		uselocale(old);
	return hit;
}

bool crm_score_value_matches(const char *field, const char *value, const char *pattern)
{
	if (!value || !*value || !pattern)
		return false;
	bool glob = strpbrk(pattern, "*?[") != NULL;
	if (strcmp(field, "tags") != 0)
		return glob ? glob_match(pattern, value) : strcmp(value, pattern) == 0;
	/* tags are stored canonical: "a,b,c" without spaces or repeats */
	char *copy = crm_xstrdup(value), *save = NULL;
	bool hit = false;
	for (char *t = strtok_r(copy, ",", &save); t && !hit; t = strtok_r(NULL, ",", &save))
		hit = glob ? glob_match(pattern, t) : strcmp(t, pattern) == 0;
	free(copy);
	return hit;
}

const char *crm_score_heat(const struct crm_config *cfg, long score)
{
	const struct crm_heat_level *best = NULL;
	bool any = false;
	for (size_t i = 0; i < cfg->nheat; i++) {
		const struct crm_heat_level *h = &cfg->heat[i];
		if (h->min_score < 0)
			continue;
		any = true;
		if (h->min_score <= score && (!best || h->min_score > best->min_score))
			best = h;
	}
	if (!any)
		return NULL;
	return best ? best->id : "";
}

/* One lead's values as read for scoring. */
struct lead {
	char *v[NFIELDS];
	char **ckey, **cval;	/* custom fields */
	size_t nc;
	bool manual;
};

static void lead_free(struct lead *l)
{
	for (size_t i = 0; i < NFIELDS; i++)
		free(l->v[i]);
	for (size_t i = 0; i < l->nc; i++) {
		free(l->ckey[i]);
		free(l->cval[i]);
	}
	free(l->ckey);
	free(l->cval);
}

static bool rules_use_custom(const struct crm_config *cfg)
{
	for (size_t i = 0; i < cfg->scoring.nrules; i++) {
		bool builtin = false;
		for (size_t f = 0; f < NFIELDS && !builtin; f++)
			builtin = strcmp(fields[f], cfg->scoring.rules[i].field) == 0;
		if (!builtin)
			return true;
	}
	return false;
}

/* The custom fields' values as json_each gave them: strings unescaped,
 * true 1, false 0, null empty, numbers as written; arrays and objects
 * are no field's value.  A damaged custom column scores as no custom
 * fields rather than stopping every rescore. */
static void read_custom(const char *json, struct lead *l)
{
	struct crm_json *o = crm_json_parse(json, strlen(json));
	size_t n = o ? crm_json_count(o) : 0;
	l->ckey = crm_xcalloc(n ? n : 1, sizeof *l->ckey);
	l->cval = crm_xcalloc(n ? n : 1, sizeof *l->cval);
	for (size_t i = 0; i < n; i++) {
		const char *v;
		switch (crm_json_type(o, i)) {
		case CRM_JSON_OBJECT:
		case CRM_JSON_ARRAY:
			continue;
		case CRM_JSON_TRUE: v = "1"; break;
		case CRM_JSON_FALSE: v = "0"; break;
		case CRM_JSON_NULL: v = ""; break;
		default: v = crm_json_value(o, i); break;
		}
		l->ckey[l->nc] = crm_xstrdup(crm_json_key(o, i));
		l->cval[l->nc] = crm_xstrdup(v);
		l->nc++;
	}
	crm_json_free(o);
}

/* 0, CRM_EX_NOTFOUND (unreported), or an exit status. */
static int read_lead(struct crm_ctx *ctx, int64_t id, struct lead *l)
{
	memset(l, 0, sizeof *l);
	struct crm_stmt *st = crm_db_stmt(ctx->db, lead_sql);
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	int rc = crm_db_row(ctx->db, st, "cannot read lead");
	if (rc)
		return rc;
	for (size_t i = 0; i < NFIELDS; i++)
		l->v[i] = crm_xstrdup(crm_col_text(st, (int)i));
	l->manual = crm_col_int(st, COL_MANUAL) != 0;
	const char *custom = crm_col_text(st, COL_CUSTOM);
	if (*custom && rules_use_custom(ctx->cfg))
		read_custom(custom, l);
	return 0;
}

static const char *lead_value(const struct lead *l, const char *name)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (strcmp(fields[i], name) == 0)
			return l->v[i];
	for (size_t i = 0; i < l->nc; i++)
		if (strcmp(l->ckey[i], name) == 0)
			return l->cval[i];
	return NULL;
}

static int activity_points(struct crm_ctx *ctx, int64_t id, int64_t *points)
{
	const struct crm_config *cfg = ctx->cfg;
	*points = 0;
	if (cfg->scoring.nkinds == 0)
		return 0;
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT kind, count(*) FROM interactions WHERE subject_type = 'lead' AND subject_id = ?1"
		" GROUP BY kind");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	int rc;
	while ((rc = crm_step(st)) == CRM_ROW)
		for (size_t i = 0; i < cfg->scoring.nkinds; i++)
			if (strcmp(cfg->scoring.kinds[i].kind, crm_col_text(st, 0)) == 0)
				*points += cfg->scoring.kinds[i].points * crm_col_int(st, 1);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read interactions");
}

static int write_score(struct crm_ctx *ctx, int64_t id, const struct lead *l, int64_t score,
		       const char *heat)
{
	char old_score[24], new_score[24];
	snprintf(new_score, sizeof new_score, "%lld", (long long)score);
	snprintf(old_score, sizeof old_score, "%s", l->v[COL_SCORE]);
	struct crm_stmt *st = crm_db_stmt(ctx->db, "UPDATE leads SET score = ?2, heat = ?3 WHERE id = ?1");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	crm_bind_int(st, 2, score);
	crm_bind_text(st, 3, heat);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot update lead score");
	int rc = 0;
	if (strcmp(old_score, new_score) != 0)
		rc = crm_audit_write(ctx->db, "lead", id, "update", "score", old_score, new_score);
	const char *old_heat = lead_value(l, "heat");
	if (!rc && strcmp(old_heat, heat) != 0)
		rc = crm_audit_write(ctx->db, "lead", id, "update", "heat", *old_heat ? old_heat : NULL,
				  *heat ? heat : NULL);
	return rc;
}

/* Score lead id; *changed says whether score or heat moved, *score and
 * *heat (when not NULL) get the new values. */
static int score_one(struct crm_ctx *ctx, int64_t id, bool *changed, int64_t *score, char **heat)
{
	struct lead l;
	const struct crm_config *cfg = ctx->cfg;
	int64_t points = 0;
	int rc = read_lead(ctx, id, &l);
	if (!rc)
		rc = activity_points(ctx, id, &points);
	if (rc) {
		lead_free(&l);
		return rc;
	}
	for (size_t i = 0; i < cfg->scoring.nrules; i++) {
		const struct crm_score_rule *r = &cfg->scoring.rules[i];
		if (crm_score_value_matches(r->field, lead_value(&l, r->field), r->value))
			points += r->points;
	}
	const char *derived = l.manual ? NULL : crm_score_heat(cfg, (long)points);
	const char *new_heat = derived ? derived : lead_value(&l, "heat");
	*changed = strtoll(l.v[COL_SCORE], NULL, 10) != points ||
		   strcmp(lead_value(&l, "heat"), new_heat) != 0;
	if (*changed)
		rc = write_score(ctx, id, &l, points, new_heat);
	*score = points;
	if (heat)
		*heat = crm_xstrdup(new_heat);
	lead_free(&l);
	return rc;
}

bool crm_score_computed(const struct crm_config *cfg)
{
	return cfg->scoring.nrules || cfg->scoring.nkinds || crm_score_heat(cfg, 0);
}

int crm_score_lead(struct crm_ctx *ctx, int64_t lead_id)
{
	bool changed;
	int64_t score;
	/* nothing to score by: spare bulk writers the work (rescore still
	 * resets leads scored under an older config) */
	if (!crm_score_computed(ctx->cfg))
		return 0;
	return score_one(ctx, lead_id, &changed, &score, NULL);
}

/* The ids of every lead the actor may see; *n gets the count. */
static int visible_ids(struct crm_ctx *ctx, int64_t **ids, size_t *n)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT l.id FROM leads l WHERE " CRM_SQL_VISIBLE_LEAD("l.owner_id") " ORDER BY l.id");
	if (!st)
		return EX_SOFTWARE;
	crm_ctx_bind_actor(ctx, st);
	size_t cap = 0;
	int rc;
	*ids = NULL;
	*n = 0;
	/* read them all first: the scoring writes to the table being read */
	while ((rc = crm_step(st)) == CRM_ROW) {
		if (*n == cap)
			*ids = crm_xrealloc(*ids, (cap = cap ? 2 * cap : 1024) * sizeof **ids);
		(*ids)[(*n)++] = crm_col_int(st, 0);
	}
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot list leads");
}

static int may_see_lead(struct crm_ctx *ctx, int64_t id)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db, "SELECT owner_id FROM leads WHERE id = ?1");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	int rc = crm_db_row(ctx->db, st, "cannot read lead");
	if (rc == CRM_EX_NOTFOUND)
		crm_warn("lead %lld not found", (long long)id);
	if (rc)
		return rc;
	char what[40];
	snprintf(what, sizeof what, "lead %lld", (long long)id);
	return crm_ctx_may_see(ctx, crm_col_int(st, 0), what);
}

int crm_score_rescore(struct crm_ctx *ctx, const int64_t *ids, size_t n, struct crm_out *out)
{
	int64_t *all = NULL;
	int rc = crm_db_begin(ctx->db);
	if (rc)
		return rc;
	for (size_t i = 0; i < n && !rc; i++)
		rc = may_see_lead(ctx, ids[i]);
	if (!rc && n == 0 && !(rc = visible_ids(ctx, &all, &n)))
		ids = all;
	if (out) {
		crm_out_col(out, "id", CRM_COL_INT);
		crm_out_col(out, "score", CRM_COL_NUM);
		crm_out_col(out, "heat", CRM_COL_TEXT);
	}
	for (size_t i = 0; i < n && !rc; i++) {
		bool changed;
		int64_t score;
		char *heat;
		if ((rc = score_one(ctx, ids[i], &changed, &score, &heat)))
			break;
		if (changed && out) {
			char id_s[24], score_s[24];
			snprintf(id_s, sizeof id_s, "%lld", (long long)ids[i]);
			snprintf(score_s, sizeof score_s, "%lld", (long long)score);
			crm_out_row(out, (const char *const[]){id_s, score_s, heat});
		}
		free(heat);
	}
	free(all);
	return crm_ctx_end(ctx, rc);
}
