#!/usr/bin/env bats
# The scenario of issue 11 end to end, from the tools alone: a two-line
# quote of 1,130,000.00 including 13% VAT accepted into a won deal, a
# contract approved by legal and then finance, an order, a 30/60/10 plan,
# one payment on time and one late, and on later days the ageing, the
# reminders and escalation, the KPI and the 360-degree view.  Every figure
# is computed here from the prices, the rates and the dates.

bats_require_minimum_version 1.5.0
load helper

START=2026-01-05
# the prices in cents, the rate in basis points
P_SRV=8000000 Q_SRV=10 P_INS=10000000 Q_INS=2 RATE=1300

money() { awk -v c="$1" 'BEGIN { printf "%d.%02d", int(c / 100), c % 100 }'; }
plus() { date -u -d "$1 + $2 days" +%Y-%m-%d; }
days() { echo $(( ($(date -u -d "$2" +%s) - $(date -u -d "$1" +%s)) / 86400 )); }
at() { echo "${1}T01:00:00Z"; }	# 09:00 in Shanghai on that day
# tax of a net amount, half up to the cent
tax() { echo $(( ($1 * RATE * 2 + 10000) / 20000 )); }

setup_team() {
	crm-user add --login root --name Root --role admin >/dev/null
	export CRM_USER=root
	crm-user add --login mgr --name Manager --role manager --email mgr@example.com >/dev/null
	crm-user team add east --manager mgr
	crm-user update mgr --team east
	crm-user add --login alice --name Alice --team east --manager mgr --email alice@example.com >/dev/null
	crm-user add --login bob --name Bob --team east >/dev/null
	crm-user add --login lily --name Lily >/dev/null
	crm-user add --login fay --name Fay >/dev/null
	mkdir -p "$XDG_CONFIG_HOME/crm"
	cat >"$XDG_CONFIG_HOME/crm/crm.yaml" <<'YAML'
tax_rate: 13%
approvers:
  legal: [lily]
  finance: [fay]
contracts:
  approval:
    - {above: 100000, steps: [legal, finance]}
payments:
  plans:
    std: [30, {percent: 60, after: 30d}, {percent: 10, after: 90d}]
  default_plan: std
  recorders: [finance]
  remind_after: 1d
  escalate_after: 15d
YAML
	N1=$(( P_SRV * Q_SRV )) N2=$(( P_INS * Q_INS ))
	T1=$(tax $N1) T2=$(tax $N2)
	TOTAL=$(( N1 + T1 + N2 + T2 ))
	A1=$(( TOTAL * 30 / 100 )) A2=$(( TOTAL * 60 / 100 ))
	A3=$(( TOTAL - A1 - A2 ))
	DUE1=$START DUE2=$(plus $START 30) DUE3=$(plus $START 90)
	PAID1=33900000 PAID2=40000000
}

# quote: the two-line quote on alice's deal, sent and accepted
quote() {
	export CRM_NOW=$(at 2026-01-04)
	crm-product add --sku SRV --name 服务器 --unit 台 --price "$(money $P_SRV)" >/dev/null
	crm-product add --sku INS --name 安装服务 --unit 次 --price "$(money $P_INS)" >/dev/null
	crm-account add --name 长江电子 --owner alice >/dev/null
	crm-stage add --title 服务器项目 --account 1 --owner alice >/dev/null
	crm-quote new --deal 1 --as alice >/dev/null
	crm-quote line 1 --product SRV --qty $Q_SRV --as alice >/dev/null
	crm-quote line 1 --product INS --qty $Q_INS --as alice >/dev/null
	crm-quote send 1 --as alice >/dev/null
	crm-quote accept 1 --as alice >/dev/null
}

# contract: won, the contract approved by lily then fay, signed, active
contract() {
	quote
	crm-stage won 1 --as alice >/dev/null
	crm-contract new --quote 1 --start $START --end 2026-12-31 --as alice >/dev/null
	crm-contract submit 1 --as alice >/dev/null
	crm-contract approve 1 --comment 条款可以 --as lily >/dev/null
	crm-contract approve 1 --comment 同意 --as fay >/dev/null
	CRM_NOW=$(at $START) crm-contract sign 1 --on $START --as alice >/dev/null
	CRM_NOW=$(at $START) crm-contract activate 1 --as alice >/dev/null
}

