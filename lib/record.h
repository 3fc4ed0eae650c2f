/* record.h: the record engine every kind of customer record uses.  A kind
 * (struct crm_kind) is a table of field definitions plus a few hooks; it
 * drives one record of values, its checks, insert, load, audited apply,
 * bulk update, tags, list, show, dupes, merge and forget.  Accounts,
 * contacts and leads are kinds (account.c, contact.c, lead.c); so are
 * deals for add and update (deal.c), their pipeline rules as hooks.
 *
 * A new kind (products, quotes, ...) is one file, lib/KIND.c, whose header
 * declares `extern const struct crm_kind crm_KIND_kind;`:
 *
 *   static const char *price_why(const struct crm_config *cfg, const char *v)
 *   {
 *           return crm_money_amount(v, ...) ? "invalid price" : NULL;
 *   }
 *   static const struct crm_field fields[] = {
 *           {"name", "name", CRM_FK_TEXT, 200, .required = true},
 *           {"price", "price", CRM_FK_TEXT, 30, .check = price_why},
 *           {"status", "status", CRM_FK_TEXT, 20, .initial = "active"},
 *           {"owner", "owner_id", CRM_FK_OWNER, 100, .personal = false},
 *   };
 *   static const struct crm_dupkey keys[] = {{"name", "name_norm", CRM_KEY_NAME}};
 *   static const struct crm_col cols[] = {
 *           {"id", "t.id", .listed = true}, {"name", "t.name", .listed = true}, ...
 *           {"owner", "u.login", .listed = true},
 *   };
 *   const struct crm_kind crm_product_kind = {
 *           .entity = "product", .table = "products",
 *           .fields = fields, .nfields = 4, .cols = cols, .ncols = ...,
 *           .keys = keys, .nkeys = 1,
 *           .written = after_write,   (values derived after a write: a total)
 *   };
 *
 * Its table (a migration in schema.c) has the field columns, custom (a
 * JSON object), the key columns, owner_id, created_at and updated_at
 * (lead_id with .from_lead; created_by and assigned_at with .pool).  A
 * check returns NULL, or why the trimmed, non-empty value is refused; the
 * value is quoted after it.  The commands (crm_rec_add, crm_rec_update,
 * crm_rec_update_tsv, crm_rec_list, crm_rec_show, ...) then work for the
 * kind, and a tool is cmd/crm-KIND.c, as crm-account.c: its options (one
 * per field, then CRM_RT_LONGOPTS), its help, and a struct crm_rec_tool
 * run by crm_rt_main, which holds the subcommands (record_cmd.c):
 *
 *   static const char short_opts[] = CRM_SHORTOPTS;
 *   static const struct option long_opts[] = {
 *           CRM_LONGOPTS,
 *           {"name", required_argument, NULL, CRM_RT_FIELD + 0},
 *           {"price", required_argument, NULL, CRM_RT_FIELD + 1}, ...
 *           CRM_RT_LONGOPTS,
 *           {0},
 *   };
 *   static const struct crm_rec_tool tool = {
 *           &crm_product_kind, short_opts, long_opts, NULL, NULL,
 *   };
 *   static void usage(FILE *fp)
 *   {
 *           if (!crm_usage_head(fp, "crm-product", crm_rt_cmds(&tool)))
 *                   return;
 *           fputs("\nKeep the products ...\n" ... CRM_RT_IMPORT_HELP ...
 *                 "See crm-product(1).\n", fp);
 *   }
 *   int main(int argc, char **argv)
 *   {
 *           return crm_rt_main(&tool, argc, argv, usage);
 *   }
 *
 * A tool that adds subcommands of its own keeps its own struct crm_subcmd
 * table and calls crm_rt_add, crm_rt_list ... from it with &tool. */
#ifndef CRM_RECORD_H
#define CRM_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "change.h"
#include "ctx.h"
#include "opts.h"
#include "out.h"
#include "text.h"

