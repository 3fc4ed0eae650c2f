/* pay_account.c: the payments section of the 360-degree view of an
 * account (crm_pay_account_section in pay.h): every instalment of its
 * contracts with what is paid and overdue, its invoices, and per currency
 * the lifetime revenue collected and the balance still open. */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "db.h"
#include "err.h"
#include "money.h"
#include "pay_int.h"
#include "record.h"

enum { S_CONTRACT, S_KIND, S_REF, S_DATE, S_CURRENCY, S_AMOUNT, S_PAID, S_STATUS, S_ORDER };

/* kind, ref and date of each row; amounts in cents; the lifetime rows
 * last (order 3 and 4), each currency's together. */
static const char section_sql[] =
	"SELECT c.number, 'instalment', CAST(i.seq AS TEXT), i.due_on, c.currency, i.amount, i.paid,"
	" CASE WHEN i.paid >= i.amount THEN 'paid' WHEN i.due_on < :today THEN 'overdue'"
	" ELSE 'current' END, 1"
	" FROM instalments i JOIN contracts c ON c.id = i.contract_id"
	" WHERE c.account_id = :account AND " PAY_SQL_VISIBLE
	" UNION ALL SELECT c.number, 'invoice', v.number, v.issued_on, c.currency, v.amount,"
	" CAST(NULL AS BIGINT), coalesce(v.kind, ''), 2"
	" FROM invoices v JOIN contracts c ON c.id = v.contract_id"
	" WHERE c.account_id = :account AND " PAY_SQL_VISIBLE
	" UNION ALL SELECT '', 'collected', '', max(p.paid_on), c.currency, sum(p.amount),"
	" CAST(NULL AS BIGINT), '', 3"
	" FROM payments p JOIN contracts c ON c.id = p.contract_id"
	" WHERE c.account_id = :account AND " PAY_SQL_VISIBLE " GROUP BY c.currency"
	" UNION ALL SELECT '', 'outstanding', '', min(i.due_on), c.currency, sum(i.amount - i.paid),"
	" CAST(NULL AS BIGINT), CASE WHEN min(i.due_on) < :today THEN 'overdue' ELSE 'current' END, 4"
	" FROM instalments i JOIN contracts c ON c.id = i.contract_id"
	" WHERE c.account_id = :account AND i.paid < i.amount AND c.status <> 'terminated'"
	" AND " PAY_SQL_VISIBLE " GROUP BY c.currency"
	" ORDER BY 9, 1, 4, 3";

int crm_pay_account_section(struct crm_ctx *ctx, int64_t account_id, struct crm_out *o)
{
	static const char *const names[] = {
		"contract", "kind", "ref", "date", "currency", "amount", "paid", "open", "status",
	};
	static const enum crm_col_kind kinds[] = {
		CRM_COL_TEXT, CRM_COL_TEXT, CRM_COL_TEXT, CRM_COL_TEXT, CRM_COL_TEXT, CRM_COL_MONEY,
		CRM_COL_MONEY, CRM_COL_MONEY, CRM_COL_TEXT,
	};
	char today[CRM_DATE_LEN];
	int rc;
	struct crm_stmt *s = crm_db_stmt(ctx->db, section_sql);
	if (!s)
		return EX_SOFTWARE;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		crm_out_col(o, names[i], kinds[i]);
	crm_pay_today(ctx, today);
	crm_pay_bind_actor(ctx, s);
	crm_bind_int(s, crm_param_index(s, ":account"), account_id);
	crm_bind_named_text(s, ":today", today);
	while ((rc = crm_step(s)) == CRM_ROW) {
		char amount[CRM_MONEY_LEN], paid[CRM_MONEY_LEN] = "", open[CRM_MONEY_LEN] = "";
		int64_t a = crm_col_int(s, S_AMOUNT);
		crm_money_format(a, amount);
		if (!crm_col_null(s, S_PAID)) {	/* an instalment */
			crm_money_format(crm_col_int(s, S_PAID), paid);
			crm_money_format(a - crm_col_int(s, S_PAID), open);
		}
		const char *row[] = {
			crm_col_text(s, S_CONTRACT), crm_col_text(s, S_KIND), crm_col_text(s, S_REF),
			crm_col_text(s, S_DATE), crm_col_text(s, S_CURRENCY), amount, paid, open,
			crm_col_text(s, S_STATUS),
		};
		crm_out_row(o, row);
	}
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read the account's payments");
}