# paid: the order, the default plan, 339,000.00 on time, 400,000.00 late
paid() {
	contract
	export CRM_NOW=$(at $START)
	crm-order new --contract 1 --as alice >/dev/null
	crm-pay plan C-000001 --as alice -q
	crm-pay record C-000001 "$(money $PAID1)" --on $DUE1 --method bank --ref CMB-1 --as fay -q
	LATE=$(plus $DUE2 16)
	CRM_NOW=$(at $LATE) crm-pay record C-000001 "$(money $PAID2)" --on $LATE --method bank \
		--ref CMB-2 --as fay -q
}

@test "lead to cash: the quote's total is the deal's amount, legal then finance approve" {
	setup_team
	quote
	run crm-quote show 1
	assert_output --partial "$(printf 'CNY\t%s\t%s\t%s' "$(money $((N1 + N2)))" "$(money $((T1 + T2)))" "$(money $TOTAL)")"
	[ "$(money $TOTAL)" = 1130000.00 ]
	run crm-stage list --fields amount -H
	assert_output "$(money $TOTAL)"
	crm-stage won 1 --as alice >/dev/null
	run crm-contract new --quote 1 --start $START --as alice -H
	assert_output "$(printf '1\tC-000001\tdraft\t%s\tCNY' "$(money $TOTAL)")"
	run crm-contract submit 1 --as alice -H
	assert_output "$(printf '1\tC-000001\tpending\t1/2 legal')"
	# finance may not decide legal's step, nor may the owner or bob
	before=$(db_query "SELECT count(*) FROM audit")
	for who in fay alice bob; do
		must_fail 77 crm-contract approve 1 --as $who
	done
	[ "$(db_query "SELECT count(*) FROM audit")" = "$before" ]
	run crm-task remind -H
	assert_output --partial "$(printf 'lily\t\tcontract\t1\tC-000001\tapproval\t0\tstep 1: legal')"
	run crm-contract approve 1 --comment 条款可以 --as lily -H
	assert_output "$(printf '1\tC-000001\tpending\t2/2 finance')"
	run crm-contract approve 1 --comment 同意 --as fay -H
	assert_output "$(printf '1\tC-000001\tapproved\t')"
	# each decision audited with who, the step and the comment
	run db_query "SELECT actor, action, field, new_value FROM audit WHERE entity = 'contract' AND action = 'approve' ORDER BY id"
	assert_output "lily|approve|step 1/2 legal|approved: 条款可以
fay|approve|step 2/2 finance|approved: 同意
fay|approve|status|approved"
}

@test "lead to cash: an order of it all, a 30/60/10 plan, the payments allocated oldest first" {
	setup_team
	contract
	export CRM_NOW=$(at $START)
	run crm-order new --contract 1 --as alice -H
	assert_output "$(printf '1\tO-000001\tC-000001\topen\t%s\t%s\t%s\tCNY\t%s\t\talice' \
		"$(money $((N1 + N2)))" "$(money $((T1 + T2)))" "$(money $TOTAL)" $START)"
	run crm-pay plan C-000001 --as alice -H
	assert_output "$(printf '1\t%s\t%s\t0.00\t%s\tcurrent\t0\n2\t%s\t%s\t0.00\t%s\tcurrent\t0\n3\t%s\t%s\t0.00\t%s\tcurrent\t0' \
		$DUE1 "$(money $A1)" "$(money $A1)" $DUE2 "$(money $A2)" "$(money $A2)" $DUE3 "$(money $A3)" "$(money $A3)")"
	[ $((A1 + A2 + A3)) -eq $TOTAL ]
	# fay records (finance may, though the contract is alice's); bob may not
	must_fail 77 crm-pay record C-000001 "$(money $PAID1)" --as bob
	run crm-pay record C-000001 "$(money $PAID1)" --on $DUE1 --as fay -H
	assert_output "$(printf '1\tC-000001\t%s\t1\t%s\t0.00' $DUE1 "$(money $PAID1)")"
	LATE=$(plus $DUE2 16)
	CRM_NOW=$(at $LATE) run crm-pay record C-000001 "$(money $PAID2)" --on $LATE --as fay -H
	assert_output "$(printf '2\tC-000001\t%s\t2\t%s\t%s' $LATE "$(money $PAID2)" "$(money $((A2 - PAID2)))")"
	# more than is open is refused, and nothing is written
	open=$(( TOTAL - PAID1 - PAID2 ))
	before=$(db_query "SELECT count(*) FROM payments")
	CRM_NOW=$(at $LATE) must_fail 65 crm-pay record C-000001 "$(money $((open + 1)))" --as fay
	assert_output --partial "$(money $open)"
	[ "$(db_query "SELECT count(*) FROM payments")" = "$before" ]
}

