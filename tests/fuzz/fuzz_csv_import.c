/* fuzz_csv_import.c: the whole lead import path (lib/csv.c, lib/rows.c,
 * lib/colmap.c, the lead field checks and lib/lead_import.c with its reader
 * thread) on any file, into an in-memory database, as a dry run.
 *
 * Input: one flags byte, then the file.  Flags: bit 0 --skip-bad, bits 1-2
 * --on-duplicate (skip update error allow), bit 3 into a database that
 * already holds leads (else an empty one, where the importer drops and
 * rebuilds the indexes), bit 4 read as TSV instead of CSV, bit 5 a default
 * --source and --campaign.
 *
 * Besides not crashing: the import ends with 0 or 65 (bad data is all an
 * import can meet here), and the dry run leaves the database as it found
 * it, indexes included, with no transaction open. */
#include <stdbool.h>
#include <sysexits.h>
#include <unistd.h>

#include "ctx.h"
#include "db.h"
#include "fuzz.h"
#include "lead_import.h"

/* Custom fields of every type and a few aliases, so the checks behind
 * them are reached; sources are left open, as most configs do. */
static const char import_config[] =
	"custom_fields:\n"
	"  lead:\n"
	"    - {name: budget, type: money}\n"
	"    - {name: employees, type: number}\n"
	"    - {name: met_on, type: date}\n"
	"    - {name: size, type: enum, values: [small, medium, large]}\n"
	"    - {name: wechat_id, type: text}\n"
	"import:\n"
	"  aliases:\n"
	"    微信号: wechat_id\n"
	"    预算: budget\n"
	"    规模: size\n";

static const char import_prefill[] =
	"姓名,公司,手机,邮箱,地区,来源\n"
	"张伟,上海华信精密机械有限公司,138 1234 5678,zhangwei@huaxin-jm.cn,上海,expo\n"
	"李娜,杭州云帆网络科技有限公司,+86 139-5711-2233,lina@yunfan.tech,浙江,web\n"
	"Wang Fang,Jinling Medical Co. Ltd.,025-8456 7788,wangfang@jlmed.com.cn,江苏,referral\n";

static struct {
	char dir[sizeof "/tmp/crm-fuzz-import-XXXXXX"];
	char *config, *csv, *tsv;
	struct crm_opts opts[2];
	struct crm_ctx ctx[2];	/* [0] empty, [1] prefilled */
	FILE *devnull;
	bool ready;
} imp;

static void import_cleanup(void)
{
	for (int i = 0; i < 2; i++)
		crm_ctx_close(&imp.ctx[i]);
	unlink(imp.config);
	unlink(imp.csv);
	unlink(imp.tsv);
	rmdir(imp.dir);
	free(imp.config);
	free(imp.csv);
	free(imp.tsv);
	fclose(imp.devnull);
}

static char *import_path(const char *name)
{
	size_t n = strlen(imp.dir) + strlen(name) + 2;
	char *p = malloc(n);
	CRM_FUZZ_CHECK(p != NULL);
	snprintf(p, n, "%s/%s", imp.dir, name);
	return p;
}

static void import_init(void)
{
	if (imp.ready)
		return;
	imp.ready = true;
	strcpy(imp.dir, "/tmp/crm-fuzz-import-XXXXXX");
	CRM_FUZZ_CHECK(mkdtemp(imp.dir) != NULL);
	imp.config = import_path("crm.yaml");
	imp.csv = import_path("in.csv");
	imp.tsv = import_path("in.tsv");
	CRM_FUZZ_CHECK((imp.devnull = fopen("/dev/null", "w")) != NULL);
	crm_fuzz_write_file(imp.config, (const uint8_t *)import_config, sizeof import_config - 1);
	setenv("CRM_NOW", "2026-03-02T09:00:00Z", 1);
	setenv("TZ", "Asia/Shanghai", 1);
	for (int i = 0; i < 2; i++) {
		imp.opts[i] = (struct crm_opts){.db_path = ":memory:", .config_path = imp.config,
						.config_explicit = true, .quiet = true};
		CRM_FUZZ_CHECK(crm_ctx_open(&imp.ctx[i], &imp.opts[i]) == 0);
	}
	crm_fuzz_write_file(imp.csv, (const uint8_t *)import_prefill, sizeof import_prefill - 1);
	struct crm_import_opts o = {.format = CRM_ROWS_CSV, .on_duplicate = CRM_DUP_ALLOW};
	CRM_FUZZ_CHECK(crm_lead_import(&imp.ctx[1], &o, &imp.csv, 1, imp.devnull) == 0);
	imp.opts[0].dry_run = imp.opts[1].dry_run = true;
	atexit(import_cleanup);
}

/* Leads and indexes on leads: what the dry run must leave as it was. */
static void import_state(struct crm_ctx *ctx, int64_t *leads, int64_t *indexes)
{
	struct crm_stmt *st;
	CRM_FUZZ_CHECK(crm_db_prepare(ctx->db, "SELECT (SELECT count(*) FROM leads),"
		" (SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'leads')",
		&st) == CRM_OK);
	CRM_FUZZ_CHECK(crm_step(st) == CRM_ROW);
	*leads = crm_col_int(st, 0);
	*indexes = crm_col_int(st, 1);
	crm_stmt_finish(st);
}

int crm_fuzz_csv_import(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	import_init();
	unsigned flags = data[0];
	struct crm_ctx *ctx = &imp.ctx[(flags >> 3) & 1];
	bool tsv = flags & 16;
	struct crm_import_opts o = {
		.format = tsv ? CRM_ROWS_TSV : CRM_ROWS_CSV,
		.skip_bad = flags & 1,
		.on_duplicate = (enum crm_dup_policy)((flags >> 1) & 3),
		.source = flags & 32 ? "expo" : NULL,
		.campaign = flags & 32 ? "2026春季展" : NULL,
	};
	char *path = tsv ? imp.tsv : imp.csv;
	int64_t leads, indexes, leads_after, indexes_after;

	crm_fuzz_write_file(path, data + 1, size - 1);
	import_state(ctx, &leads, &indexes);
	int st = crm_lead_import(ctx, &o, &path, 1, imp.devnull);
	CRM_FUZZ_CHECK(st == 0 || st == EX_DATAERR);
	CRM_FUZZ_CHECK(!crm_db_in_transaction(ctx->db));
	import_state(ctx, &leads_after, &indexes_after);
	CRM_FUZZ_CHECK(leads_after == leads && indexes_after == indexes);
	return 0;
}

#ifdef CRM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return crm_fuzz_csv_import(data, size);
}
#endif
