/* change.h: the changes a command makes, as -n prints them: TSV rows of
 * id, field, old_value, new_value, counted. */
#ifndef CRM_CHANGE_H
#define CRM_CHANGE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* fp NULL = count only. */
struct crm_diff {
	FILE *fp;
	bool header;		/* print the header line before the first row */
	long records;		/* records that changed */
	long fields;		/* fields that changed */
};
void crm_diff_row(struct crm_diff *d, int64_t id, const char *field, const char *old_value,
		  const char *new_value);

#endif
