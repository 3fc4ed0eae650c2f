#!/usr/bin/env bats
# crm-report churn and the churn_risk reminder of crm-task remind: each
# signal's points and words against the arithmetic done here (dates by
# date(1)), purchases counted once a day and a won deal with orders not
# at all, the cap of 100, visibility, bad options.  Tickets and surveys
# come in through fixture_sql (crm-ticket does not exist yet).

load pay_helper
bats_require_minimum_version 1.5.0

TODAY=2026-03-02		# the local date of the helper's CRM_NOW
HEAD="account_id	account	owner	score	risk	reasons	last_purchase	days_since	usual_interval"

# won ACCOUNT OWNER DATE: a deal of OWNER's on ACCOUNT won on DATE
won() {
	local id
	id=$(CRM_NOW=$(at "$3") crm-stage add --title "won $3" --account "$1" --owner "$2" -H | cut -f1)
	CRM_NOW=$(at "$3") crm-stage won "$id" -q
}

# points of the signals, as crm-report(1) states them
slow_points() {	# SINCE USUAL
	if [ "$2" -le 0 ] || [ $(( 2 * $1 )) -lt $(( 3 * $2 )) ]; then echo 0
	elif [ "$1" -ge $(( 4 * $2 )) ]; then echo 40; else echo $(( 10 * $1 / $2 )); fi
}
idle_points() {	# DAYS IDLE
	if [ "$1" -ge $(( 2 * $2 )) ]; then echo 30; elif [ "$1" -ge "$2" ]; then echo 20; else echo 0; fi
}
ticket_points() {	# BREACHES TICKETS
	local p=$(( $1 >= 2 ? 30 : 15 * $1 ))
	echo $(( p + ($2 >= 3 ? 10 : 0) ))
}
overdue_points() {	# DAYS_LATE
	if [ "$1" -gt 60 ]; then echo 30; elif [ "$1" -gt 30 ]; then echo 20; else echo 10; fi
}
cap() { echo $(( $1 > 100 ? 100 : $1 )); }
risk() { if [ "$1" -ge 50 ]; then echo high; elif [ "$1" -ge 25 ]; then echo medium; else echo low; fi; }

# instant DATE: noon of DATE in Shanghai
instant() { echo "${1}T04:00:00Z"; }

# The service scenario.  Accounts made on 2025-01-01: 1 华东机械 (alice)
# and 2 西部电子 (carol), 3 南方贸易 (bob).
#  1: one won deal (no usual interval); last contact a call LAST1 days
#     ago; four tickets in 90 days, two breached in them and one breached
#     long ago; its latest survey rated 2/5 (an older one 5/5); a contract
#     of 556,000.00 in two halves due START and START + 30, unpaid.
#  2: one won deal; a contact of it called 10 days ago; one ticket, whose
#     survey gave NPS 5.
#  3: one won deal, and a reply on one of its tickets 5 days ago.
service_setup() {
	CRM_NOW=$(at 2025-01-01) pay_setup
	CRM_NOW=$(at 2025-01-01) crm-account add --name 南方贸易 --owner bob >/dev/null
	won 1 alice 2025-09-01
	won 2 carol 2025-06-01
	won 3 bob 2025-11-20
	CALL1=$(plus $TODAY -130)
	crm-log add --account 1 --kind call --at "$CALL1" --as alice 老客户回访 -q
	crm-contact add --name 王工 --account 2 --owner carol >/dev/null
	crm-log add --contact 1 --kind call --at "$(plus $TODAY -10)" --as carol 电话 -q
	# t NUMBER ACCOUNT CREATED [BREACHED]
	t() {
		local breached=NULL
		[ -z "${4:-}" ] || breached="'$(instant "$4")'"
		echo "INSERT INTO tickets (number, subject, account_id, status, created_at, updated_at, breached_at)
		VALUES ('$1', 's', $2, 'open', '$(instant "$3")', '$(instant "$3")', $breached);"
	}
	fixture_sql "$(t T-000001 1 "$(plus $TODAY -80)" "$(plus $TODAY -79)")
		$(t T-000002 1 "$(plus $TODAY -40)" "$(plus $TODAY -39)")
		$(t T-000003 1 "$(plus $TODAY -20)")
		$(t T-000004 1 "$(plus $TODAY -5)")
		$(t T-000005 2 "$(plus $TODAY -30)")
		$(t T-000006 1 "$(plus $TODAY -200)" "$(plus $TODAY -199)")
		$(t T-000007 3 "$(plus $TODAY -200)")
		INSERT INTO surveys (ticket_id, code, account_id, due_at, answered_at, csat, nps, created_at) VALUES
		(6, 'S1', 1, '$(instant "$(plus $TODAY -199)")', '$(instant "$(plus $TODAY -100)")', 5, 9, '$(instant 2025-01-01)'),
		(2, 'S2', 1, '$(instant "$(plus $TODAY -38)")', '$(instant "$(plus $TODAY -30)")', 2, 8, '$(instant 2025-01-01)'),
		(5, 'S3', 2, '$(instant "$(plus $TODAY -29)")', '$(instant "$(plus $TODAY -28)")', NULL, 5, '$(instant 2025-01-01)');
		INSERT INTO interactions (subject_type, subject_id, kind, at, user_id, created_at)
		VALUES ('ticket', 7, 'email', '$(instant "$(plus $TODAY -5)")', NULL, '$(instant "$(plus $TODAY -5)")');"
	START=$(plus $TODAY -34)
	contract C-1 alice 55600000 active "$START" 1
	CRM_NOW=$(at "$START") crm-pay plan C-1 --split 50,50:30 -q --as alice
}

