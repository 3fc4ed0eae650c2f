/* test_config.c: crm.yaml loading, defaults, every validation message with
 * its line:column, header aliases and custom field checks. */
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "err.h"

#define CONFIG_TEST_DIR "/tmp/test_config.XXXXXX"
#include "config_fixture.h"

static void check_stage(const struct crm_stage *s, const char *id, const char *name,
		int probability, enum crm_stage_kind kind)
{
	assert_string_equal(s->id, id);
	assert_string_equal(s->name, name);
	assert_int_equal(s->probability, probability);
	assert_int_equal(s->kind, kind);
}

static void check_defaults(const struct crm_config *c)
{
	static const char *const reasons[] = {
		"price", "competitor", "no-budget", "no-decision", "timing", "other"
	};
	static const char *const kinds[] = {"call", "email", "meeting", "visit", "wechat", "note"};

	assert_string_equal(c->currency, "CNY");
	assert_null(c->timezone);
	assert_int_equal(c->npipelines, 1);
	assert_string_equal(c->pipelines[0].id, "default");
	assert_int_equal(c->pipelines[0].nstages, 6);
	check_stage(&c->pipelines[0].stages[0], "contact", "Contact", 10, CRM_STAGE_OPEN);
	check_stage(&c->pipelines[0].stages[1], "qualify", "Qualify", 30, CRM_STAGE_OPEN);
	check_stage(&c->pipelines[0].stages[2], "proposal", "Proposal", 50, CRM_STAGE_OPEN);
	check_stage(&c->pipelines[0].stages[3], "negotiation", "Negotiation", 80, CRM_STAGE_OPEN);
	check_stage(&c->pipelines[0].stages[4], "won", "Won", 100, CRM_STAGE_WON);
	check_stage(&c->pipelines[0].stages[5], "lost", "Lost", 0, CRM_STAGE_LOST);
	assert_int_equal(c->nloss_reasons, 6);
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(c->loss_reasons[i].id, reasons[i]);
		assert_string_equal(c->loss_reasons[i].name, reasons[i]);
	}
	assert_int_equal(c->nsources, 0);
	assert_int_equal(c->nheat, 3);
	assert_string_equal(c->heat[0].id, "hot");
	assert_string_equal(c->heat[1].id, "warm");
	assert_string_equal(c->heat[2].id, "cold");
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(c->heat[i].min_score, -1);
	assert_int_equal(c->ninteraction_kinds, 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(c->interaction_kinds[i], kinds[i]);
	assert_int_equal(c->ncustom_fields, 0);
	assert_int_equal(c->naliases, 0);
	assert_int_equal(c->nrules, 0);
	assert_null(c->default_rule);
	assert_string_equal(c->followup.first_contact_title, "first contact");
	assert_int_equal(c->followup.first_contact_within, 3);
	assert_int_equal(c->followup.remind_after, 3);
	assert_int_equal(c->followup.escalate_after, 7);
	assert_int_equal(c->followup.reclaim_after_first, -1);
	assert_int_equal(c->followup.reclaim_after_idle, -1);
	assert_int_equal(c->pool.claim_limit, 0);
	assert_int_equal(c->pool.reclaim_cooldown, 0);
	assert_int_equal(c->scoring.nrules, 0);
	assert_int_equal(c->scoring.nkinds, 0);
}

static void test_defaults(void **state)
{
	(void)state;
	int status = -1;
	struct crm_config *c = crm_config_load(NULL, false, &status);
	assert_int_equal(status, 0);
	assert_non_null(c);
	assert_null(c->path);
	check_defaults(c);
	crm_config_free(c);

	/* A default path that does not exist is no error. */
	char *err = load_capture("/nonexistent/crm/crm.yaml", false, &c, &status);
	assert_string_equal(err, "");
	free(err);
	assert_int_equal(status, 0);
	assert_null(c->path);
	check_defaults(c);
	crm_config_free(c);

	/* Nor is a file of comments only, or keys left empty. */
	c = load_ok("# nothing configured yet\n");
	assert_string_equal(c->path, yaml_path);
	check_defaults(c);
	crm_config_free(c);
	c = load_ok("currency:\ntimezone: ~\npipeline:\nfollowup:\n");
	check_defaults(c);
	crm_config_free(c);
	c = load_ok("");
	check_defaults(c);
	crm_config_free(c);
	crm_config_free(NULL);
}

