#!/bin/sh
# cdnow.sh [DIR]: the CDNOW sample (the 2,357 customers of Fader, Hardie
# and Lee's BG/NBD paper; see DIR/README.md, default ../shared/data/cdnow
# from the source top) imported through crm-stage import into $CRM_DB (a
# database crm init made, with an admin acting): one account per customer
# (cdnow-<sample id>), one won deal per purchase, closed on its date, worth
# its dollar value.  Then "crm-report clv --params" over the 39-week
# calibration ending 1997-09-30 prints what can be set against the paper:
# r = 0.243, alpha = 4.414, a = 0.793, b = 2.426; Gamma-Gamma p = 6.25,
# q = 3.74, gamma = 15.44.  Used by tests/cli/clv.bats, which skips when
# the data is not there (CI has none).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/../shared/data/cdnow}
[ -f "$dir/CDNOW_sample.txt" ] || { echo "cdnow.sh: no $dir/CDNOW_sample.txt" >&2; exit 66; }
# master_id sample_id date(YYYYMMDD) cds dollars, CRLF
tr -d '\r' <"$dir/CDNOW_sample.txt" | awk -v OFS=, '
	BEGIN { print "external_id", "account", "stage", "created", "close_date", "amount" }
	NF == 5 { d = substr($3, 1, 4) "-" substr($3, 5, 2) "-" substr($3, 7, 2)
		print "cdnow-" NR, "cdnow-" $2, "won", d, d, sprintf("%.2f", $5) }' >"${TMPDIR:-/tmp}/cdnow.$$.csv"
crm-stage import -q --csv --currency USD "${TMPDIR:-/tmp}/cdnow.$$.csv" >/dev/null
rm -f "${TMPDIR:-/tmp}/cdnow.$$.csv"
crm-report clv --params --until 1997-09-30