/* ---- pieces every kind shares ---- */

/* The audit rows of entity id and of the records merged into it (audit.h
 * CRM_AUDIT_MERGED), oldest first: at, actor, tool, action, field,
 * old_value, new_value, merged_from (the merged record's id, empty for
 * the record's own rows).  The caller has checked visibility. */
int crm_history_print(struct crm_ctx *ctx, const char *entity, int64_t id, struct crm_out *o);

/* "42" => 42; reports "invalid ENTITY id 'x'" and returns 64 otherwise. */
int crm_id_parse(const char *entity, const char *s, int64_t *id);

/* ---- kinds of record ---- */

/* Two statements of a repoint (?1 the merged record, ?2 the kept one):
 * reminders already sent about record ?1 become the kept record's, but
 * one the kept record has already had on that day is dropped instead. */
#define CRM_SQL_REPOINT_REMINDERS(type) \
	"DELETE FROM reminders_sent WHERE subject_type = '" type "' AND subject_id = ?1" \
	" AND EXISTS (SELECT 1 FROM reminders_sent k WHERE k.day = reminders_sent.day" \
	" AND k.recipient_id = reminders_sent.recipient_id AND k.subject_type = '" type "'" \
	" AND k.subject_id = ?2 AND k.reason = reminders_sent.reason)", \
	"UPDATE reminders_sent SET subject_id = ?2 WHERE subject_type = '" type "' AND subject_id = ?1"

/* Unowned accounts and contacts are seen and changed by managers and
 * admins only: there is no pool for customers. */
#define CRM_SQL_VISIBLE_OWNED(owner) \
	"((" owner " IS NULL AND :actor_role >= 1) OR " CRM_SQL_VISIBLE(owner) ")"

enum crm_fkind {
	CRM_FK_TEXT, CRM_FK_PHONE, CRM_FK_EMAIL, CRM_FK_TAGS, CRM_FK_SOURCE,
	CRM_FK_OWNER,		/* a login; stored as owner_id */
	CRM_FK_ACCOUNT,		/* an account id the actor may see */
	CRM_FK_INT,		/* an integer, stored as one; an emptied value is 0 */
	CRM_FK_MONEY,		/* cents, stored as an integer, shown "1200.00"; emptied "0.00" */
	CRM_FK_REF,		/* an id of table ref the actor may see */
};

/* Refusals a kind may word its own way (struct crm_kind refuse). */
enum crm_refusal {
	CRM_REFUSE_TOO_LONG,	/* why: "too long (N bytes, at most M)" */
	CRM_REFUSE_CUSTOM,	/* a custom field's check: why */
	CRM_REFUSE_MISSING,	/* a reference to a row that is not there */
};

struct crm_config;

struct crm_field {
	const char *name;	/* in TSV headers, options and audit rows */
	const char *column;	/* of the table */
	enum crm_fkind kind;
	size_t max_len;		/* bytes */
	bool personal;		/* erased by forget */
	bool required;		/* may not be emptied */
	/* NULL, or why the trimmed, non-empty value is refused ("unknown
	 * status"); the value is quoted after it. */
	const char *(*check)(const struct crm_config *cfg, const char *value);
	const char *initial;	/* the value of a new record that gives none */
	/* NULL, or the canonical form of the trimmed, non-empty value (in
	 * buf, or value itself), or NULL with why; runs after check, with the
	 * context (now, the config).  The value is quoted after why. */
	const char *(*canon)(struct crm_ctx *ctx, const char *value, char *buf, size_t n,
			     const char **why);
	/* CRM_FK_REF: the table referred to (the field's name is its entity),
	 * and NULL or a column of it kept as the reference's parent
	 * (crm_rec_ref_parent): a contact's account_id. */
	const char *ref;
	const char *ref_parent;
};

/* Duplicate keys: text normalised (lib/normalise.h). */
enum crm_key { CRM_KEY_COMPANY, CRM_KEY_NAME, CRM_KEY_PHONE, CRM_KEY_EMAIL };