static void test_missing_file(void **state)
{
	(void)state;
	struct crm_config *c;
	int status = -1;
	char path[PATH_MAX + 16], want[2 * PATH_MAX];
	snprintf(path, sizeof path, "%s/absent.yaml", tmpdir);
	snprintf(want, sizeof want, "crm: %s: No such file or directory\n", path);
	char *err = load_capture(path, true, &c, &status);
	assert_string_equal(err, want);
	free(err);
	assert_null(c);
	assert_int_equal(status, EX_NOINPUT);

	/* A directory cannot be read, named or not. */
	snprintf(want, sizeof want, "crm: %s: Is a directory\n", tmpdir);
	err = load_capture(tmpdir, false, &c, &status);
	assert_string_equal(err, want);
	free(err);
	assert_null(c);
	assert_int_equal(status, EX_NOINPUT);
}

/* Lines of examples/crm.yaml counted here, not copied from the loader. */
static int line_of(const char *text, const char *needle)
{
	const char *hit = strstr(text, needle);
	assert_non_null(hit);
	int line = 1;
	for (const char *p = text; p < hit; p++)
		line += *p == '\n';
	return line;
}

static void test_example(void **state)
{
	(void)state;
	const char *srcdir = getenv("CRM_SRCDIR");
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/examples/crm.yaml", srcdir ? srcdir : CRM_SRCDIR);
	struct crm_config *c;
	int status = -1;
	char *err = load_capture(path, true, &c, &status);
	assert_string_equal(err, "");
	free(err);
	assert_int_equal(status, 0);
	assert_non_null(c);
	char *text = read_file(path);

	assert_string_equal(c->currency, "CNY");
	assert_string_equal(c->timezone, "Asia/Shanghai");
	assert_int_equal(c->npipelines, 2);
	const struct crm_pipeline *p = crm_config_pipeline(c, NULL);
	assert_ptr_equal(p, &c->pipelines[0]);
	assert_string_equal(p->id, "default");
	assert_int_equal(p->nstages, 6);
	check_stage(&p->stages[0], "contact", "初步接触", 10, CRM_STAGE_OPEN);
	check_stage(&p->stages[3], "negotiation", "商务谈判", 80, CRM_STAGE_OPEN);
	check_stage(&p->stages[4], "won", "赢单", 100, CRM_STAGE_WON);
	check_stage(&p->stages[5], "lost", "输单", 0, CRM_STAGE_LOST);
	p = crm_config_pipeline(c, "project");
	assert_non_null(p);
	assert_int_equal(p->nstages, 6);
	check_stage(&p->stages[0], "site-survey", "现场勘查", 10, CRM_STAGE_OPEN);
	check_stage(&p->stages[4], "signed", "签约", 100, CRM_STAGE_WON);
	check_stage(&p->stages[5], "dropped", "放弃", 0, CRM_STAGE_LOST);
	assert_int_equal(crm_pipeline_stage_index(p, "trial"), 3);
	assert_int_equal(crm_pipeline_stage_index(p, "won"), -1);
	assert_null(crm_config_pipeline(c, "service"));

	assert_int_equal(c->nloss_reasons, 6);
	assert_string_equal(c->loss_reasons[0].name, "价格太高");
	assert_string_equal(c->loss_reasons[5].id, "other");
	assert_string_equal(c->loss_reasons[5].name, "other");
	assert_true(crm_config_has_loss_reason(c, "no-budget"));
	assert_false(crm_config_has_loss_reason(c, "budget"));
	assert_int_equal(c->nsources, 5);
	assert_string_equal(c->sources[2].id, "referral");
	assert_string_equal(c->sources[2].name, "老客户介绍");
	assert_int_equal(c->nheat, 3);
	assert_int_equal(c->heat[0].min_score, 60);
	assert_int_equal(c->heat[1].min_score, 30);
	assert_int_equal(c->heat[2].min_score, -1);
	assert_int_equal(c->ninteraction_kinds, 8);
	assert_string_equal(c->interaction_kinds[6], "training");
	assert_string_equal(c->interaction_kinds[7], "sample");
	assert_true(crm_config_has_kind(c, "wechat"));
	assert_false(crm_config_has_kind(c, "fax"));

	assert_int_equal(c->ncustom_fields, 9);
	const struct crm_custom_field *f = crm_config_custom_field(c, "lead", "company_size");
	assert_non_null(f);
	assert_int_equal(f->type, CRM_FIELD_ENUM);
	assert_int_equal(f->nvalues, 3);
	assert_string_equal(f->values[2], "large");
	assert_false(f->required);
	assert_false(f->personal);
	assert_true(crm_config_custom_field(c, "lead", "wechat_id")->personal);
	f = crm_config_custom_field(c, "account", "credit_code");
	assert_non_null(f);
	assert_true(f->required);
	assert_int_equal(crm_config_custom_field(c, "deal", "delivery_date")->type, CRM_FIELD_DATE);
	assert_null(crm_config_custom_field(c, "lead", "credit_code"));
	assert_int_equal(c->naliases, 5);
	assert_string_equal(crm_config_alias(c, "lead", "微信号"), "wechat_id");
	assert_string_equal(crm_config_alias(c, "lead", "展位号"), "expo_booth");

	assert_int_equal(c->nrules, 4);
	assert_string_equal(c->rules[0].name, "key-accounts");
	assert_string_equal(c->rules[0].user, "wangfang");
	assert_null(c->rules[0].team);
	assert_int_equal(c->rules[0].nmatch, 2);
	assert_string_equal(c->rules[0].match[1].field, "industry");
	assert_string_equal(c->rules[0].match[1].values[0], "汽车*");
	assert_int_equal(c->rules[0].line, line_of(text, "name: key-accounts"));
	assert_string_equal(c->rules[1].name, "east");
	assert_string_equal(c->rules[1].team, "east");
	assert_int_equal(c->rules[1].match[0].nvalues, 4);
	assert_string_equal(c->rules[1].match[0].values[3], "安徽");
	assert_int_equal(c->rules[1].method, CRM_ASSIGN_ROUND_ROBIN);
	assert_int_equal(c->rules[1].capacity, 200);
	assert_int_equal(c->rules[1].line, line_of(text, "name: east"));
	assert_int_equal(c->rules[2].method, CRM_ASSIGN_LEAST_LOADED);
	assert_int_equal(c->rules[2].capacity, 150);
	assert_string_equal(c->rules[3].name, "rule 4");
	assert_int_equal(c->rules[3].capacity, 0);
	assert_int_equal(c->rules[3].line, line_of(text, "- match: {source: expo"));
	assert_non_null(c->default_rule);
	assert_string_equal(c->default_rule->name, "default");
	assert_string_equal(c->default_rule->team, "west");
	assert_int_equal(c->default_rule->nmatch, 0);
	assert_int_equal(c->default_rule->method, CRM_ASSIGN_LEAST_LOADED);
	assert_int_equal(c->default_rule->line, line_of(text, "default: {team: west"));

	assert_string_equal(c->followup.first_contact_title, "首次联系");
	assert_int_equal(c->followup.first_contact_within, 3);
	assert_int_equal(c->followup.remind_after, 3);
	assert_int_equal(c->followup.escalate_after, 7);	/* 1w */
	assert_int_equal(c->followup.reclaim_after_first, 5);
	assert_int_equal(c->followup.reclaim_after_idle, 30);	/* 30d */
	assert_int_equal(c->pool.claim_limit, 50);
	assert_int_equal(c->pool.reclaim_cooldown, 30);
	assert_int_equal(c->scoring.nrules, 3);
	assert_string_equal(c->scoring.rules[1].value, "制造*");
	assert_int_equal(c->scoring.rules[1].points, 10);
	assert_string_equal(c->scoring.rules[2].field, "company_size");
	assert_int_equal(c->scoring.nkinds, 4);
	assert_string_equal(c->scoring.kinds[3].kind, "sample");
	assert_int_equal(c->scoring.kinds[3].points, 25);
	free(text);
	crm_config_free(c);
}

