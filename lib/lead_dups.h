/* lead_dups.h: the SQL that finds the duplicates among newly imported
 * leads, for lead_import.c and for the PostgreSQL function that runs it
 * beyond the importer's own rows (security_pg.c, crm_lead_dups).  after
 * is the SQL of the last id before the import; a SELECT of (id, first, k).
 *
 * first is the smallest id sharing the key, so an existing lead is
 * preferred to an earlier row of the file.  Into a new table: per key, a
 * streaming GROUP BY over the key's index finds the groups with more than
 * one lead, joined back to their members.  Into a filled one: each new
 * row looks its keys up in the indexes. */
#ifndef CRM_LEAD_DUPS_H
#define CRM_LEAD_DUPS_H

#define CRM_LEAD_DUP_GROUPS(after, keys, cond, k, join)                                   \
	"SELECT l.id, g.first, " k " FROM (SELECT " keys ", min(id) AS first FROM leads"    \
	" WHERE " cond " GROUP BY " keys " HAVING count(*) > 1 AND max(id) > " after ") g" \
	" JOIN leads l ON " join " WHERE l.id > " after " AND l.id > g.first"
#define CRM_LEAD_DUPS_PHONE(after) \
	CRM_LEAD_DUP_GROUPS(after, "phone_norm", "phone_norm IS NOT NULL", "1", "l.phone_norm = g.phone_norm")
#define CRM_LEAD_DUPS_EMAIL(after) \
	CRM_LEAD_DUP_GROUPS(after, "email_norm", "email_norm IS NOT NULL", "2", "l.email_norm = g.email_norm")
#define CRM_LEAD_DUPS_COMPANY(after)                                                        \
	CRM_LEAD_DUP_GROUPS(after, "company_norm, name_norm",                               \
			    "company_norm IS NOT NULL AND name_norm IS NOT NULL", "3",      \
			    "l.company_norm = g.company_norm AND l.name_norm = g.name_norm")
/* nf: the dialect's no_flatten, which keeps the subquery a co-routine:
 * each look-up runs once */
#define CRM_LEAD_DUPS_NEW(after, nf)                                                        \
	"SELECT id, CASE WHEN fp < id THEN fp WHEN fe < id THEN fe ELSE fc END,"           \
	"  CASE WHEN fp < id THEN 1 WHEN fe < id THEN 2 ELSE 3 END FROM ("                 \
	"  SELECT n.id,"                                                                   \
	"   (SELECT min(o.id) FROM leads o WHERE o.phone_norm = n.phone_norm) AS fp,"      \
	"   (SELECT min(o.id) FROM leads o WHERE o.email_norm = n.email_norm) AS fe,"      \
	"   (SELECT min(o.id) FROM leads o WHERE o.company_norm = n.company_norm"          \
	"    AND o.name_norm = n.name_norm) AS fc"                                         \
	"  FROM leads n WHERE n.id > " after nf ") AS f" /* PostgreSQL 15 wants its name */ \
	" WHERE fp < id OR fe < id OR fc < id"

#endif