/* A duplicate key column of a kind, kept from the field of that name. */
struct crm_dupkey {
	const char *field;
	const char *column;
	enum crm_key key;
};

/* A read-only column of list and show (an SQL expression over t, the
 * record, and u, its owner). */
struct crm_col {
	const char *name;
	const char *expr;
	bool listed;		/* one of list's default columns */
	enum crm_col_kind type;	/* 0 (text) says nothing: id is an integer then */
};

struct crm_db;
struct crm_rec;

struct crm_kind {
	const char *entity;		/* "account": audit, custom_fields, messages */
	const char *table;		/* "accounts" */
	const struct crm_field *fields;
	int nfields;
	const struct crm_col *cols;	/* list and show columns, in order */
	int ncols;
	bool company;			/* the name is a company's (crm_norm_company) */
	bool custom_personal;		/* forget erases the custom fields too */
	const char *name_key;		/* SQL over t: the third duplicate key */
	const char *name_match;		/* what dupes calls a match on it */
	/* Point everything that refers to record from at record to. */
	int (*repoint)(struct crm_db *db, int64_t from, int64_t to);
	const struct crm_dupkey *keys;	/* kept on every write */
	int nkeys;
	/* A new record must have one of these fields (NULL = "name"). */
	const char *const *one_of;
	bool from_lead;			/* has lead_id: the lead it came from */
	/* Unowned records wait in a pool everyone sees (else they are the
	 * managers'); the creator and the time of assignment are kept. */
	bool pool;
	bool quote_given;		/* refusals quote the value as given, untrimmed */
	/* After a record is inserted (created) or changed (chg: the fields
	 * set), for the values derived from others; batch: an import that
	 * derives them for its whole batch.  0 or an exit status. */
	int (*written)(struct crm_rec *r, int64_t id, bool created, bool batch);
	/* NULL, or whether the config computes field h: then a bulk update
	 * only checks its column, like list's read-only columns. */
	bool (*computed)(const struct crm_config *cfg, int h);
	/* Bulk update: an id not found stops the batch (1) instead of being
	 * a bad row, and after a bad row ids are no longer looked up. */
	bool missing_stops;
	/* NULL, or the kind's own wording of a refusal of field h with why
	 * and value: into out, returning the status; 0 keeps the engine's
	 * ("why 'value'", 65). */
	int (*refuse)(const struct crm_rec *r, int h, enum crm_refusal what, const char *why,
		      const char *value, char *out, size_t n);
	/* A new record with no owner is the actor's, whatever the role. */
	bool owner_is_actor;
	/* A new record with no owner does not take its account's owner (the
	 * kind gives it one of its own: tickets by their rules). */
	bool no_account_owner;
	/* NULL, or the checks of a new record that replace crm_rec_check_new's:
	 * 0, or a status after reporting; it may put values. */
	int (*check_new)(struct crm_rec *r);
	/* NULL, or a check of the changes chg against the stored record cur
	 * before apply writes anything: 0, or a status after reporting. */
	int (*changing)(struct crm_rec *chg, const struct crm_rec *cur, int64_t id);
	/* NULL, or the insert of a new record (owner resolved and checked):
	 * the row, what comes with it, and its audit rows when audit. */
	int (*insert)(struct crm_rec *r, bool audit, int64_t *id);
	/* Apply changes custom fields in the order they were given (else the
	 * config's), and an emptied custom object stays "{}". */
	bool custom_given_order;
	bool custom_keep_empty;
	/* Custom values are checked and kept as given: untrimmed, their
	 * UTF-8 left to the field's check. */
	bool custom_as_given;
	/* bytes of a custom value; 0 = 10000 */
	size_t custom_max_len;
	/* NULL, or the record an import row r duplicates (0: none) with the
	 * key that matched in *key, for a kind whose duplicates are neither an
	 * account's nor a contact's (products: the sku).  Its records are
	 * visible to whoever may import them. */
	int64_t (*import_dup)(struct crm_rec *r, const char **key);
	/* NULL, or more text fields list filters by, equal to the value given
	 * (crm_rec_filter eq[i] for filters[i]); at most CRM_REC_FILTERS. */
	const char *const *filters;
	/* NULL (name and e-mail folded, phone exact), or the columns over t
	 * that --search looks in, folded, NULL-ended. */
	const char *const *searched;
	/* NULL, or who sees a record, over t (default CRM_SQL_VISIBLE_OWNED,
	 * or CRM_SQL_VISIBLE_LEAD for a pool): with the actor's parameters. */
	const char *visible;
};
/* The kind's visibility SQL over t. */
const char *crm_kind_visible(const struct crm_kind *k);
#define CRM_REC_FILTERS 4

