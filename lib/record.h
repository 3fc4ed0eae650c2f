/* record.h: what every kind of customer record shares.  Accounts and
 * contacts are each a table of field definitions (struct crm_kind) that
 * drives one record of values, its checks, insert, load, audited apply,
 * bulk update, tags, list, show, dupes, merge and forget.  Leads keep their
 * own record (lead.h) but share the small pieces at the top: tags, the
 * custom-field JSON, the field-change report and the history section. */
#ifndef CRM_RECORD_H
#define CRM_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ctx.h"
#include "opts.h"
#include "out.h"

/* ---- pieces leads share ---- */

/* Split buf on , ， ; ； and rejoin the trimmed tags with "," without empties
 * or repeats, in place (the result is never longer).  buf holds at most
 * 1024 bytes of tags. */
void crm_tags_canonical(char *buf);
/* Canonical tags have plus given (remove: less given); malloc'd. */
char *crm_tags_edit(const char *have, const char *given, bool remove);

/* A growing string. */
struct crm_buf {
	char *s;
	size_t len, cap;
};
void crm_buf_add(struct crm_buf *b, const char *s);
/* Add "key":"value" to a JSON object being built in b (b->len 0 starts
 * it); crm_json_end closes it, leaving "" when nothing was added. */
void crm_json_member(struct crm_buf *b, const char *key, const char *value);
void crm_json_end(struct crm_buf *b);

/* The changes a command makes, as the TSV id, field, old_value, new_value
 * that -n prints.  fp NULL = count only. */
struct crm_diff {
	FILE *fp;
	bool header;		/* print the header line before the first row */
	long records;		/* records that changed */
	long fields;		/* fields that changed */
};
void crm_diff_row(struct crm_diff *d, int64_t id, const char *field, const char *old_value,
		  const char *new_value);

/* The audit rows of entity id and of the records merged into it (audit.h
 * CRM_AUDIT_MERGED), oldest first: at, actor, tool, action, field,
 * old_value, new_value, merged_from (the merged record's id, empty for
 * the record's own rows).  The caller has checked visibility. */
int crm_history_print(struct crm_ctx *ctx, const char *entity, int64_t id, struct crm_out *o);

/* "42" => 42; reports "invalid ENTITY id 'x'" and returns 64 otherwise. */
int crm_id_parse(const char *entity, const char *s, int64_t *id);

/* ---- kinds of record ---- */

/* Unowned accounts and contacts are seen and changed by managers and
 * admins only: there is no pool for customers. */
#define CRM_SQL_VISIBLE_OWNED(owner) \
	"((" owner " IS NULL AND :actor_role >= 1) OR " CRM_SQL_VISIBLE(owner) ")"

enum crm_fkind {
	CRM_FK_TEXT, CRM_FK_PHONE, CRM_FK_EMAIL, CRM_FK_TAGS, CRM_FK_SOURCE,
	CRM_FK_OWNER,		/* a login; stored as owner_id */
	CRM_FK_ACCOUNT,		/* an account id the actor may see */
};

struct crm_field {
	const char *name;	/* in TSV headers, options and audit rows */
	const char *column;	/* of the table */
	enum crm_fkind kind;
	size_t max_len;		/* bytes */
	bool personal;		/* erased by forget */
};

/* A read-only column of list and show (an SQL expression over t, the
 * record, and u, its owner). */
struct crm_col {
	const char *name;
	const char *expr;
	bool listed;		/* one of list's default columns */
};

struct crm_db;

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
};

/* Handles of the fields every kind has. */
int crm_kind_field(const struct crm_kind *k, const char *name);

/* ---- one record of values ---- */

struct crm_rec;

struct crm_rec *crm_rec_new(struct crm_ctx *ctx, const struct crm_kind *k);
void crm_rec_free(struct crm_rec *r);
void crm_rec_clear(struct crm_rec *r);
const struct crm_kind *crm_rec_kind(const struct crm_rec *r);
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
/* Value of a set field ("" for no value), NULL when not set. */
const char *crm_rec_get(const struct crm_rec *r, int h);
bool crm_rec_any_set(const struct crm_rec *r);
/* Forget the fields set to no value (an import's empty cells). */
void crm_rec_unset_empty(struct crm_rec *r);
void crm_rec_trust_utf8(struct crm_rec *r, bool trusted);
/* Account references the caller vouches for skip the visibility check. */
void crm_rec_trust_refs(struct crm_rec *r, bool trusted);
void crm_rec_where(struct crm_rec *r, const char *where);
/* The lead a new record is converted from (accounts.lead_id...). */
void crm_rec_set_lead(struct crm_rec *r, int64_t lead_id);
/* Required custom fields and a name: 0 or 65 with crm_rec_error(). */
int crm_rec_check_new(struct crm_rec *r);

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

/* Duplicate keys: text normalised (lib/normalise.h) and bound to st at
 * i, or NULL when it gives no key. */
enum crm_key { CRM_KEY_COMPANY, CRM_KEY_NAME, CRM_KEY_PHONE, CRM_KEY_EMAIL };
struct crm_stmt;
void crm_rec_bind_key(struct crm_stmt *st, int i, const char *text, enum crm_key kind);

/* ---- commands: one transaction each, -n honoured ---- */

int crm_rec_add(struct crm_ctx *ctx, struct crm_rec *r, FILE *out);
int crm_rec_update(struct crm_ctx *ctx, int64_t id, struct crm_rec *r, FILE *out);
/* TSV on in: an id column plus field columns; an empty cell clears. */
int crm_rec_update_tsv(struct crm_ctx *ctx, const struct crm_kind *k, FILE *in,
		       const char *name, FILE *out);
int crm_rec_tag(struct crm_ctx *ctx, const struct crm_kind *k, int64_t id, char **tags,
		int ntags, bool remove, FILE *out);

struct crm_rec_filter {
	const char *owner, *tag, *search, *since, *until;
	const char *industry, *region, *source;	/* accounts */
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

/* ---- record_tool.c: the subcommands of crm-account and crm-contact ----
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

#endif
