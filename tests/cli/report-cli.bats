#!/usr/bin/env bats
# crm-report: windows, bad input with its exact messages and statuses,
# visibility refusals, an empty database, write and lock failures,
# completion.

load report_helper
bats_require_minimum_version 1.5.0

@test "relative and ISO windows: --since 10m, --until an instant" {
	run --separate-stderr crm-report funnel --since 10m --until 2025-09-30T12:00:00+08:00 -H
	assert_success
	# 10 months before 2026-03-02 is local midnight of 2025-05-02
	assert_output "$(expect_funnel -v S="$(local_ts 2025-05-02)" -v U="$(( $(local_ts 2025-09-30) + 12 * 3600 ))")"
}

@test "bad dates and periods: exit 65 naming the option" {
	must_fail 65 crm-report funnel --since 2025-13-45
	assert_output "crm-report: --since: invalid date '2025-13-45'"
	must_fail 65 crm-report kpi --until someday
	assert_output "crm-report: --until: invalid date 'someday'"
	must_fail 65 crm-report lost --period 2025-13
	assert_output "crm-report: --period: invalid period '2025-13'"
	# 2025 has 52 ISO weeks, 2026 has 53
	must_fail 65 crm-report lost --period 2025-W53
	assert_output "crm-report: --period: invalid period '2025-W53'"
	run crm-report lost --period 2026-W53
	assert_success
	must_fail 65 crm-report lost --period 2025-Q5
	assert_output "crm-report: --period: invalid period '2025-Q5'"
}

@test "an empty or crossed window, and --period with --since, are usage errors" {
	must_fail 64 crm-report funnel --since 2026-02-01 --until 2026-01-01
	assert_output "crm-report: --since '2026-02-01' is not before --until '2026-01-01'
Try 'crm-report --help'."
	must_fail 64 crm-report funnel --period 2026-01 --since 2026-01-05
	assert_output "crm-report: give --period or --since/--until, not both
Try 'crm-report --help'."
}

@test "unknown dimension, a dimension a report has not, unknown metric: exit 64" {
	must_fail 64 crm-report funnel --by colour
	assert_output "crm-report: --by: unknown dimension 'colour'
Try 'crm-report --help'."
	must_fail 64 crm-report kpi --by stage
	assert_output "crm-report: kpi: cannot group by 'stage'
Try 'crm-report --help'."
	must_fail 64 crm-report leaderboard --metric speed
	assert_output "crm-report: --metric: unknown metric 'speed'
Try 'crm-report --help'."
	must_fail 64 crm-report funnel --metric won_count
	assert_output "crm-report: --metric is for leaderboard
Try 'crm-report --help'."
	must_fail 64 crm-report lost --snapshot
	assert_output "crm-report: --snapshot is for forecast
Try 'crm-report --help'."
	must_fail 64 crm-report kpi --pipeline default
	assert_output "crm-report: --pipeline is for funnel and cycle
Try 'crm-report --help'."
	must_fail 64 crm-report funnel -n
	assert_output "crm-report: --dry-run is for forecast --snapshot
Try 'crm-report --help'."
	must_fail 64 crm-report funnel extra
	assert_output "crm-report: unexpected argument 'extra'
Try 'crm-report --help'."
	must_fail 64 crm-report sales
	assert_output "crm-report: unknown command 'sales'
Try 'crm-report --help'."
	must_fail 64 crm-report
}

@test "unknown owner or team: exit 65; another rep's report: exit 77" {
	must_fail 65 crm-report funnel --owner nobody
	assert_output "crm-report: unknown user 'nobody'"
	must_fail 65 crm-report leaderboard --team 西北销售部
	assert_output "crm-report: unknown team '西北销售部'"
	must_fail 77 crm-report funnel --as rep1 --owner rep2
	assert_output "crm-report: permission denied: user 'rep2' is not visible to 'rep1'"
	must_fail 77 crm-report funnel --as stranger
	assert_output "crm-report: unknown user 'stranger' (from --as)"
	# a manager may ask for a rep of their team
	run crm-report funnel --as mgr1 --owner rep2 -H
	assert_success
	assert_output "$(expect_funnel -v OWNERS=6)"
}

