#!/usr/bin/env bats
# crm-report funnel, forecast, forecast --snapshot and accuracy on the
# generated dataset (tests/gen-dataset.sh), every figure against awk over
# its TSV files (report_helper.bash); the funnel's rules by hand on a few
# deals made for them.

load report_helper
bats_require_minimum_version 1.5.0

FUNNEL_HEAD="step	stage	name	count	conv_prev	conv_top"

@test "funnel: the whole history, every step against awk" {
	run --separate-stderr crm-report funnel
	assert_success
	assert_output "$FUNNEL_HEAD
$(expect_funnel)"
}

@test "funnel: a month's cohort keeps its leads converted in later months" {
	s=$(local_ts 2025-03-01)
	u=$(local_ts 2025-04-01)
	run --separate-stderr crm-report funnel --period 2025-03
	assert_success
	assert_output "$FUNNEL_HEAD
$(expect_funnel -v S="$s" -v U="$u")"
	# the same cohort by --since/--until, and converted leads outside March exist
	run crm-report funnel --since 2025-03-01 --until 2025-03-31
	assert_output "$FUNNEL_HEAD
$(expect_funnel -v S="$s" -v U="$u")"
	n=$(awk -F'\t' -v s="$s" -v u="$u" 'NR > 1 && $11 >= s && $11 < u && $15 >= u' "$DATA/leads.tsv" | wc -l)
	[ "$n" -gt 0 ]
}

@test "funnel --by month: June 2025 has no leads and still gets its rows" {
	s=$(local_ts 2025-04-01)
	u=$(local_ts 2025-09-01)
	run --separate-stderr crm-report funnel --by month --since 2025-04-01 --until 2025-08-31
	assert_success
	assert_output "month	$FUNNEL_HEAD
$(expect_funnel -v S="$s" -v U="$u" -v BY=month)"
	assert_line "2025-06	1	leads	leads	0		"
	assert_line "2025-06	7	won	赢单	0		"
}

@test "funnel --by source" {
	run --separate-stderr crm-report funnel --by source
	assert_success
	assert_output "source	$FUNNEL_HEAD
$(expect_funnel -v BY=source)"
}

@test "funnel: a rep sees the funnel of their own leads, a manager their team's" {
	run --separate-stderr crm-report funnel --as rep1
	assert_success
	assert_output "$FUNNEL_HEAD
$(expect_funnel -v OWNERS=5)"
	run --separate-stderr crm-report funnel --as mgr1
	assert_output "$FUNNEL_HEAD
$(expect_funnel -v OWNERS=2,5,6,7)"
	# the admin's --owner filter gives the rep's own view
	run crm-report funnel --owner rep1
	assert_output "$FUNNEL_HEAD
$(expect_funnel -v OWNERS=5)"
	run crm-report funnel --team 华东销售部
	assert_output "$FUNNEL_HEAD
$(expect_funnel -v OWNERS=2,5,6,7)"
}