/* The configuration shown in crm.yaml(5) EXAMPLES must load too. */
static void test_man_example(void **state)
{
	(void)state;
	const char *srcdir = getenv("CRM_SRCDIR");
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/man/man5/crm.yaml.5", srcdir ? srcdir : CRM_SRCDIR);
	char *page = read_file(path);
	char *start = strstr(page, "\n.Sh EXAMPLES\n");
	assert_non_null(start);
	start = strstr(start, ".Bd -literal -offset indent\n");
	assert_non_null(start);
	start = strchr(start, '\n') + 1;
	char *end = strstr(start, "\n.Ed\n");
	assert_non_null(end);
	end[1] = '\0';
	struct crm_config *c = load_ok(start);
	assert_int_equal(c->pipelines[0].nstages, 4);
	assert_int_equal(c->nsources, 3);
	assert_int_equal(c->nrules, 2);
	assert_int_equal(c->followup.first_contact_within, 2);
	assert_int_equal(c->followup.reclaim_after_idle, 30);
	assert_string_equal(crm_config_alias(c, "lead", "预算"), "budget");
	crm_config_free(c);
	free(page);
}

static void test_pipelines(void **state)
{
	(void)state;
	/* pipelines.default replaces the default pipeline like pipeline does;
	 * probability may be left out for won and lost stages. */
	struct crm_config *c;
	load_bad("pipelines:\n"
		"  default:\n"
		"    - {id: lead, name: 线索, probability: 5}\n"
		"    - {id: 赢, kind: won}\n",
		"4:12: invalid stage id '赢'");
	c = load_ok("pipelines:\n"
		"  default:\n"
		"    - {id: lead, name: 线索, probability: 5}\n"
		"    - {id: win, name: 赢单, kind: won}\n"
		"    - {id: lose, name: 输单, kind: lost}\n"
		"  service:\n"
		"    - {id: open, name: 待处理, probability: 50}\n"
		"    - {id: done, name: 完成, kind: won}\n"
		"    - {id: gone, kind: lost}\n");
	assert_int_equal(c->npipelines, 2);
	assert_string_equal(c->pipelines[0].id, "default");
	assert_int_equal(c->pipelines[0].nstages, 3);
	check_stage(&c->pipelines[0].stages[0], "lead", "线索", 5, CRM_STAGE_OPEN);
	check_stage(&c->pipelines[0].stages[1], "win", "赢单", 100, CRM_STAGE_WON);
	const struct crm_pipeline *p = crm_config_pipeline(c, "service");
	assert_ptr_equal(p, &c->pipelines[1]);
	check_stage(crm_pipeline_stage(p, "gone"), "gone", "gone", 0, CRM_STAGE_LOST);
	assert_null(crm_pipeline_stage(p, "lead"));
	crm_config_free(c);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	load_bad("a: b: c\n", "1:5: mapping values are not allowed in this context");
	load_bad("sources: [expo, web\n",
		"2:1: did not find expected ',' or ']' (while parsing a flow sequence)");
	load_bad("currency: \"\xff\"\n", "1:12: invalid leading UTF-8 octet '0xff'");
	load_bad("- a\n- b\n", "1:1: expected a mapping at the top level");
	load_bad("currency: CNY\n---\ncurrency: USD\n", "3:1: more than one document");
	load_bad("currency: CNY\ncurrency: USD\n", "2:1: duplicate key 'currency'");
}

