/* deal_field.c: the values of a deal, checked the one way that add,
 * update, import, lead conversion and list filters share, and the one
 * lookup every command on an existing deal starts from.  See deal_field.h. */
#include <ctype.h>
#include <string.h>
#include <sysexits.h>

#include "db.h"
#include "deal_field.h"
#include "err.h"
#include "money.h"
#include "record.h"
#include "text.h"

int crm_deal_why_value(char *why, size_t n, const char *what, const char *value)
{
	size_t len = strlen(value);
	bool cut = len > 80;
	if (cut)
		for (len = 80; len > 0 && ((unsigned char)value[len] & 0xc0) == 0x80; len--)
			;
	snprintf(why, n, "%s '%.*s%s'", what, (int)len, value, cut ? "..." : "");
	return EX_DATAERR;
}

int crm_deal_amount(const char *s, int64_t *cents, char *why, size_t n)
{
	const char *reason;
	if (crm_money_amount(s, cents, &reason) != 0)
		return crm_deal_why_value(why, n, reason, s);
	return 0;
}

int crm_deal_close_date(struct crm_ctx *ctx, const char *s, char out[CRM_DATE_LEN],
			char *why, size_t n)
{
	crm_time t;
	if (crm_time_parse_future(s, ctx->now, &t) != 0)
		return crm_deal_why_value(why, n, "invalid close date", s);
	crm_time_date(t, out);
	return 0;
}

const char *crm_deal_source(const struct crm_config *cfg, char *s, const char **why)
{
	static char toolong[96];
	size_t len = strlen(crm_trim(s));
	if (len > CRM_DEAL_SOURCE_MAX) {
		snprintf(toolong, sizeof toolong, "too long (%zu bytes, at most %d)", len,
			 CRM_DEAL_SOURCE_MAX);
		*why = toolong;
		return NULL;
	}
	const char *id = len ? crm_source_id(cfg, s) : s;
	if (!id)
		*why = "unknown source";
	return id;
}

int crm_deal_currency(const char *s, char out[4], char *why, size_t n)
{
	if (strlen(s) != 3 || !isalpha((unsigned char)s[0]) || !isalpha((unsigned char)s[1]) ||
	    !isalpha((unsigned char)s[2]))
		return crm_deal_why_value(why, n, "invalid currency", s);
	for (int i = 0; i < 3; i++)
		out[i] = (char)toupper((unsigned char)s[i]);
	out[3] = '\0';
	return 0;
}

int crm_deal_stage(const struct crm_pipeline *p, const char *id, const struct crm_stage **out,
		   char *why, size_t n)
{
	/* an id, or a display name as people (and other CRMs) write it */
	*out = crm_pipeline_stage(p, id);
	for (size_t i = 0; !*out && i < p->nstages; i++)
		if (strcmp(p->stages[i].name, id) == 0)
			*out = &p->stages[i];
	if (*out)
		return 0;
	char what[160];
	snprintf(what, sizeof what, "in pipeline '%s'", p->id);
	size_t len = strlen(id) > 80 ? 80 : strlen(id);
	snprintf(why, n, "unknown stage '%.*s' %s", (int)len, id, what);
	return EX_DATAERR;
}

const struct crm_stage *crm_deal_first_stage(const struct crm_pipeline *p)
{
	for (size_t i = 0; i < p->nstages; i++)
		if (p->stages[i].kind == CRM_STAGE_OPEN)
			return &p->stages[i];
	return &p->stages[0];	/* the config guarantees an open stage */
}

const struct crm_stage *crm_deal_closed_stage(const struct crm_pipeline *p, enum crm_stage_kind k)
{
	for (size_t i = 0; i < p->nstages; i++)
		if (p->stages[i].kind == k)
			return &p->stages[i];
	return NULL;
}

const char *crm_deal_loss_reason(const struct crm_config *cfg, const char *s)
{
	for (size_t i = 0; i < cfg->nloss_reasons; i++)
		if (strcmp(cfg->loss_reasons[i].id, s) == 0 || strcmp(cfg->loss_reasons[i].name, s) == 0)
			return cfg->loss_reasons[i].id;
	return NULL;
}

const char *crm_deal_status_name(enum crm_stage_kind k)
{
	static const char *const names[] = {
		[CRM_STAGE_OPEN] = "open", [CRM_STAGE_WON] = "won", [CRM_STAGE_LOST] = "lost"
	};
	return names[k];
}


int crm_deal_check(struct crm_ctx *ctx, int64_t id, bool for_change, int64_t *owner_id)
{
	static const char sql[] =
		"SELECT coalesce(owner_id, 0), " CRM_SQL_AS_INT(CRM_SQL_VISIBLE_OWNED("owner_id")) " FROM deals WHERE id = :id";
	char what[48];
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, crm_param_index(s, ":id"), id);
	crm_ctx_bind_actor(ctx, s);
	int rc = crm_step(s), st;
	snprintf(what, sizeof what, "deal %lld", (long long)id);
	if (rc == CRM_DONE && (st = crm_ctx_hidden(ctx, "deals", id, what)))
		return st;
	if (rc == CRM_DONE) {
		crm_warn("deal %lld not found", (long long)id);
		return CRM_EX_NOTFOUND;
	}
	if (rc != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot read deal");
	int64_t owner = crm_col_int(s, 0);
	bool visible = crm_col_int(s, 1);
	crm_stmt_reset(s);
	if (owner_id)
		*owner_id = owner;
	if (!visible) {
		crm_warn("permission denied: %s is not visible to '%s'", what, ctx->actor.login);
		return EX_NOPERM;
	}
	return for_change ? crm_ctx_may_change(ctx, owner, what) : 0;
}