@test "funnel: skipped stages, lost, reopened, won and another month's lead, by hand" {
	fresh_db
	crm init >/dev/null
	# leads 1-6 come in in January 2026, lead 7 in December and converts in January
	fixture_sql "
	INSERT INTO leads (id, status, created_at, updated_at, first_contact_at) VALUES
	  (1, 'converted', '2026-01-05T02:00:00Z', '2026-01-05T02:00:00Z', '2026-01-05T03:00:00Z'),
	  (2, 'converted', '2026-01-05T02:00:00Z', '2026-01-05T02:00:00Z', '2026-01-05T03:00:00Z'),
	  (3, 'converted', '2026-01-05T02:00:00Z', '2026-01-05T02:00:00Z', '2026-01-05T03:00:00Z'),
	  (4, 'converted', '2026-01-05T02:00:00Z', '2026-01-05T02:00:00Z', NULL),
	  (5, 'contacted', '2026-01-06T02:00:00Z', '2026-01-06T02:00:00Z', '2026-01-07T03:00:00Z'),
	  (6, 'new', '2026-01-31T15:59:59Z', '2026-01-31T15:59:59Z', NULL),
	  (7, 'converted', '2025-12-20T02:00:00Z', '2025-12-20T02:00:00Z', '2025-12-21T02:00:00Z'),
	  (8, 'new', '2026-01-31T16:00:00Z', '2026-01-31T16:00:00Z', NULL);
	INSERT INTO deals (id, title, stage, status, lead_id, created_at, updated_at, stage_changed_at) VALUES
	  (1, 'skips qualify', 'proposal', 'open', 1, '2026-01-06T00:00:00Z', '2026-01-06T00:00:00Z', '2026-01-08T00:00:00Z'),
	  (2, 'lost after qualify', 'lost', 'lost', 2, '2026-01-06T00:00:00Z', '2026-01-06T00:00:00Z', '2026-01-09T00:00:00Z'),
	  (3, 'lost, reopened, won', 'won', 'won', 3, '2026-01-06T00:00:00Z', '2026-01-06T00:00:00Z', '2026-02-20T00:00:00Z'),
	  (4, 'created in negotiation', 'negotiation', 'open', 4, '2026-01-06T00:00:00Z', '2026-01-06T00:00:00Z', '2026-01-06T00:00:00Z'),
	  (5, 'from December', 'proposal', 'open', 7, '2026-01-10T00:00:00Z', '2026-01-10T00:00:00Z', '2026-01-10T00:00:00Z');
	INSERT INTO deal_stages (deal_id, from_stage, to_stage, at) VALUES
	  (1, NULL, 'contact', '2026-01-06T00:00:00Z'), (1, 'contact', 'proposal', '2026-01-08T00:00:00Z'),
	  (2, NULL, 'contact', '2026-01-06T00:00:00Z'), (2, 'contact', 'qualify', '2026-01-07T00:00:00Z'),
	  (2, 'qualify', 'lost', '2026-01-09T00:00:00Z'),
	  (3, NULL, 'contact', '2026-01-06T00:00:00Z'), (3, 'contact', 'lost', '2026-01-07T00:00:00Z'),
	  (3, 'lost', 'contact', '2026-01-20T00:00:00Z'), (3, 'contact', 'qualify', '2026-01-21T00:00:00Z'),
	  (3, 'qualify', 'proposal', '2026-01-22T00:00:00Z'), (3, 'proposal', 'negotiation', '2026-01-23T00:00:00Z'),
	  (3, 'negotiation', 'won', '2026-02-20T00:00:00Z'),
	  (4, NULL, 'negotiation', '2026-01-06T00:00:00Z'),
	  (5, NULL, 'proposal', '2026-01-10T00:00:00Z');"
	# January: 6 leads (lead 6 at 23:59:59 local, lead 8 already February),
	# 5 contacted (1-3 and 5 first contacted, 4 converted); every deal
	# reached contact and qualify (1 and 4 skipped them), proposal 1 3 4,
	# negotiation 3 4 (2 was lost in qualify, 3 was lost and reopened), won 3.
	run --separate-stderr crm-report funnel --period 2026-01
	assert_success
	assert_output "$FUNNEL_HEAD
1	leads	leads	6		1.0000
2	contacted	contacted	5	0.8333	0.8333
3	contact	初步接触	4	0.8000	0.6667
4	qualify	需求确认	4	1.0000	0.6667
5	proposal	方案报价	3	0.7500	0.5000
6	negotiation	商务谈判	2	0.6667	0.3333
7	won	赢单	1	0.5000	0.1667"
	# December's one lead has its January deal
	run crm-report funnel --period 2025-12 -H
	assert_line --index 4 "5	proposal	方案报价	1	1.0000	1.0000"
	assert_line --index 5 "6	negotiation	商务谈判	0	0.0000	0.0000"
	# a month with nothing: every step 0, rates empty
	run crm-report funnel --period 2025-11 -H
	assert_output "1	leads	leads	0		
2	contacted	contacted	0		
3	contact	初步接触	0		
4	qualify	需求确认	0		
5	proposal	方案报价	0		
6	negotiation	商务谈判	0		
7	won	赢单	0		"
}

@test "funnel -f table shows rates as percentages; csv is RFC 4180" {
	run --separate-stderr crm-report funnel --period 2025-03 -f table
	assert_success
	assert_line --index 0 "step  stage        name       count  conv_prev  conv_top"
	won=$(expect_funnel -v S="$(local_ts 2025-03-01)" -v U="$(local_ts 2025-04-01)" | awk -F'\t' '$2 == "won"')
	pct=$(echo "$won" | awk -F'\t' '{ printf "%.1f%%", $6 * 100 }')
	[[ "${lines[8]}" == *"赢单"*"$pct" ]]
	run crm-report funnel --period 2025-03 -f csv -H
	assert_output "$(expect_funnel -v S="$(local_ts 2025-03-01)" -v U="$(local_ts 2025-04-01)" |
		tr '\t' , | sed 's/$/\r/')"
}