# The expected row of account 1, and its reasons, from the numbers above.
row1() {
	local since idle late p
	since=$(days 2025-09-01 $TODAY)
	idle=$(days "$CALL1" $TODAY)
	late=$(days "$START" $TODAY)
	p=$(( $(idle_points "$idle" 60) + $(ticket_points 2 4) + 20 + $(overdue_points "$late") ))
	SCORE1=$(cap $p)
	# by points: tickets 40, silence 30, then rating and overdue (20 each) in that order
	REASONS1="2 SLA breaches, 4 tickets in 90 days; no contact for $idle days; rated 2/5 on T-000002; $(money 55600000) CNY overdue $late days"
	TOP1="2 SLA breaches, 4 tickets in 90 days"
	echo "1	华东机械	alice	$SCORE1	$(risk "$SCORE1")	$REASONS1	2025-09-01	$since	"
}

@test "service signals: silence, tickets, rating and overdue add up, capped at 100, by score" {
	service_setup
	run crm-report churn
	assert_success
	# account 1 scores 30 + 40 + 20 + 20 = 110 before the cap
	assert_equal "$(( $(idle_points "$(days "$CALL1" $TODAY)" 60) + $(ticket_points 2 4) + 20 + $(overdue_points 34) ))" 110
	since2=$(days 2025-06-01 $TODAY)
	since3=$(days 2025-11-20 $TODAY)
	assert_output "$HEAD
$(row1)
2	西部电子	carol	20	low	NPS 5 on T-000005	2025-06-01	$since2	
3	南方贸易	bob	0	low		2025-11-20	$since3	"
	# --min-score leaves out what scores less; --by owner groups by login
	run crm-report churn --min-score 20 -H
	assert_equal "$(echo "$output" | cut -f1 | paste -sd,)" "1,2"
	run crm-report churn --by owner -H
	assert_equal "$(echo "$output" | cut -f1,2,5 | paste -sd,)" "alice	1	100,bob	3	0,carol	2	20"
	# silence from 200 days: the call 130 days ago is recent enough
	run crm-report churn --idle 200 -H
	assert_equal "$(echo "$output" | sed -n 1p | cut -f4,6)" "$(( $(ticket_points 2 4) + 20 + 20 ))	2 SLA breaches, 4 tickets in 90 days; rated 2/5 on T-000002; $(money 55600000) CNY overdue 34 days"
	# the chart counts the accounts of each risk level
	run crm-report churn -f gnuplot
	assert_success
	assert_output --partial 'Accounts by churn risk'
}

@test "the instalments: paid ones are not overdue; one past due for a day is 10 points" {
	CRM_NOW=$(at 2025-01-01) pay_setup
	won 1 alice 2026-02-20
	crm-log add --account 1 --kind call --as alice 回访 -q
	START=$(plus $TODAY -1)
	contract C-1 alice 10000000 active "$START" 1
	CRM_NOW=$(at "$START") crm-pay plan C-1 --split 50,50:30 -q --as alice
	run crm-report churn -H
	assert_output "1	华东机械	alice	10	low	$(money 5000000) CNY overdue 1 day	2026-02-20	$(days 2026-02-20 $TODAY)	"
	crm-pay record C-1 "$(money 5000000)" --on $TODAY --as fin -q
	run crm-report churn -H
	assert_output "1	华东机械	alice	0	low		2026-02-20	$(days 2026-02-20 $TODAY)	"
}

@test "purchases slowing: the usual interval is the mean gap between purchase days; one day's several count once" {
	CRM_NOW=$(at 2025-01-01) pay_setup
	crm-log add --account 1 --kind call --as alice 回访 -q
	won 1 alice 2025-02-01
	won 1 alice 2025-04-02
	won 1 alice 2025-04-02
	won 1 alice 2025-06-01
	since=$(days 2025-06-01 $TODAY)
	usual=$(( $(days 2025-02-01 2025-06-01) / 2 ))
	p=$(slow_points "$since" "$usual")
	[ "$p" = 40 ]		# 274 days against 60: more than four intervals
	run crm-report churn -H
	assert_output "1	华东机械	alice	$p	$(risk "$p")	no purchase for $since days; usually every $usual	2025-06-01	$since	$usual"
	# a recent purchase: 2 gaps more, the last one short
	won 1 alice 2026-01-10
	since=$(days 2026-01-10 $TODAY)
	usual=$(( $(days 2025-02-01 2026-01-10) / 3 ))
	p=$(slow_points "$since" "$usual")
	[ "$p" = 0 ]
	run crm-report churn -H
	assert_output "1	华东机械	alice	0	low		2026-01-10	$since	$usual"
	# later: 1.5 intervals or more give 10 points per interval
	later=$(plus 2026-01-10 $(( usual * 2 )))
	since=$(days 2026-01-10 "$later")
	p=$(slow_points "$since" "$usual")
	[ "$p" = 20 ]
	CRM_NOW=$(at "$later") run crm-report churn -H -f tsv
	idle=$(days $TODAY "$later")
	[ "$(idle_points "$idle" 60)" = 30 ]	# more points than the 20 of slowing: first
	assert_equal "$(echo "$output" | cut -f4,6)" "$(( p + 30 ))	no contact for $idle days; no purchase for $since days; usually every $usual"
}