@test "lead to cash: the owner is reminded after the due date, the manager after escalate_after" {
	setup_team
	contract
	export CRM_NOW=$(at $START)
	crm-pay plan C-000001 --as alice -q
	crm-pay record C-000001 "$(money $PAID1)" --on $DUE1 --as fay -q
	pay_rows() { crm-task remind -H | awk -F'\t' '$6 ~ /^payment_/ { print $1 "\t" $6 "\t" $7 }'; }
	CRM_NOW=$(at $DUE2) run pay_rows
	assert_output ""
	CRM_NOW=$(at $(plus $DUE2 1)) run pay_rows
	assert_output "$(printf 'alice\tpayment_overdue\t1')"
	CRM_NOW=$(at $(plus $DUE2 14)) run pay_rows
	assert_output "$(printf 'alice\tpayment_overdue\t14')"
	CRM_NOW=$(at $(plus $DUE2 15)) run pay_rows
	assert_output "$(printf 'alice\tpayment_overdue\t15\nmgr\tpayment_escalation\t15')"
	# paid in part, still overdue: the reminders go on
	LATE=$(plus $DUE2 16)
	CRM_NOW=$(at $LATE) crm-pay record C-000001 "$(money $PAID2)" --on $LATE --as fay -q
	CRM_NOW=$(at $LATE) run pay_rows
	assert_output "$(printf 'alice\tpayment_overdue\t16\nmgr\tpayment_escalation\t16')"
}

@test "lead to cash: on a later day the ageing, the KPI's 739,000.00 and the 360 view" {
	setup_team
	paid
	LATER=2026-03-10
	export CRM_NOW=$(at $LATER)
	rest2=$(( A2 - PAID2 ))
	late=$(days $DUE2 $LATER)
	[ "$late" -ge 31 ] && [ "$late" -le 60 ]
	run --separate-stderr crm-report ageing -H
	assert_output "$(printf '长江电子\tCNY\t%s\t0.00\t%s\t0.00\t0.00\t%s' "$(money $A3)" "$(money $rest2)" "$(money $((A3 + rest2)))")"
	run --separate-stderr crm-report ageing --by owner -H
	assert_output "$(printf 'alice\tCNY\t%s\t0.00\t%s\t0.00\t0.00\t%s' "$(money $A3)" "$(money $rest2)" "$(money $((A3 + rest2)))")"
	[ "$(money $((PAID1 + PAID2)))" = 739000.00 ]
	run --separate-stderr crm-report kpi --by owner --since 2026-01-01 --until $LATER
	assert_line --regexp "^alice	.*	$(money $((PAID1 + PAID2)))	[0-9.]+\$"
	run --separate-stderr crm-account show 1
	assert_success
	section() { awk -v s="# $1" '$0 == s { on = 1; next } on && /^$/ { exit } on' <<<"$output"; }
	assert_equal "$(section quotes | sed 1d | cut -f2,4,7)" "$(printf 'Q-000001\taccepted\t%s' "$(money $TOTAL)")"
	assert_equal "$(section contracts | sed 1d | cut -f2,5,6,7)" "$(printf 'C-000001\tactive\tapproved\t%s' "$(money $TOTAL)")"
	assert_equal "$(section orders | sed 1d | cut -f2,7)" "$(printf 'O-000001\t%s' "$(money $TOTAL)")"
	assert_equal "$(section payments | sed 1d)" "$(printf '%s\n' \
		"C-000001	instalment	1	$DUE1	CNY	$(money $A1)	$(money $PAID1)	0.00	paid" \
		"C-000001	instalment	2	$DUE2	CNY	$(money $A2)	$(money $PAID2)	$(money $rest2)	overdue" \
		"C-000001	instalment	3	$DUE3	CNY	$(money $A3)	0.00	$(money $A3)	current" \
		"	collected		$LATE	CNY	$(money $((PAID1 + PAID2)))			" \
		"	outstanding		$DUE2	CNY	$(money $((A3 + rest2)))			overdue")"
}

@test "lead to cash: bob, a rep of the same team, sees and changes none of alice's" {
	setup_team
	paid
	for tool in "crm-quote show 1" "crm-contract show 1" "crm-order show 1" "crm-pay schedule C-000001"; do
		must_fail 77 $tool --as bob
		assert_output --regexp "^crm-[a-z]+: permission denied: [a-z]+ '?[C0-9-]+'? is not visible to 'bob'\$"
	done
	before=$(db_query "SELECT count(*) FROM audit")
	must_fail 77 crm-pay record C-000001 1.00 --as bob
	must_fail 77 crm-contract terminate 1 --reason x --as bob
	[ "$(db_query "SELECT count(*) FROM audit")" = "$before" ]
	run crm-report ageing -H --as bob
	assert_output ""
}