@test "a rep's forecast and lost reasons are over their own deals" {
	run --separate-stderr crm-report lost --as rep3 -H
	assert_success
	assert_output "$(report_awk '
BEGIN { split("price:价格太高 competitor:选择了竞争对手 no-budget:没有预算 no-decision:无法决策 timing:时机不对", a, " ")
	for (i in a) { split(a[i], kv, ":"); NM[kv[1]] = kv[2] } }
v("status") == "lost" && v("owner_id") == 7 { r = v("loss_reason"); N[r]++; A[r] += v("amount"); TN++; TA += v("amount") }
END { for (r in N) print r, (r in NM ? NM[r] : r), N[r], money(A[r]), rate(N[r], TN), rate(A[r], TA) }' \
		"$DATA/deals.tsv" | sort -t$'\t' -k3,3nr -k1,1)"
	run --separate-stderr crm-report forecast --as rep3 --by owner -H
	assert_output "$(report_awk '
BEGIN { P["contact"] = 10; P["qualify"] = 30; P["proposal"] = 50; P["negotiation"] = 80 }
v("owner_id") == 7 && v("status") == "open" { n++; a += v("amount"); w += int((v("amount") * P[v("stage")] + 50) / 100) }
v("owner_id") == 7 && v("status") == "won" { wn++; wa += v("amount") }
END { print "rep3", n, money(a), money(w), wn, money(wa) }' "$DATA/deals.tsv")"
}

@test "an empty database: headers, the funnel's steps with nothing in them" {
	fresh_db
	unset CRM_CONFIG
	run --separate-stderr crm-report forecast
	assert_success
	assert_output "month	deals	amount	weighted	won_deals	won"
	run --separate-stderr crm-report funnel -H
	assert_output "1	leads	leads	0		
2	contacted	contacted	0		
3	contact	Contact	0		
4	qualify	Qualify	0		
5	proposal	Proposal	0		
6	negotiation	Negotiation	0		
7	won	Won	0		"
	for r in accuracy kpi leaderboard lost activity cycle rfm; do
		run --separate-stderr crm-report "$r" -H
		assert_success
	done
	run crm-report rfm -f table
	assert_success
}

@test "a full disk is a write error (74); a locked database stops --snapshot (69)" {
	must_fail 74 bash -c 'crm-report kpi >/dev/full'
	assert_output "crm-report: write error: No space left on device"
	hold_lock 5
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-report forecast --snapshot
	kill "$LOCK_PID" 2>/dev/null || true
	wait "$LOCK_PID" 2>/dev/null || true
	[[ "$output" == *"database is locked"* ]]
	run db_query "SELECT count(*) FROM forecast_snapshots WHERE period = '2026-03'"
	assert_output 0
}

@test "a bad config is refused before any report (78)" {
	printf 'pipeline: [oops\n' >bad.yaml
	must_fail 78 crm-report funnel -c bad.yaml
}

@test "--complete: subcommands, dimensions, metrics, formats with gnuplot" {
	run crm-report --complete=subcommands
	assert_output "funnel
forecast
accuracy
kpi
leaderboard
lost
activity
cycle
rfm
churn
clv
ageing
collections
bookings
service
backlog"
	run crm-report --complete=dimensions
	assert_output "owner
team
source
campaign
region
industry
month
week
quarter
stage
category
account
priority"
	run crm-report --complete=metrics
	assert_output "won_amount
won_count
deals
activities
win_rate
collected
outstanding"
	run crm-report --complete=formats
	assert_output "tsv
csv
table
gnuplot"
	run crm-report --complete=logins
	assert_line rep1
}

@test "--help" {
	run crm-report --help
	assert_success
	assert_line --index 0 "Usage:"
	assert_line "See crm-report(1)."
}