static void test_type_errors(void **state)
{
	(void)state;
	load_bad("currency: CNY\npipline: []\n", "2:1: unknown key 'pipline'");
	load_bad("followup:\n  remind_after: 3\n  remind_afer: 4\n",
		"3:3: unknown key 'remind_afer'");
	load_bad("followup: [1, 2]\n", "1:11: expected a mapping for 'followup'");
	load_bad("pipeline: {id: a}\n", "1:11: expected a list for 'pipeline'");
	load_bad("currency: [CNY]\n", "1:11: expected a value for 'currency'");
	load_bad("currency: rmb\n", "1:11: invalid currency 'rmb'");
	load_bad("custom_fields:\n  lead:\n    - {name: vip, required: maybe}\n",
		"3:29: invalid boolean 'maybe'");
	load_bad("custom_fields:\n  lead:\n    - {name: vip, personal: 2}\n",
		"3:29: invalid boolean '2'");
	load_bad("pool: {claim_limit: -1}\n", "1:21: negative claim_limit '-1'");
	load_bad("pool: {claim_limit: 1.5}\n", "1:21: invalid claim_limit '1.5'");
	load_bad("sources: [{id: web, label: 官网}]\n", "1:21: unknown key 'label'");
	load_bad("loss_reasons: [{name: 价格}]\n", "1:16: missing key 'id'");
}

static void test_pipeline_errors(void **state)
{
	(void)state;
	load_bad("pipeline:\n  - {id: a, probability: high}\n",
		"2:26: invalid probability 'high'");
	load_bad("pipeline:\n  - {id: a, probability: 150}\n",
		"2:26: probability out of range 0..100 '150'");
	load_bad("pipeline:\n  - {id: a, probability: -5}\n",
		"2:26: probability out of range 0..100 '-5'");
	load_bad("pipeline:\n  - {id: a, probability: 10}\n  - {id: a, probability: 20}\n",
		"3:10: duplicate stage id 'a'");
	load_bad("pipeline:\n  - {id: a, probability: 10}\n  - {id: l, kind: lost}\n",
		"2:3: no won stage in pipeline 'default'");
	load_bad("pipeline:\n  - {id: a, probability: 10}\n  - {id: w, kind: won}\n"
		"  - {id: l, kind: lost}\n  - {id: l2, kind: lost}\n",
		"5:5: more than one lost stage 'l2'");
	load_bad("pipeline: [{id: w, kind: won}, {id: l, kind: lost}]\n",
		"1:11: no open stage in pipeline 'default'");
	load_bad("pipelines:\n  project: [{id: w, kind: won}]\n",
		"2:12: no lost stage in pipeline 'project'\n"
		"2:12: no open stage in pipeline 'project'");
	load_bad("pipeline: [{id: Won, kind: won}]\n", "1:17: invalid stage id 'Won'");
	load_bad("pipeline: [{id: x, kind: maybe, probability: 5}]\n",
		"1:26: unknown stage kind 'maybe'");
	load_bad("pipeline: [{id: x}]\n", "1:12: missing key 'probability'");
	load_bad("pipeline: [{id: w, kind: won}, {id: l, kind: lost}, {id: o, probability: 1}]\n"
		"pipelines:\n  default: [{id: o, probability: 1}]\n",
		"3:3: duplicate pipeline id 'default'");
}

