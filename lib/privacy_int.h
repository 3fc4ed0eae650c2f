/* privacy_int.h: what privacy.c (gathering, forget) shares with
 * privacy_export.c: the temporary tables of one person's records and the
 * SQL that reads them. */
#ifndef CRM_PRIVACY_INT_H
#define CRM_PRIVACY_INT_H

#include "ctx.h"

#define SET(e) "(SELECT id FROM privacy_rec WHERE entity = '" e "')"
#define PERSON_ACCOUNTS "(SELECT id FROM privacy_rec WHERE entity = 'account' AND person = 1)"
#define ERASED_ACCOUNTS "(SELECT id FROM privacy_rec WHERE entity = 'account' AND erase = 1)"
#define KEYS(kind) "(SELECT key FROM privacy_key WHERE kind = '" kind "')"

struct crm_buf;
/* Append SQL: does text column col hold one of the person's texts? */
void crm_privacy_has_value(struct crm_buf *q, struct crm_db *db, const char *col);

/* Register the normalisers as SQL functions (crm_norm_phone, _email,
 * _name, _company) and keep temporary tables in memory; before BEGIN. */
int crm_privacy_session_open(struct crm_ctx *ctx);
/* Create (or empty) privacy_rec, privacy_key, privacy_name, privacy_value. */
int crm_privacy_session_tables(struct crm_ctx *ctx);
/* Grow privacy_rec from what it and privacy_key hold to a fixed point,
 * then add the deals, tasks and interactions about it and gather the
 * person's texts into privacy_value. */
int crm_privacy_gather(struct crm_ctx *ctx);

#endif
