/* change.c: see change.h */
#include <stdio.h>

#include "change.h"
#include "tsv.h"

void crm_diff_row(struct crm_diff *d, int64_t id, const char *field, const char *old_value,
		  const char *new_value)
{
	d->fields++;
	if (!d->fp)
		return;
	if (d->header) {
		static const char *const cols[] = {"id", "field", "old_value", "new_value"};
		crm_tsv_put_row(d->fp, cols, 4);
		d->header = false;
	}
	char idbuf[24];
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)id);
	const char *row[] = {idbuf, field, old_value, new_value};
	crm_tsv_put_row(d->fp, row, 4);
}