static void test_custom_field_errors(void **state)
{
	(void)state;
	load_bad("custom_fields:\n  lead:\n    - {name: WeChat}\n",
		"3:14: invalid field name 'WeChat'");
	load_bad("custom_fields:\n  lead:\n    - {name: phone}\n",
		"3:14: custom field shadows built-in lead field 'phone'");
	load_bad("custom_fields:\n  account:\n    - {name: name}\n",
		"3:14: custom field shadows built-in account field 'name'");
	load_bad("custom_fields:\n  lead:\n    - {name: size, type: enum}\n",
		"3:7: enum field without values 'size'");
	load_bad("custom_fields:\n  lead:\n    - {name: size, type: enum, values: []}\n",
		"3:7: enum field without values 'size'");
	load_bad("custom_fields:\n  lead:\n    - {name: size, type: currency}\n",
		"3:26: unknown field type 'currency'");
	load_bad("custom_fields:\n  leads:\n    - {name: x}\n", "2:3: unknown entity 'leads'");
	load_bad("custom_fields:\n  deal:\n    - {name: x}\n    - {name: x, type: date}\n",
		"4:14: duplicate custom field 'x'");
	/* The same name on two entities is two fields. */
	struct crm_config *c = load_ok("custom_fields:\n  lead: [{name: x}]\n  deal: [{name: x}]\n");
	assert_int_equal(c->ncustom_fields, 2);
	crm_config_free(c);
}

static void test_rule_errors(void **state)
{
	(void)state;
	load_bad("assignment:\n  rules:\n    - {name: east, team: east, user: bob}\n",
		"3:7: both user and team in rule 'east'");
	load_bad("assignment:\n  rules:\n    - {match: {region: 上海}}\n",
		"3:7: neither user nor team in rule 'rule 1'");
	load_bad("assignment:\n  rules:\n    - {team: east, method: random}\n",
		"3:28: unknown method 'random'");
	load_bad("assignment:\n  rules:\n    - team: east\n      capacity: -1\n",
		"4:17: negative capacity '-1'");
	load_bad("assignment:\n  rules:\n    - match: {regoin: 上海}\n      team: east\n",
		"3:15: unknown lead field 'regoin'");
	load_bad("assignment:\n  default: {user: bob, match: {region: x}}\n",
		"2:24: unknown key 'match'");
	load_bad("scoring:\n  fields:\n    - {field: regoin, value: x, points: 5}\n",
		"3:15: unknown lead field 'regoin'");
	load_bad("import:\n  aliases:\n    微信: wechat\n", "3:9: unknown lead field 'wechat'");

	/* Custom lead fields may be matched, scored and aliased. */
	struct crm_config *c = load_ok(
		"custom_fields:\n  lead: [{name: wechat_id}]\n"
		"import: {aliases: {微信: wechat_id}}\n"
		"assignment:\n"
		"  rules:\n"
		"    - match: {wechat_id: \"wx*\", region: [上海, 江苏]}\n"
		"      user: alice\n"
		"  default: {user: bob}\n"
		"scoring: {fields: [{field: wechat_id, value: \"*\", points: -3}]}\n");
	assert_int_equal(c->nrules, 1);
	assert_int_equal(c->rules[0].line, 6);
	assert_int_equal(c->rules[0].nmatch, 2);
	assert_int_equal(c->rules[0].match[1].nvalues, 2);
	assert_string_equal(c->rules[0].match[1].values[1], "江苏");
	assert_int_equal(c->default_rule->line, 8);
	assert_string_equal(c->default_rule->user, "bob");
	assert_int_equal(c->default_rule->method, CRM_ASSIGN_ROUND_ROBIN);
	assert_int_equal(c->scoring.rules[0].points, -3);
	crm_config_free(c);
}

