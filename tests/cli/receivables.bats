#!/usr/bin/env bats
# The receivables: crm-report ageing, collections and bookings, kpi and
# leaderboard collected and outstanding, and the overdue reminders of
# crm-task remind, on the scenario of issue 11 and on buckets built from
# dates computed here.

load pay_helper
bats_require_minimum_version 1.5.0

TOTAL=113000000		# 1,130,000.00 including 13% VAT
START=2026-01-05
AGE_HEAD="account	currency	current	days_1_30	days_31_60	days_61_90	days_over_90	total"

# bucket DAYS_PAST_DUE: the ageing column (3..7) it belongs in
bucket() {
	if [ "$1" -le 0 ]; then echo 3; elif [ "$1" -le 30 ]; then echo 4
	elif [ "$1" -le 60 ]; then echo 5; elif [ "$1" -le 90 ]; then echo 6; else echo 7; fi
}

# The scenario: a 30/60/10 plan from the start date; finance records
# 339,000.00 on time and 400,000.00 late.
scenario() {
	pay_setup
	contract C-2026-001 alice $TOTAL active $START 1
	a1=$(( TOTAL * 30 / 100 )); a2=$(( TOTAL * 60 / 100 )); a3=$(( TOTAL - a1 - a2 ))
	due1=$START; due2=$(plus $START 30); due3=$(plus $START 90)
	p1=33900000; p2=40000000
	CRM_NOW=$(at $START) crm-pay plan C-2026-001 --split 30,60:30,10:90 -q --as alice
	CRM_NOW=$(at $START) crm-pay record C-2026-001 "$(money $p1)" --on $due1 --as fin -q
}

remind_pay() { echo "$output" | awk -F'\t' '$6 ~ /^payment_/'; }

@test "scenario: the owner is reminded, the manager after escalate_after days, the late payment" {
	scenario
	late1=$(plus $due2 1)
	CRM_NOW=$(at $due2) run crm-task remind -H
	assert_equal "$(remind_pay)" ""
	CRM_NOW=$(at $late1) run crm-task remind -H
	assert_success
	assert_equal "$(remind_pay)" "alice	alice@example.com	contract	1	C-2026-001	payment_overdue	1	instalment 2 due $due2"
	CRM_NOW=$(at $(plus $due2 14)) run crm-task remind -H
	assert_equal "$(remind_pay | cut -f1,6,7)" "alice	payment_overdue	14"
	esc=$(plus $due2 15)
	CRM_NOW=$(at $esc) run crm-task remind -H
	assert_equal "$(remind_pay | cut -f1,6,7)" "alice	payment_overdue	15
mgr	payment_escalation	15"
	# --mark, then --unsent leaves them out that day
	CRM_NOW=$(at $esc) crm-task remind --mark -q
	CRM_NOW=$(at $esc) run crm-task remind --unsent -H
	assert_equal "$(remind_pay)" ""
	assert_equal "$(db_query "SELECT subject_type, reason FROM reminders_sent WHERE reason LIKE 'payment%' ORDER BY 2")" "instalment|payment_escalation
instalment|payment_overdue"
	# the late payment
	paid2=$(plus $due2 16)
	CRM_NOW=$(at $paid2) run crm-pay record C-2026-001 "$(money $p2)" --on $paid2 --as fin -H
	assert_success
	assert_output "2	C-2026-001	$paid2	2	$(money $p2)	$(money $(( a2 - p2 )))"
}

@test "scenario: on a later day the ageing shows the rest of instalment 2 in its bucket" {
	scenario
	CRM_NOW=$(at $(plus $due2 16)) crm-pay record C-2026-001 "$(money $p2)" --on $(plus $due2 16) --as fin -q
	later=2026-03-10
	open2=$(( a2 - p2 )); late=$(days $due2 $later)
	assert_equal "$(money $open2)" "278000.00"
	row=(华东机械 CNY 0.00 0.00 0.00 0.00 0.00)
	col=$(bucket $late)
	row[$((col - 1))]=$(money $open2)
	# instalment 3 is not due yet
	row[2]=$(money $a3)
	expect=$(IFS=$'\t'; echo "${row[*]}")$'\t'$(money $(( open2 + a3 )))
	export CRM_NOW=$(at $later)
	run --separate-stderr crm-report ageing
	assert_success
	assert_output "$AGE_HEAD
$expect"
	# the owner and the manager see it; bob and carol do not
	for u in alice mgr; do
		run crm-report ageing -H --as $u
		assert_output "$expect"
	done
	for u in bob carol; do
		run --separate-stderr crm-report ageing -H --as $u
		assert_success
		assert_output ""
	done
	run crm-report ageing --by owner -H
	assert_output "alice	${expect#*	}"
	run crm-report ageing --by team -H
	assert_output "east	${expect#*	}"
	# both reminded, the days counted from the due date
	run crm-task remind -H
	assert_equal "$(remind_pay | cut -f1,6,7)" "alice	payment_overdue	$late
mgr	payment_escalation	$late"
	# kpi: collected 739,000.00 (回款额) and what is still open
	run crm-report kpi --by owner -H
	assert_output "alice	0	0		0	0	0.00	0				$(money $(( p1 + p2 )))	$(money $(( open2 + a3 )))"
	assert_equal "$(money $(( p1 + p2 )))" "739000.00"
	run crm-report kpi --period 2026-01 -H
	assert_output "2026-01	0	0		0	0	0.00	0				$(money $p1)	0.00"
	# the leaderboard ranks by either
	run crm-report leaderboard --rank collected -H
	assert_output "1	alice	Alice	east	0	0.00	0	0		$(money $(( p1 + p2 )))	$(money $(( open2 + a3 )))"
	run crm-report leaderboard --rank outstanding -H --as bob
	assert_output ""
}

