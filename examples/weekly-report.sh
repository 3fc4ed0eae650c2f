#!/bin/sh
# weekly-report.sh: the Monday mail for the sales manager: the funnel of
# the last weeks' leads, the weighted forecast, and the return on each
# channel's cost, as tables.
#
# usage: weekly-report.sh [--stdout] [--since DATE]
#
# The report goes to MAILTO (addresses separated by commas or spaces)
# through mail(1), or sendmail when there is no mail; to standard output
# with --stdout or when MAILTO is unset or empty.  --since (default 4w, the
# last four weeks) is the cohort of leads for the funnel and the ROI; the
# forecast covers every open deal.  CRM_DB, CRM_CONFIG and CRM_USER are as
# for every crm tool; PATH must reach them.
set -eu

usage() { echo "usage: weekly-report.sh [--stdout] [--since DATE]" >&2; exit 64; }

to_stdout=false
since=4w
while [ $# -gt 0 ]; do
	case $1 in
	--stdout) to_stdout=true ;;
	--since) [ $# -ge 2 ] || usage; since=$2; shift ;;
	--since=*) since=${1#--since=} ;;
	*) usage ;;
	esac
	shift
done
[ -n "${MAILTO:-}" ] || to_stdout=true

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# Every report is made before anything is sent: a failing one sends
# nothing and fails the run.
{
	printf '销售周报 weekly report, %s\n' "$(date +%Y-%m-%d)"
	printf '\n== Funnel: leads since %s ==\n\n' "$since"
	crm-report funnel --since "$since" -f table
	printf '\n== Forecast: open deals by expected close ==\n\n'
	crm-report forecast -f table
	printf '\n== Channel ROI: leads since %s ==\n\n' "$since"
	crm-roi --since "$since" -f table
} >"$tmp/body"

subject="crm weekly report $(date +%Y-%m-%d)"
if $to_stdout; then
	cat "$tmp/body"
elif command -v mail >/dev/null 2>&1; then
	# mail(1) takes the addresses as arguments
	# shellcheck disable=SC2086
	mail -s "$subject" $(printf '%s' "$MAILTO" | tr ',' ' ') <"$tmp/body"
elif command -v sendmail >/dev/null 2>&1 || [ -x /usr/sbin/sendmail ]; then
	sm=$(command -v sendmail 2>/dev/null || echo /usr/sbin/sendmail)
	{
		printf 'To: %s\n' "$MAILTO"
		printf 'Subject: %s\n' "$subject"
		printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n'
		printf 'Content-Transfer-Encoding: 8bit\n\n'
		cat "$tmp/body"
	} | "$sm" -t
else
	echo "weekly-report.sh: neither mail nor sendmail found; use --stdout" >&2
	exit 69
fi