static void test_followup_and_lists(void **state)
{
	(void)state;
	load_bad("followup:\n  remind_after: 3x\n", "2:17: invalid duration '3x'");
	load_bad("followup:\n  escalate_after: -7\n", "2:19: negative duration '-7'");
	load_bad("pool:\n  reclaim_cooldown: w\n", "2:21: invalid duration 'w'");
	load_bad("scoring:\n  heat: {hot: 60, boiling: 90}\n", "2:19: unknown heat level 'boiling'");
	load_bad("heat: [hot, cold]\nscoring:\n  heat: {warm: 30}\n",
		"3:10: unknown heat level 'warm'");
	load_bad("heat: [hot, warm, hot]\n", "1:19: duplicate heat level 'hot'");
	load_bad("interaction_kinds: [training, training]\n",
		"1:31: duplicate interaction kind 'training'");
	load_bad("sources: [{id: expo, name: 展会}, expo]\n", "1:33: duplicate source 'expo'");
	load_bad("scoring:\n  activities: {fax: 2}\n", "2:16: unknown interaction kind 'fax'");

	/* Escalating before reminding is odd but allowed; kinds already built
	 * in may be named again. */
	struct crm_config *c = load_ok(
		"followup: {remind_after: 2w, escalate_after: 1, reclaim_after_first: 0,"
		" reclaim_after_idle: off, first_contact_within: 4d}\n"
		"interaction_kinds: [call, training]\n"
		"heat: [hot, cold]\n"
		"scoring: {heat: {cold: 0}, activities: {training: 7}}\n");
	assert_int_equal(c->followup.remind_after, 14);
	assert_int_equal(c->followup.escalate_after, 1);
	assert_int_equal(c->followup.reclaim_after_first, 0);
	assert_int_equal(c->followup.reclaim_after_idle, -1);
	assert_int_equal(c->followup.first_contact_within, 4);
	assert_int_equal(c->ninteraction_kinds, 7);
	assert_string_equal(c->interaction_kinds[6], "training");
	assert_int_equal(c->nheat, 2);
	assert_int_equal(c->heat[0].min_score, -1);
	assert_int_equal(c->heat[1].min_score, 0);
	assert_true(crm_config_has_heat(c, "cold"));
	assert_false(crm_config_has_heat(c, "warm"));
	assert_int_equal(c->scoring.kinds[0].points, 7);
	crm_config_free(c);
}

static void test_many_errors(void **state)
{
	(void)state;
	/* All problems are reported, in file order. */
	load_bad("scoring:\n  heat: {boiling: 1}\n"
		"currency: CNY\n"
		"pipline: x\n"
		"followup: {remind_after: soon}\n",
		"2:10: unknown heat level 'boiling'\n"
		"4:1: unknown key 'pipline'\n"
		"5:26: invalid duration 'soon'");
}

static void test_aliases(void **state)
{
	(void)state;
	struct crm_config *c = load_ok(
		"custom_fields:\n  lead: [{name: wechat_id}, {name: budget, type: money}]\n"
		"import:\n  aliases:\n    手机: wechat_id\n    Customer Budget: budget\n");

	assert_string_equal(crm_config_alias(c, "lead", "姓名"), "name");
	assert_string_equal(crm_config_alias(c, "lead", "客户名称"), "company");
	assert_string_equal(crm_config_alias(c, "lead", " 手机号码 "), "phone");
	assert_string_equal(crm_config_alias(c, "lead", "\xe3\x80\x80邮箱"), "email");
	assert_string_equal(crm_config_alias(c, "lead", "E-Mail"), "email");
	assert_string_equal(crm_config_alias(c, "lead", "Phone  Number"), "phone");
	assert_string_equal(crm_config_alias(c, "lead", "full_name"), "name");
	assert_string_equal(crm_config_alias(c, "lead", "LEAD SOURCE"), "source");
	assert_string_equal(crm_config_alias(c, "lead", "归属销售"), "owner");
	assert_string_equal(crm_config_alias(c, "lead", "Region"), "region");
	assert_string_equal(crm_config_alias(c, "lead", "notes"), "notes");
	assert_string_equal(crm_config_alias(c, "lead", "\tWeChat_ID "), "wechat_id");
	/* The config comes before the built-in 手机 -> phone. */
	assert_string_equal(crm_config_alias(c, "lead", "手机"), "wechat_id");
	assert_string_equal(crm_config_alias(c, "lead", "customer budget"), "budget");
	assert_null(crm_config_alias(c, "lead", "传真"));
	assert_null(crm_config_alias(c, "lead", "phones"));
	assert_null(crm_config_alias(c, "lead", ""));
	assert_null(crm_config_alias(c, "lead", "   "));

	/* Other entities: config aliases and their own field names only. */
	assert_string_equal(crm_config_alias(c, "account", "手机"), "wechat_id");
	assert_string_equal(crm_config_alias(c, "account", "Website"), "website");
	assert_null(crm_config_alias(c, "account", "公司"));
	assert_null(crm_config_alias(c, "user", "姓名"));
	assert_null(crm_config_alias(c, "user", "login"));

	/* Without a config, the built-ins. */
	assert_string_equal(crm_config_alias(NULL, "lead", "手机"), "phone");
	assert_null(crm_config_alias(NULL, "lead", "budget"));
	crm_config_free(c);

	load_bad("import:\n  aliases:\n    Mobile No: phone\n    mobile  no: phone\n",
		"4:5: duplicate alias 'mobile  no'");
}

