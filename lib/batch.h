/* batch.h: what every bulk update from TSV (crm-lead update, crm-account
 * update, crm-contact update) checks besides the values: that each id
 * comes once a batch, and that the read-only columns list prints (ids,
 * timestamps, names looked up from other records) come back unchanged, so
 * a file made by list goes back through update while an edit to such a
 * column is refused rather than silently dropped. */
#ifndef CRM_BATCH_H
#define CRM_BATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ctx.h"
#include "tsv.h"

/* The ids of one batch with the line each came on: a hash set, so a batch
 * of any size is checked in linear time. */
struct crm_batch_ids;
struct crm_batch_ids *crm_batch_ids_new(void);
void crm_batch_ids_free(struct crm_batch_ids *s);
/* Remember id as given on line; 0 when it is new, else the line it was
 * first given on (and nothing is remembered). */
long crm_batch_ids_add(struct crm_batch_ids *s, int64_t id, long line);

/* The read-only columns of a batch and a statement reading their stored
 * values.  expr[i] is the SQL expression of column i of t (NULL: not a
 * read-only column); from is the rest of the statement after the
 * selected expressions, with the record's id as :id and the visibility
 * rule (crm_ctx_bind_actor) so that a record the actor may not see is
 * not compared (the update reports it).  Returns 0, or an exit status
 * after reporting. */
struct crm_batch_ro;
int crm_batch_ro_new(struct crm_ctx *ctx, const struct crm_tsv *t, const char *const *expr,
		     const char *from, struct crm_batch_ro **out);
void crm_batch_ro_free(struct crm_batch_ro *ro);
/* 0 when every read-only column of t's current row holds the stored value
 * of record id (an empty cell standing for no value); 65 after reporting
 * "stdin:3: lead 7: column 'created_at' is read-only"; another status
 * when the database fails. */
int crm_batch_ro_check(struct crm_batch_ro *ro, const char *entity, int64_t id);

/* Run row(arg, apply) on every row of t (opened with crm_tsv_open_twice),
 * twice, so that the write lock is held only while rows are written.  First with apply false,
 * outside any transaction: the values, ids and read-only columns are
 * checked and every bad row reported, without the write lock, so bad
 * input never holds other writers up.  Only when every row was good is t
 * rewound, the transaction begun (crm_db_begin) and row called
 * with apply true.  row returns 0, 65 for a bad row (counted; the others
 * are still checked but nothing is written), or another status to stop.
 * Returns 0, 65 after "N bad rows, nothing updated", or another status;
 * *began says whether the caller must end a transaction (crm_ctx_end). */
int crm_batch_run(struct crm_ctx *ctx, struct crm_tsv *t,
		  int (*row)(void *arg, bool apply, long bad), void *arg, bool *began);

#endif