# One open instalment in each bucket, at the edges: due today (current),
# 1, 30, 31, 60, 61, 90 and 91 days ago, each of (n + 1) yuan.
@test "ageing: the bucket edges, owner and team filters, the table's totals, gnuplot" {
	pay_setup
	contract E-1 alice 100000000 active 2025-01-01 1
	contract W-1 carol 100000000 active 2025-01-01 2
	now=2026-03-02
	args=(); total=0; i=0
	for n in 0 1 30 31 60 61 90 91; do
		args+=(--due "$(plus $now -$n):$((n + 1)).00")
		total=$(( total + (n + 1) * 100 ))
	done
	args+=(--due "$(plus $now 400):$(money $(( 100000000 - total )))")
	crm-pay plan E-1 "${args[@]}" -q
	crm-pay plan W-1 --split 100 -q
	exp() {		# the sum of (n + 1) yuan over n in $@
		local s=0; for n; do s=$(( s + (n + 1) * 100 )); done; money $s
	}
	cur=$(( 100 + 100000000 - total ))
	run --separate-stderr crm-report ageing -H --owner alice
	assert_success
	assert_output "华东机械	CNY	$(money $cur)	$(exp 1 30)	$(exp 31 60)	$(exp 61 90)	$(exp 91)	1000000.00"
	# carol's one instalment was due on the contract's start
	late=$(days 2025-01-01 $now)
	col=$(bucket $late)
	run crm-report ageing -H --team west
	assert_equal "$(echo "$output" | cut -f$col)" "1000000.00"
	# one currency: the table ends with the sums of both rows
	assert_equal "$col" 7
	run crm-report ageing -f table
	assert_success
	over=$(( 9200 + 100000000 ))
	assert_regex "${lines[-1]}" "^total +$(money $cur) +$(exp 1 30) +$(exp 31 60) +$(exp 61 90) +$(money $over) +2000000.00$"
	run crm-report ageing -f gnuplot
	assert_success
	assert_line "label	current	days_1_30	days_31_60	days_61_90	days_over_90"
	assert_line "plot for [i=2:6] \$data using i:xtic(1) title columnheader(i)"
	must_fail 64 crm-report ageing --by region
	assert_output --partial "crm-report: ageing: --by account, owner or team, not 'region'"
	must_fail 64 crm-report ageing --since 30d
	assert_output --partial "crm-report: --since does not apply to ageing"
	must_fail 77 crm-report ageing --owner carol --as alice
}

@test "collections: open instalments by the period they fall due, the overdue ones first" {
	scenario
	export CRM_NOW=$(at 2026-03-10)
	run --separate-stderr crm-report collections
	assert_success
	# instalment 2 is overdue, instalment 3 falls due in April (week 14)
	assert_output "period	currency	instalments	amount
overdue	CNY	1	$(money $a2)
${due3:0:7}	CNY	1	$(money $a3)"
	run crm-report collections --period week -H
	assert_output "overdue	CNY	1	$(money $a2)
$(date -d $due3 +%G-W%V)	CNY	1	$(money $a3)"
	run crm-report collections --period quarter -H
	assert_output "overdue	CNY	1	$(money $a2)
2026-Q2	CNY	1	$(money $a3)"
	run crm-report collections -H --as carol
	assert_output ""
	must_fail 64 crm-report collections --period 2026-03
	assert_output --partial "crm-report: --period: expected week, month or quarter, not '2026-03'"
	run crm-report collections -f gnuplot
	assert_line "overdue	$(money $a2)"
}

@test "bookings: contracts signed against payments received, per period" {
	scenario
	CRM_NOW=$(at 2026-02-20) crm-pay record C-2026-001 "$(money $p2)" --on 2026-02-20 --as fin -q
	run --separate-stderr crm-report bookings
	assert_success
	assert_output "period	currency	contracts	booked	payments	collected
2026-01	CNY	1	$(money $TOTAL)	1	$(money $p1)
2026-02	CNY	0	0.00	1	$(money $p2)"
	run crm-report bookings --since 2026-02-01 -H
	assert_output "2026-02	CNY	0	0.00	1	$(money $p2)"
	run crm-report bookings -H --as bob
	assert_output ""
}