static void check_value(const struct crm_custom_field *f, const char *value, const char *why)
{
	const char *got = "unset";
	int rc = crm_custom_field_check(f, value, &got);
	if (why) {
		assert_int_equal(rc, -1);
		assert_non_null(got);
		assert_string_equal(got, why);
	} else {
		assert_int_equal(rc, 0);
		assert_null(got);
	}
}

static void test_custom_field_check(void **state)
{
	(void)state;
	char *values[] = {"small", "large"};
	struct crm_custom_field f = {.entity = "lead", .name = "x"};

	f.type = CRM_FIELD_NUMBER;
	check_value(&f, "12", NULL);
	check_value(&f, "-3.25", NULL);
	check_value(&f, "0.125", NULL);
	check_value(&f, "", NULL);
	check_value(&f, NULL, NULL);
	for (const char *const *bad = (const char *const[]){"1e3", "abc", "1.", ".5", "--1",
			"1,000", " 1", "+1", "-", NULL}; *bad; bad++)
		check_value(&f, *bad, "not a number");

	/* money: the rule of every amount (money.c) */
	f.type = CRM_FIELD_MONEY;
	check_value(&f, "1234.50", NULL);
	check_value(&f, "7", NULL);
	check_value(&f, "¥12", NULL);
	check_value(&f, "1,000", NULL);
	for (const char *const *bad = (const char *const[]){"1.", "12a", "1 000", "-.5",
			"1e5", NULL}; *bad; bad++)
		check_value(&f, *bad, "invalid amount");
	check_value(&f, "1.234", "amount with more than two decimals");
	check_value(&f, "-0.5", "negative amount");
	check_value(&f, "-0", "negative amount");
	check_value(&f, "92233720368547758.08", "amount too large");
	char buf[CRM_MONEY_LEN];
	assert_string_equal(crm_custom_field_stored(&f, "¥1,000.5", buf), "1000.50");
	f.type = CRM_FIELD_NUMBER;
	assert_string_equal(crm_custom_field_stored(&f, "1.5", buf), "1.5");

	f.type = CRM_FIELD_DATE;
	check_value(&f, "2024-02-29", NULL);
	check_value(&f, "2000-02-29", NULL);
	check_value(&f, "2024-12-31", NULL);
	for (const char *const *bad = (const char *const[]){"2023-02-29", "1900-02-29",
			"2024-13-01", "2024-1-01", "2024-04-31", "2024-00-10", "2024-05-00",
			"0000-01-01", "2024-05-01T00:00", "20240501", NULL}; *bad; bad++)
		check_value(&f, *bad, "not a date (YYYY-MM-DD)");

	f.type = CRM_FIELD_ENUM;
	f.values = values;
	f.nvalues = 2;
	check_value(&f, "large", NULL);
	check_value(&f, "Large", "not one of the allowed values");
	check_value(&f, "medium", "not one of the allowed values");

	f.type = CRM_FIELD_TEXT;
	check_value(&f, "任何 text\tat all", NULL);
	f.required = true;
	check_value(&f, "", "required field is empty");
	check_value(&f, NULL, "required field is empty");
	check_value(&f, "x", NULL);
	assert_int_equal(crm_custom_field_check(&f, "", NULL), -1);
}