/* The source s names (CRM_FK_SOURCE): s itself when it is an id or the
 * config lists none, the id of the source it is the display name of, or
 * NULL. */
const char *crm_source_id(const struct crm_config *cfg, const char *s);

/* The --tag and --search filters of lists, appended to the SQL in q
 * (" AND ..." over t, binding :tag or :search), through the dialect's
 * strpos: a tag among t.tags; the text in one of the columns folded
 * (ASCII case ignored, NULL-ended), or as it is in column exact (NULL:
 * none). */
struct crm_buf;
void crm_sql_tag_filter(struct crm_ctx *ctx, struct crm_buf *q);
void crm_sql_search_filter(struct crm_ctx *ctx, struct crm_buf *q, const char *const *folded,
			   const char *exact);

/* Handles of the fields every kind has. */
int crm_kind_field(const struct crm_kind *k, const char *name);

/* ---- one record of values ---- */

struct crm_rec;

struct crm_rec *crm_rec_new(struct crm_ctx *ctx, const struct crm_kind *k);
void crm_rec_free(struct crm_rec *r);
void crm_rec_clear(struct crm_rec *r);
const struct crm_kind *crm_rec_kind(const struct crm_rec *r);
struct crm_ctx *crm_rec_ctx(const struct crm_rec *r);
/* The handle of a built-in or custom field, or -1. */
int crm_rec_field(const struct crm_rec *r, const char *name);
const char *crm_rec_field_name(const struct crm_rec *r, int h);
int crm_rec_nfields(const struct crm_rec *r);
/* Check value and keep its canonical form: 0, or 65 with the reason in
 * crm_rec_error(), unreported. */
int crm_rec_put(struct crm_rec *r, int h, const char *value);
/* By name, reporting: unknown field (64) or the reason (65). */
int crm_rec_set(struct crm_rec *r, const char *field, const char *value);
int crm_rec_set_pair(struct crm_rec *r, const char *pair);
const char *crm_rec_error(const struct crm_rec *r);
/* For a kind's check_new: keep the reason as crm_rec_error(), unreported,
 * and return 65. */
