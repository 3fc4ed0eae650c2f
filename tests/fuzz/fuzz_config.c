/* fuzz_config.c: the YAML config loader (lib/config.c on libyaml) on any
 * bytes, written to a file since that is what it reads.  A config it
 * accepts must keep the promises of config.h (a default pipeline, exactly
 * one won and one lost stage in each, probabilities in 0..100) and answer
 * every look-up of what it holds. */
#include <stdbool.h>
#include <sysexits.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"

static char config_dir[] = "/tmp/crm-fuzz-config-XXXXXX";
static char *config_path;

static void config_cleanup(void)
{
	unlink(config_path);
	rmdir(config_dir);
	free(config_path);
}

static void config_init(void)
{
	if (config_path)
		return;
	CRM_FUZZ_CHECK(mkdtemp(config_dir) != NULL);
	size_t n = strlen(config_dir) + sizeof "/crm.yaml";
	config_path = malloc(n);
	CRM_FUZZ_CHECK(config_path != NULL);
	snprintf(config_path, n, "%s/crm.yaml", config_dir);
	atexit(config_cleanup);
}

static void check_pipeline(const struct crm_config *c, const struct crm_pipeline *p)
{
	int won = 0, lost = 0;
	CRM_FUZZ_CHECK(crm_config_pipeline(c, p->id) == p);
	for (size_t i = 0; i < p->nstages; i++) {
		const struct crm_stage *s = &p->stages[i];
		CRM_FUZZ_CHECK(s->id && s->name && s->probability >= 0 && s->probability <= 100);
		CRM_FUZZ_CHECK(crm_pipeline_stage(p, s->id) != NULL);
		int at = crm_pipeline_stage_index(p, s->id);
		CRM_FUZZ_CHECK(at >= 0 && (size_t)at <= i);
		won += s->kind == CRM_STAGE_WON;
		lost += s->kind == CRM_STAGE_LOST;
	}
	CRM_FUZZ_CHECK(won == 1 && lost == 1);
}

static void check_config(const struct crm_config *c)
{
	static const char *const samples[] = {"", "12", "-3.5", "1,234.50", "2026-03-02", "x", "是"};
	static const char *const entities[] = {"lead", "account", "contact", "deal"};
	const char *why;

	CRM_FUZZ_CHECK(c->currency && c->npipelines > 0 && crm_config_pipeline(c, NULL) == c->pipelines);
	for (size_t i = 0; i < c->npipelines; i++)
		check_pipeline(c, &c->pipelines[i]);
	for (size_t i = 0; i < c->nloss_reasons; i++)
		CRM_FUZZ_CHECK(crm_config_has_loss_reason(c, c->loss_reasons[i].id));
	for (size_t i = 0; i < c->ninteraction_kinds; i++)
		CRM_FUZZ_CHECK(crm_config_has_kind(c, c->interaction_kinds[i]));
	for (size_t i = 0; i < c->nheat; i++)
		CRM_FUZZ_CHECK(crm_config_has_heat(c, c->heat[i].id));
	for (size_t i = 0; i < c->ncustom_fields; i++) {
		const struct crm_custom_field *f = &c->custom_fields[i];
		CRM_FUZZ_CHECK(crm_config_custom_field(c, f->entity, f->name) != NULL);
		for (size_t j = 0; j < sizeof samples / sizeof *samples; j++)
			(void)crm_custom_field_check(f, samples[j], &why);
		for (size_t j = 0; j < f->nvalues; j++)
			CRM_FUZZ_CHECK(crm_custom_field_check(f, f->values[j], &why) == 0);
	}
	for (size_t i = 0; i < c->naliases; i++)
		for (size_t e = 0; e < sizeof entities / sizeof *entities; e++)
			(void)crm_config_alias(c, entities[e], c->aliases[i].header);
	for (size_t i = 0; i < c->nrules; i++)
		CRM_FUZZ_CHECK(c->rules[i].name && (!c->rules[i].user != !c->rules[i].team));
}

int crm_fuzz_config(const uint8_t *data, size_t size)
{
	int status;
	config_init();
	crm_fuzz_write_file(config_path, data, size);
	struct crm_config *c = crm_config_load(config_path, true, &status);
	if (!c) {
		CRM_FUZZ_CHECK(status == EX_CONFIG);
		return 0;
	}
	CRM_FUZZ_CHECK(status == 0);
	check_config(c);
	crm_config_free(c);
	return 0;
}

#ifdef CRM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return crm_fuzz_config(data, size);
}
#endif