@test "funnel -f gnuplot draws a PNG" {
	crm-report funnel -f gnuplot >funnel.gp
	grep -q 'set terminal pngcairo' funnel.gp
	grep -q "^set title 'Funnel'" funnel.gp
	grep -q '初步接触' funnel.gp
	crm-report funnel -f gnuplot | gnuplot >funnel.png
	[ -s funnel.png ]
	[ "$(head -c 8 funnel.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
}

@test "funnel --pipeline: an unknown pipeline is refused" {
	must_fail 65 crm-report funnel --pipeline nosuch
	assert_output "crm-report: unknown pipeline 'nosuch'"
}

FORECAST_HEAD="month	deals	amount	weighted	won_deals	won"

@test "forecast: open deals by expected close month, weighted, beside what was won" {
	run --separate-stderr crm-report forecast
	assert_success
	assert_output "$FORECAST_HEAD
$(expect_forecast)"
	# overdue deals and deals with no expected close are there too
	assert_line --index 1 --regexp '^	[1-9][0-9]*	'
}

@test "forecast -f table ends with the totals" {
	run --separate-stderr crm-report forecast -f table
	assert_success
	t=$(expect_forecast | awk -F'\t' '{ n += $2; w += $5 } END { print n, w }')
	read -r deals won <<<"$t"
	last=${lines[${#lines[@]}-1]}
	[[ "$last" == total*" $deals "*" $won "* ]]
}

@test "forecast --by stage follows the pipeline order" {
	run --separate-stderr crm-report forecast --by stage -H
	assert_success
	assert_output "$(report_awk '
BEGIN { P["contact"] = 10; P["qualify"] = 30; P["proposal"] = 50; P["negotiation"] = 80 }
v("status") == "open" { s = v("stage"); n[s]++; a[s] += v("amount"); w[s] += int((v("amount") * P[s] + 50) / 100) }
v("status") == "won" { wn++; wa += v("amount") }
END { split("contact qualify proposal negotiation", st, " ")
	for (i = 1; i <= 4; i++) print st[i], n[st[i]] + 0, money(a[st[i]]), money(w[st[i]]), 0, "0.00"
	print "won", 0, "0.00", "0.00", wn, money(wa) }' "$DATA/deals.tsv")"
}

@test "forecast --snapshot stores this month's forecast per owner; -n stores nothing" {
	run --separate-stderr crm-report forecast --snapshot -n
	assert_success
	assert_output "taken_at	period	owner	team	deals	amount	weighted
$(expect_snapshot)"
	run db_query "SELECT count(*) FROM forecast_snapshots WHERE period = '2026-03'"
	assert_output 0
	run --separate-stderr crm-report forecast --snapshot -H
	assert_success
	assert_output "$(expect_snapshot)"
	run db_query_tsv "SELECT s.taken_at, s.period, u.login, t.name, s.deals,
		printf('%.2f', s.amount / 100.0), printf('%.2f', s.weighted / 100.0)
		FROM forecast_snapshots s JOIN users u ON u.id = s.owner_id JOIN teams t ON t.id = s.team_id
		WHERE s.period = '2026-03' ORDER BY u.login"
	assert_output "$(expect_snapshot)"
	run db_query "SELECT count(*) FROM audit WHERE entity = 'forecast_snapshot'"
	assert_output "$(expect_snapshot | wc -l)"
	run crm-report forecast --snapshot -q
	assert_success
	assert_output ""
	must_fail 64 crm-report forecast --snapshot --period 2026-02
	assert_output "crm-report: --snapshot is the current period: no --since, --until or --period
Try 'crm-report --help'."
}

@test "accuracy: each owner's first snapshot of a month against what they won" {
	run --separate-stderr crm-report accuracy
	assert_success
	assert_output "owner	period	taken_at	forecast	actual	error	ape
$(expect_accuracy)"
	# February was snapshotted twice: only the first counts
	assert_line --regexp '^rep1	2026-02	2026-01-31T17:00:00Z	'
}

@test "accuracy --by team" {
	run --separate-stderr crm-report accuracy --by team
	assert_success
	assert_output "team	period	taken_at	forecast	actual	error	ape
$(expect_accuracy -v UNIT=team)"
}

@test "accuracy: a rep sees only their own rows; --by source is refused" {
	run --separate-stderr crm-report accuracy --as rep2
	assert_success
	assert_output "owner	period	taken_at	forecast	actual	error	ape
$(expect_accuracy | awk -F'\t' '$1 == "rep2"')
$(expect_accuracy | awk -F'\t' -v OFS='\t' '$1 == "rep2" && $2 == "mean" { $1 = "(all)"; print }')"
	must_fail 64 crm-report accuracy --by source
	assert_output "crm-report: accuracy: cannot group by 'source'
Try 'crm-report --help'."
}