int crm_rec_refuse(struct crm_rec *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Value of a set field ("" for no value), NULL when not set. */
const char *crm_rec_get(const struct crm_rec *r, int h);
bool crm_rec_any_set(const struct crm_rec *r);
/* The parent column (crm_field ref_parent) of the row the last
 * reference put names, or 0. */
int64_t crm_rec_ref_parent(const struct crm_rec *r);
/* The owner a new record gets (after crm_rec_insert), or the owner slot's
 * user. */
int64_t crm_rec_owner_id(const struct crm_rec *r);
/* Forget the fields set to no value (an import's empty cells). */
void crm_rec_unset_empty(struct crm_rec *r);
void crm_rec_trust_utf8(struct crm_rec *r, bool trusted);
/* Account references the caller vouches for skip the visibility check. */
void crm_rec_trust_refs(struct crm_rec *r, bool trusted);
void crm_rec_where(struct crm_rec *r, const char *where);
/* The lead a new record is converted from (accounts.lead_id...). */
void crm_rec_set_lead(struct crm_rec *r, int64_t lead_id);
/* Required custom fields and one of the kind's one_of: 0 or 65 with
 * crm_rec_error(). */
int crm_rec_check_new(struct crm_rec *r);
/* The custom fields with a value as a JSON object ("" when none). */
const char *crm_rec_custom_json(struct crm_rec *r);
/* Compute the duplicate keys and the custom JSON now (crm_rec_insert does
 * it otherwise), so that another thread can do that work. */
void crm_rec_prepare(struct crm_rec *r);

/* Every login with its user id, read once, so that records can resolve
 * owners without the database (from a thread that must not use it). */
struct crm_owners;
struct crm_owners *crm_owners_load(struct crm_ctx *ctx);
void crm_owners_free(struct crm_owners *o);
void crm_rec_use_owners(struct crm_rec *r, const struct crm_owners *o);

/* Insert as a new record inside the caller's transaction.  A rep's record
 * with no owner becomes the rep's; a contact with no owner takes its
 * account's.  check: refuse (77) an owner the actor may not give records
 * to.  audit: one audit row per value. */
int crm_rec_insert(struct crm_rec *r, bool check, bool audit, int64_t *id);
/* Load record id (every field set), checking the actor may see it (and
 * change it, when for_change); 1 when there is none. */
int crm_rec_load(struct crm_rec *r, int64_t id, bool for_change);
/* Write the fields set in chg that differ from record id, one audit row
 * (action) each, checking permissions (77). */
int crm_rec_apply(struct crm_rec *chg, int64_t id, const char *action, struct crm_diff *diff);

/* For the link-or-create functions of conversion and imports: put value
 * (nothing when empty) into field name of r; 0, or 65 after reporting
 * "where: why". */
int crm_rec_seed_put(struct crm_rec *r, const char *name, const char *value, const char *where);
/* The login of user id ("" for 0 or none), malloc'd: owners are fields
 * given by login. */
char *crm_rec_login_of(struct crm_ctx *ctx, int64_t id);

/* A duplicate key bound to st at i, or NULL when text gives no key. */
struct crm_stmt;
void crm_rec_bind_key(struct crm_stmt *st, int i, const char *text, enum crm_key kind);

/* ---- commands: one transaction each, -n honoured ---- */

/* The change report of a command: printed (to out) only by a dry run. */
static inline struct crm_diff crm_rec_diff(struct crm_ctx *ctx, FILE *out)
{
	return (struct crm_diff){ctx->opts->dry_run ? out : NULL, !ctx->opts->no_header, 0, 0};
}

int crm_rec_add(struct crm_ctx *ctx, struct crm_rec *r, FILE *out);
int crm_rec_update(struct crm_ctx *ctx, int64_t id, struct crm_rec *r, FILE *out);
/* record_bulk.c.  TSV on in: an id column plus field columns; an empty
 * cell clears. */
int crm_rec_update_tsv(struct crm_ctx *ctx, const struct crm_kind *k, FILE *in,
		       const char *name, FILE *out);
int crm_rec_tag(struct crm_ctx *ctx, const struct crm_kind *k, int64_t id, char **tags,
		int ntags, bool remove, FILE *out);

struct crm_rec_filter {
	const char *owner, *tag, *search, *since, *until;
	const char *industry, *region, *source;	/* accounts */
	const char *eq[CRM_REC_FILTERS];	/* the kind's filters, in order */
	int64_t account;			/* contacts of one account; parent for accounts */
	bool unowned;
	int64_t id;				/* 0 = any */
	const char *fields;			/* "a,b", NULL = the default columns */
	const char *sort;			/* "field" or "-field"; NULL = id */
	long limit;				/* < 0 = none */
};
void crm_rec_filter_init(struct crm_rec_filter *f);
int crm_rec_list(struct crm_ctx *ctx, const struct crm_kind *k, const struct crm_rec_filter *f,
		 FILE *out);
/* Columns picked by name (--fields, --sort): one of the kind's, or a
 * custom field of its entity. */
struct crm_pick {
	const struct crm_col *col;
	const struct crm_custom_field *cf;	/* when col is NULL */
};
/* 0, or -1 when name is neither. */
int crm_pick_find(struct crm_ctx *ctx, const struct crm_kind *k, const char *name,
		  struct crm_pick *p);
/* "a,b" into a malloc'd array (NULL: the listed columns, then the custom
 * fields); 0, or 64 after "unknown field 'x' in --fields". */
int crm_picks_parse(struct crm_ctx *ctx, const struct crm_kind *k, const char *spec,
		    struct crm_pick **out, size_t *n);
/* Bind the JSON paths of the custom fields among picks to :cfK, :cfK+1...
 * (*k counts on). */
void crm_picks_bind(struct crm_ctx *ctx, struct crm_stmt *st, const struct crm_pick *picks,
		    size_t n, int *k);
/* Append to q the value of a custom field of the JSON column custom
 * ("t.custom"), its member key the parameter :cfN (N = *ncf, counted on),
 * as a number when numeric (for --sort); crm_sql_custom_bind binds the key
 * of field name to the next :cfN.  Both through the dialect. */
void crm_sql_custom(struct crm_ctx *ctx, struct crm_buf *q, const char *custom, int *ncf,
		    bool numeric);
void crm_sql_custom_bind(struct crm_ctx *ctx, struct crm_stmt *st, const char *name, int *k);
const char *crm_pick_name(const struct crm_pick *p);

/* The profile of record id: every column and custom field, as one TSV row
 * (vertical: field/value rows).  Checks visibility. */
int crm_rec_profile(struct crm_ctx *ctx, const struct crm_kind *k, int64_t id, bool vertical,
		    struct crm_out *o);
/* Profile, then "# history" (table: blank line between). */
int crm_rec_show(struct crm_ctx *ctx, const struct crm_kind *k, int64_t id, FILE *out);
int crm_rec_dupes(struct crm_ctx *ctx, const struct crm_kind *k, FILE *out);
int crm_rec_merge(struct crm_ctx *ctx, const struct crm_kind *k, int64_t keep,
		  const int64_t *dups, int ndups, FILE *out);
/* Forget the person of record id everywhere (privacy.h); more (not NULL)
 * says the account is a private person, whose name and address go too. */
int crm_rec_forget(struct crm_ctx *ctx, const struct crm_kind *k, int64_t id,
		   const char *const *more, FILE *out);
/* Completion values: "fields". */
void crm_rec_complete_fields(struct crm_ctx *ctx, const struct crm_kind *k, FILE *out);

/* ---- record_import.c: bulk import of a kind from CSV or TSV files ---- */
enum crm_import_dup { CRM_IMPORT_SKIP, CRM_IMPORT_UPDATE, CRM_IMPORT_ERROR };
struct crm_rec_import_opts {
	int format;		/* enum crm_rows_format */
	const char *map;	/* "Header=field,..." */
	enum crm_import_dup on_duplicate;
	bool skip_bad;
	const char *reject;	/* with skip_bad; NULL = stderr */
};
/* Print the ids created (or linked) as TSV headed "id" and "status" (new,
 * duplicate, updated).  Returns 0 or an exit status after reporting. */
int crm_rec_import(struct crm_ctx *ctx, const struct crm_kind *k,
		   const struct crm_rec_import_opts *o, char **files, int nfiles, FILE *out);

/* ---- record_cmd.c: the subcommands of a tool of one kind (crm-account,
 * crm-contact) ----
 * A tool lists its options (getopt_long); an option named like a field of
 * the kind sets that field (add, update) or filters by it (list: owner,
 * account, industry, region, source); the others use these codes. */
enum {
	CRM_RT_FIELD = CRM_OPT_TOOL,	/* + any number below 32: a field option */
	CRM_RT_SET = CRM_OPT_TOOL + 32, CRM_RT_CSV, CRM_RT_TSV, CRM_RT_MAP, CRM_RT_ON_DUP,
	CRM_RT_SKIP_BAD, CRM_RT_REJECT, CRM_RT_UNOWNED, CRM_RT_TAG, CRM_RT_SINCE,
	CRM_RT_UNTIL, CRM_RT_SEARCH, CRM_RT_FIELDS, CRM_RT_SORT, CRM_RT_LIMIT, CRM_RT_PERSON,
	CRM_RT_END
};
_Static_assert((int)CRM_RT_END <= (int)CRM_OPT_END, "crm_args holds the record tools' codes");

/* The long options of the CRM_RT_* codes (forget's --person aside), for a
 * tool's long_opts after CRM_LONGOPTS and its field options. */
#define CRM_RT_LONGOPTS \
	{"set", required_argument, NULL, CRM_RT_SET}, \
	{"csv", no_argument, NULL, CRM_RT_CSV}, \
	{"tsv", no_argument, NULL, CRM_RT_TSV}, \
	{"map", required_argument, NULL, CRM_RT_MAP}, \
	{"on-duplicate", required_argument, NULL, CRM_RT_ON_DUP}, \
	{"skip-bad", no_argument, NULL, CRM_RT_SKIP_BAD}, \
	{"reject", required_argument, NULL, CRM_RT_REJECT}, \
	CRM_FORCEOPT, \
	{"unowned", no_argument, NULL, CRM_RT_UNOWNED}, \
	{"tag", required_argument, NULL, CRM_RT_TAG}, \
	{"since", required_argument, NULL, CRM_RT_SINCE}, \
	{"until", required_argument, NULL, CRM_RT_UNTIL}, \
	{"search", required_argument, NULL, CRM_RT_SEARCH}, \
	{"fields", required_argument, NULL, CRM_RT_FIELDS}, \
	{"sort", required_argument, NULL, CRM_RT_SORT}, \
	{"limit", required_argument, NULL, CRM_RT_LIMIT}
/* Their help under "Import options:", the same for every such tool. */
#define CRM_RT_IMPORT_HELP \
	"Import options:\n" \
	"      --csv                 read CSV whatever the file name\n" \
	"      --tsv                 read TSV whatever the file name\n" \
	"      --map <H=field,...>   take field from the column headed H\n" \
	"      --on-duplicate <p>    skip (default), update or error\n" \
	"      --skip-bad            import the good rows, reject the bad ones\n" \
	"      --reject <file>       where rejected rows go (default stderr)\n" \
	"      --force               overwrite an existing reject file\n"

struct crm_rec_tool {
	const struct crm_kind *kind;
	const char *short_opts;
	const struct option *long_opts;
	int (*show)(struct crm_ctx *ctx, int64_t id, FILE *out);
	const char *const *person_fields;	/* what forget --person erases too */
};

int crm_rt_add(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv);
int crm_rt_import(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv);
int crm_rt_list(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv);
int crm_rt_show(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv);
int crm_rt_update(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv);
int crm_rt_tag(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv);
int crm_rt_untag(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv);
int crm_rt_dupes(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv);
int crm_rt_merge(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv);
int crm_rt_forget(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv);
/* --complete=KIND: fields and duplicate policies here, the rest (the
 * subcommands among them) through crm_complete(). */
int crm_rt_complete(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv);

/* The subcommands above as one table run on t (add import list show
 * update tag untag dupes merge forget, and --complete), for the synopsis
 * of the tool's usage. */
const struct crm_subcmd *crm_rt_cmds(const struct crm_rec_tool *t);
/* The whole main() of such a tool: crm_main over crm_rt_cmds(t). */
int crm_rt_main(const struct crm_rec_tool *t, int argc, char **argv, void (*usage)(FILE *));

#endif