static void test_default_path(void **state)
{
	(void)state;
	char *saved_xdg = getenv("XDG_CONFIG_HOME"), *saved_home = getenv("HOME");
	saved_xdg = saved_xdg ? strdup(saved_xdg) : NULL;
	saved_home = saved_home ? strdup(saved_home) : NULL;

	setenv("XDG_CONFIG_HOME", "/etc/xdg-test", 1);
	char *p = crm_config_default_path();
	assert_string_equal(p, "/etc/xdg-test/crm/crm.yaml");
	free(p);
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	setenv("HOME", "/home/李雷", 1);
	p = crm_config_default_path();
	assert_string_equal(p, "/home/李雷/.config/crm/crm.yaml");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	p = crm_config_default_path();
	assert_string_equal(p, "/home/李雷/.config/crm/crm.yaml");
	free(p);

	if (saved_xdg)
		setenv("XDG_CONFIG_HOME", saved_xdg, 1);
	if (saved_home)
		setenv("HOME", saved_home, 1);
	else
		unsetenv("HOME");
	free(saved_xdg);
	free(saved_home);
}

/* The sales section: approver groups, the contract approval chain (first
 * rule whose above is below the amount), payment plans adding up to 100%,
 * contracts.company, and bad values with line and column. */
static void test_sales(void **state)
{
	(void)state;
	struct crm_config *c = load_ok(
		"approvers:\n  legal: [lily, lin]\n  finance: fay\n"
		"contracts:\n"
		"  company: 我们公司\n"
		"  approval:\n"
		"    - above: 100000\n"
		"      steps: [legal, finance]\n"
		"    - {above: \"10,000.50\", steps: manager}\n"
		"payments:\n"
		"  plans:\n"
		"    30-60-10: [30, {percent: 60, after: 60d}, {percent: 10%, after: 90d}]\n"
		"  default_plan: 30-60-10\n");
	assert_int_equal(c->sales.ngroups, 2);
	const struct crm_approver_group *g = crm_config_approver_group(c, "legal");
	assert_non_null(g);
	assert_int_equal(g->nlogins, 2);
	assert_string_equal(g->logins[1], "lin");
	assert_string_equal(crm_config_approver_group(c, "finance")->logins[0], "fay");
	assert_null(crm_config_approver_group(c, "manager"));
	assert_string_equal(c->sales.company, "我们公司");
	assert_int_equal(c->sales.napproval, 2);
	const struct crm_approval_rule *r = crm_config_approval_rule(c, 113000000);
	assert_non_null(r);
	assert_int_equal(r->line, 7);
	assert_int_equal(r->nsteps, 2);
	assert_string_equal(r->steps[1], "finance");
	/* above is strict: exactly 100,000.00 falls to the next rule */
	r = crm_config_approval_rule(c, 10000000);
	assert_non_null(r);
	assert_int_equal(r->above, 1000050);
	assert_string_equal(r->steps[0], "manager");
	assert_null(crm_config_approval_rule(c, 1000050));
	const struct crm_plan *p = crm_config_plan(c, "30-60-10");
	assert_non_null(p);
	assert_int_equal(p->nparts, 3);
	assert_int_equal(p->parts[0].percent + p->parts[1].percent + p->parts[2].percent, 10000);
	assert_int_equal(p->parts[1].after, 60);
	assert_string_equal(c->sales.default_plan, "30-60-10");
	crm_config_free(c);

	c = load_ok("currency: CNY\n");
	assert_null(c->sales.company);
	assert_int_equal(c->sales.napproval, 0);
	assert_null(crm_config_approval_rule(c, 1));
	crm_config_free(c);

	load_bad("contracts:\n  approval:\n    - {above: -5, steps: [legal]}\n",
		 "3:15: negative amount '-5' for 'above'");
	load_bad("contracts:\n  approval:\n    - {above: 10}\n",
		 "3:7: approval rule without steps");
	load_bad("contracts:\n  aproval: []\n", "2:3: unknown key 'aproval'");
	load_bad("approvers:\n  manager: [bob]\n", "2:3: invalid approver group 'manager'");
	load_bad("payments:\n  plans:\n    half: [50, 40]\n",
		 "3:11: plan 'half' adds up to 90.00%, not 100%");
}

static void test_lead_fields(void **state)
{
	(void)state;
	size_t n = 0;
	while (crm_lead_fields[n])
		n++;
	assert_int_equal(n, 16);
	assert_string_equal(crm_lead_fields[0], "name");
	assert_string_equal(crm_lead_fields[15], "notes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_man_example),
		cmocka_unit_test(test_pipelines),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_type_errors),
		cmocka_unit_test(test_pipeline_errors),
		cmocka_unit_test(test_custom_field_errors),
		cmocka_unit_test(test_rule_errors),
		cmocka_unit_test(test_followup_and_lists),
		cmocka_unit_test(test_many_errors),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_custom_field_check),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_lead_fields),
		cmocka_unit_test(test_sales),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