@test "orders are purchases, cancelled ones are not, and a won deal with orders counts only by them" {
	load contract_helper
	export CRM_NOW=2025-01-02T01:00:00Z
	contract_setup		# deal 1 of alice's on 长江电子, won today with a quote
	approved_contract
	for d in 2025-02-01 2025-04-02 2025-04-02 2025-06-01 2025-08-01; do
		CRM_NOW=$(at $d) crm-order new --contract 1 --line 1:1 --as alice -q
	done
	CRM_NOW=$(at 2025-08-01) crm-order cancel 5 --as alice -q
	export CRM_NOW=$(at $TODAY)
	crm-log add --account 1 --kind call --as alice 回访 -q
	since=$(days 2025-06-01 $TODAY)
	usual=$(( $(days 2025-02-01 2025-06-01) / 2 ))
	p=$(slow_points "$since" "$usual")
	run crm-report churn -H
	assert_output "1	长江电子	alice	$p	$(risk "$p")	no purchase for $since days; usually every $usual	2025-06-01	$since	$usual"
}

@test "visibility: a rep sees their own accounts, a manager the team's; --owner out of sight is 77" {
	service_setup
	run crm-report churn -H --as alice
	assert_success
	assert_equal "$(echo "$output" | cut -f1)" 1
	run crm-report churn -H --as mgr
	assert_equal "$(echo "$output" | cut -f1 | paste -sd,)" "1,3"
	run crm-report churn -H --owner bob --as mgr
	assert_equal "$(echo "$output" | cut -f1)" 3
	run crm-report churn -H --team west
	assert_equal "$(echo "$output" | cut -f1)" 2
	must_fail 77 crm-report churn --owner carol --as alice
	must_fail 77 crm-report churn --team west --as mgr
	must_fail 65 crm-report churn --owner nobody
}

@test "bad options are usage errors" {
	service_setup
	before=$(fingerprint)
	for args in "--min-score x" "--min-score 101" "--min-score -1" "--idle 0" "--idle 5d" \
		"--since 2025-01-01" "--period 2025" "--source web" "--by source" "--by month" \
		"--metric won_count" "extra"; do
		# shellcheck disable=SC2086
		must_fail 64 crm-report churn $args
	done
	must_fail 64 crm-report funnel --min-score 10
	must_fail 64 crm-report rfm --idle 30
	intact
}

@test "crm-task remind: an account at high risk reminds its owner once a day with its top reason" {
	service_setup
	row1 >/dev/null
	run crm-task remind -H
	assert_success
	churn_rows() { echo "$output" | awk -F'\t' '$6 == "churn_risk"'; }
	assert_equal "$(churn_rows)" "alice	alice@example.com	account	1	华东机械	churn_risk	$(days 2025-09-01 $TODAY)	$TOP1"
	# after the payment-overdue rows of the same recipient (rank 9 after 7)
	assert_equal "$(echo "$output" | awk -F'\t' '$1 == "alice" { print $6 }' | paste -sd,)" \
		"payment_overdue,payment_overdue,churn_risk"
	run crm-task remind -H --as alice
	assert_equal "$(churn_rows | cut -f4)" 1
	run crm-task remind -H --as carol
	assert_equal "$(churn_rows)" ""
	crm-task remind --mark -q
	assert_equal "$(db_query "SELECT recipient_id, subject_type, subject_id FROM reminders_sent WHERE reason = 'churn_risk'")" \
		"$(db_query "SELECT id FROM users WHERE login = 'alice'")|account|1"
	run crm-task remind --unsent -H
	assert_equal "$(churn_rows)" ""
	# paid up and visited: tickets (40) and the rating (20) keep it high
	crm-pay record C-1 "$(money 55600000)" --on $TODAY --as fin -q
	crm-log add --account 1 --kind visit --as alice 拜访 -q
	run crm-task remind -H
	assert_equal "$(churn_rows | cut -f1,8)" "alice	$TOP1"
	# with the tickets resolved long ago it would not be: move them out of the 90 days
	fixture_sql "UPDATE tickets SET created_at = '2025-01-02T00:00:00Z', breached_at = NULL"
	run crm-report churn -H
	assert_equal "$(echo "$output" | sed -n 1p | cut -f1,4,6)" "1	20	rated 2/5 on T-000002"
	run crm-task remind -H
	assert_equal "$(churn_rows)" ""
}
