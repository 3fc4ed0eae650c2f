#!/usr/bin/env bats
# crm-pay: instalment plans, payments allocated oldest first, invoices,
# import; who may record; every bad input refused with nothing written.

load pay_helper
bats_require_minimum_version 1.5.0

TOTAL=113000000		# 1,130,000.00 including 13% VAT
SCHED_HEAD="seq	due_on	amount	paid	open	status	days_overdue"

setup_file() { :; }

# The 30/60/10 amounts: floor of each share, the last the remainder.
split() {
	a1=$(( TOTAL * 30 / 100 )); a2=$(( TOTAL * 60 / 100 )); a3=$(( TOTAL - a1 - a2 ))
}

@test "plan: the default template gives 30/60/10 due from the contract's start" {
	pay_setup
	contract C-1 alice $TOTAL active 2026-01-05 1
	export CRM_NOW=$(at 2026-01-05)
	split
	run --separate-stderr crm-pay plan C-1 --as alice
	assert_success
	assert_output "$SCHED_HEAD
1	2026-01-05	$(money $a1)	0.00	$(money $a1)	current	0
2	$(plus 2026-01-05 30)	$(money $a2)	0.00	$(money $a2)	current	0
3	$(plus 2026-01-05 90)	$(money $a3)	0.00	$(money $a3)	current	0"
	assert_equal "$(money $a1) $(money $a2) $(money $a3)" "339000.00 678000.00 113000.00"
	assert_equal "$(db_query "SELECT count(*) FROM audit WHERE entity = 'instalment' AND action = 'create'")" 3
	# a named template, with weeks
	run crm-pay plan C-1 --template halves -H --as alice
	assert_success
	assert_output "1	2026-01-05	$(money $((TOTAL / 2)))	0.00	$(money $((TOTAL / 2)))	current	0
2	$(plus 2026-01-05 14)	$(money $((TOTAL - TOTAL / 2)))	0.00	$(money $((TOTAL - TOTAL / 2)))	current	0"
	assert_equal "$(db_query "SELECT count(*) FROM audit WHERE entity = 'instalment' AND action = 'delete'")" 3
}

@test "plan --split: floors, the last takes the remainder; --due by hand" {
	pay_setup
	contract C-1 alice 100 active 2026-01-05 1	# 1.00 in thirds
	run crm-pay plan C-1 --split 33.33,33.33:10,33.34:20 -H
	assert_success
	assert_output "1	2026-01-05	0.33	0.00	0.33	overdue	$(days 2026-01-05 2026-03-02)
2	2026-01-15	0.33	0.00	0.33	overdue	$(days 2026-01-15 2026-03-02)
3	2026-01-25	0.34	0.00	0.34	overdue	$(days 2026-01-25 2026-03-02)"
	run crm-pay plan C-1 --due 2026-02-01:0.40 --due 2026-04-01:0.60 -H
	assert_success
	assert_output "1	2026-02-01	0.40	0.00	0.40	overdue	$(days 2026-02-01 2026-03-02)
2	2026-04-01	0.60	0.00	0.60	current	0"
	run crm-pay plan show C-1 -H
	assert_output "1	2026-02-01	0.40	0.00	0.40	overdue	$(days 2026-02-01 2026-03-02)
2	2026-04-01	0.60	0.00	0.60	current	0"
}

@test "plan: bad plans are refused with the value, nothing written" {
	pay_setup
	contract C-1 alice $TOTAL active 2026-01-05 1
	contract C-9 alice $TOTAL terminated 2026-01-05 1
	before=$(fingerprint)
	must_fail 65 crm-pay plan C-1 --due 2026-02-01:1000000.00 --due 2026-04-01:100000.00
	assert_output "crm-pay: instalments add up to 1100000.00, not the total 1130000.00 of contract 'C-1'"
	must_fail 65 crm-pay plan C-1 --due 2026-01-01:1130000.00
	assert_output "crm-pay: due date 2026-01-01 is before contract 'C-1' (2026-01-05)"
	must_fail 65 crm-pay plan C-1 --due 2026-02-30:1130000.00
	assert_output "crm-pay: invalid date for --due '2026-02-30'"
	must_fail 65 crm-pay plan C-1 --due 2026-02-01:-5
	assert_output "crm-pay: negative amount '-5'"
	must_fail 65 crm-pay plan C-1 --split 30,60
	assert_output "crm-pay: split '30,60' adds up to 90.00%, not 100%"
	must_fail 65 crm-pay plan C-1 --split 30,x
	assert_output "crm-pay: invalid split '30,x'"
	must_fail 65 crm-pay plan C-1 --template nosuch
	assert_output "crm-pay: unknown plan template 'nosuch'"
	must_fail 65 crm-pay plan C-9
	assert_output "crm-pay: contract 'C-9' is terminated: it takes no payment plan"
	must_fail 1 crm-pay plan C-404
	assert_output "crm-pay: no such contract 'C-404'"
	must_fail 64 crm-pay plan C-1 --split 50,50 --template std
	assert_output --partial "crm-pay: give only one of --template, --split and --due"
	intact
	# a plan with a payment allocated stays
	crm-pay plan C-1 -q
	crm-pay record C-1 100 --on 2026-01-05 -q
	before=$(fingerprint)
	must_fail 65 crm-pay plan C-1 --split 50,50
	assert_output "crm-pay: contract 'C-1' has payments allocated to its plan: it cannot be replaced"
	intact
}

@test "plan --order: the order's total, its own instalments after the contract's" {
	pay_setup
	contract C-1 alice $TOTAL active 2026-01-05 1
	# orders of the given totals: crm-order makes them only from a contract's
	# lines, and this imported contract has none (lead-to-cash.bats plans
	# an order the tool made)
	fixture_sql "INSERT INTO orders (number, contract_id, total, currency, ordered_on, created_at,
		updated_at) VALUES ('O-1', 1, 50000, 'CNY', '2026-01-10', 'x', 'x'),
		('O-2', 1, 100, 'CNY', '2026-01-10', 'x', 'x')"
	crm-pay plan C-1 --split 100 -q
	run --separate-stderr crm-pay plan C-1 --order 1 --split 40,60:30 -H
	assert_success
	assert_output "1	2026-01-05	$(money $TOTAL)	0.00	$(money $TOTAL)	overdue	$(days 2026-01-05 2026-03-02)
2	2026-01-05	$(money $(( 50000 * 40 / 100 )))	0.00	$(money $(( 50000 * 40 / 100 )))	overdue	$(days 2026-01-05 2026-03-02)
3	2026-02-04	$(money $(( 50000 - 50000 * 40 / 100 )))	0.00	$(money $(( 50000 - 50000 * 40 / 100 )))	overdue	$(days 2026-02-04 2026-03-02)"
	# replacing the order's plan leaves the contract's own
	crm-pay plan C-1 --order 1 --due 2026-03-01:500.00 -q
	assert_equal "$(db_query "SELECT seq, coalesce(CAST(order_id AS TEXT), '-'), amount FROM instalments ORDER BY seq")" "1|-|$TOTAL
2|1|50000"
	before=$(fingerprint)
	must_fail 1 crm-pay plan C-1 --order 9 --split 100
	assert_output "crm-pay: no such order 9 of contract 'C-1'"
	must_fail 64 crm-pay plan C-1 --order x --split 100
	assert_output --partial "invalid order id 'x'"
	intact
}

@test "plan: no template named and no default_plan is a usage error" {
	contract C-1 "" $TOTAL active 2026-01-05 NULL
	must_fail 64 crm-pay plan C-1
	assert_output "crm-pay: plan needs --template, --split or --due (the config names no default_plan)
Try 'crm-pay --help'."
}

@test "record: allocated to the oldest open instalment first, across instalments" {
	pay_setup
	contract C-1 alice $TOTAL active 2026-01-05 1
	split
	crm-pay plan C-1 -q
	# a1 and half of a2 in one payment
	pay=$(( a1 + a2 / 2 ))
	run --separate-stderr crm-pay record C-1 "$(money $pay)" --on 2026-02-10 --method bank --ref TX1
	assert_success
	assert_output "payment_id	contract	paid_on	seq	allocated	open
1	C-1	2026-02-10	1	$(money $a1)	0.00
1	C-1	2026-02-10	2	$(money $(( pay - a1 )))	$(money $(( a2 - (pay - a1) )))"
	assert_equal "$(db_query "SELECT instalment_id, amount FROM payment_allocations ORDER BY 1")" "1|$a1
2|$(( pay - a1 ))"
	# the rest: the remainder of a2 and all of a3
	rest=$(( TOTAL - pay ))
	run crm-pay record C-1 "$(money $rest)" -H
	assert_success
	assert_output "2	C-1	2026-03-02	2	$(money $(( a2 - (pay - a1) )))	0.00
2	C-1	2026-03-02	3	$(money $a3)	0.00"
	run crm-pay schedule C-1 -H
	assert_output "1	2026-01-05	$(money $a1)	$(money $a1)	0.00	paid	0
2	$(plus 2026-01-05 30)	$(money $a2)	$(money $a2)	0.00	paid	0
3	$(plus 2026-01-05 90)	$(money $a3)	$(money $a3)	0.00	paid	0"
	run crm-pay payments --contract C-1
	assert_output "id	contract	paid_on	amount	currency	method	reference	owner	recorded_by	note
1	C-1	2026-02-10	$(money $pay)	CNY	bank	TX1	alice	root	
2	C-1	2026-03-02	$(money $rest)	CNY			alice	root	"
	run crm-pay payments --since 2026-03-01 -H
	assert_output "2	C-1	2026-03-02	$(money $rest)	CNY			alice	root	"
	run crm-pay payments --until 2026-02-10 --owner alice -H
	assert_output "1	C-1	2026-02-10	$(money $pay)	CNY	bank	TX1	alice	root	"
	run crm-pay payments --owner bob -H
	assert_output ""
	must_fail 65 crm-pay payments --owner nosuch
	assert_output "crm-pay: unknown user 'nosuch'"
	must_fail 65 crm-pay payments --since someday
	assert_output "crm-pay: invalid date for --since 'someday'"
	# audit: the payment, and each instalment's paid before and after
	assert_equal "$(db_query "SELECT count(*) FROM audit WHERE entity = 'payment' AND action = 'create'")" 2
	assert_equal "$(db_query "SELECT old_value, new_value FROM audit WHERE entity = 'instalment' AND field = 'paid' ORDER BY id")" "0.00|$(money $a1)
0.00|$(money $(( pay - a1 )))
$(money $(( pay - a1 )))|$(money $a2)
0.00|$(money $a3)"
}

@test "record: every bad input refused with the value and status, nothing written" {
	pay_setup
	contract C-1 alice $TOTAL active 2026-01-05 1
	contract C-2 alice $TOTAL terminated 2026-01-05 1
	contract C-3 alice $TOTAL draft 2026-01-05 1
	contract C-4 alice $TOTAL pending 2026-01-05 1
	contract C-5 alice $TOTAL rejected 2026-01-05 1
	for c in C-1 C-3; do crm-pay plan "$c" -q; done
	crm-pay record C-1 100000 --on 2026-01-05 -q
	before=$(fingerprint)
	must_fail 65 crm-pay record C-1 1030000.01
	assert_output "crm-pay: payment 1030000.01 is more than the open balance 1030000.00 of contract 'C-1'"
	must_fail 65 crm-pay record C-1 -- -5.00
	assert_output "crm-pay: negative amount '-5.00'"
	must_fail 65 crm-pay record C-1 12.345
	assert_output "crm-pay: amount with more than two decimals '12.345'"
	must_fail 65 crm-pay record C-1 12,3x
	assert_output "crm-pay: invalid amount '12,3x'"
	must_fail 65 crm-pay record C-1 0
	assert_output "crm-pay: amount must be more than zero '0'"
	must_fail 1 crm-pay record C-404 10
	assert_output "crm-pay: no such contract 'C-404'"
	must_fail 65 crm-pay record C-2 10
	assert_output "crm-pay: contract 'C-2' is terminated: it takes no payments or invoices"
	for c in C-3:draft C-4:pending C-5:rejected; do
		must_fail 65 crm-pay record "${c%%:*}" 10
		assert_output "crm-pay: contract '${c%%:*}' is ${c#*:}: payments and invoices need an approved, signed or active contract"
	done
	must_fail 65 crm-pay record C-1 10 --on 2026-03-03
	assert_output "crm-pay: payment date 2026-03-03 is in the future"
	must_fail 65 crm-pay record C-1 10 --on 2026-13-01
	assert_output "crm-pay: invalid date for --on '2026-13-01'"
	must_fail 65 crm-pay record C-1 10 --on soon
	assert_output "crm-pay: invalid date for --on 'soon'"
	must_fail 64 crm-pay record C-1
	assert_output --partial "crm-pay: missing contract and amount"
	must_fail 64 crm-pay record C-1 10 --kind special
	assert_output --partial "record: --kind does not apply"
	intact
	# -n checks and shows, and writes nothing
	run crm-pay record C-1 10 -n -H
	assert_success
	assert_output "2	C-1	2026-03-02	1	10.00	$(money $(( TOTAL * 30 / 100 - 100000 * 100 - 1000 )))"
	intact
}

@test "who may record: owner, manager, admin, a configured recorder; others 77 and nothing written" {
	pay_setup
	contract C-1 alice $TOTAL active 2026-01-05 1
	crm-pay plan C-1 -q
	before=$(fingerprint)
	for u in bob carol; do
		must_fail 77 crm-pay record C-1 10 --as "$u"
		assert_output "crm-pay: permission denied: contract 'C-1' is not visible to '$u'"
		must_fail 77 crm-pay plan C-1 --split 100 --as "$u"
		assert_output "crm-pay: permission denied: contract 'C-1' is not visible to '$u'"
		must_fail 77 crm-pay invoice C-1 F-1 10 --as "$u"
		must_fail 77 crm-pay schedule C-1 --as "$u"
	done
	intact
	# the owner, the manager, an admin, and fin (finance) who owns nothing
	for u in alice mgr root fin; do
		run crm-pay record C-1 1.00 --as "$u" -q
		assert_success
	done
	assert_equal "$(db_query "SELECT group_concat(login, ' ') FROM (SELECT u.login FROM payments p JOIN users u ON u.id = p.recorded_by ORDER BY p.id) x")" "alice mgr root fin"
	# fin sees the payments it may record; bob sees none of them
	run crm-pay payments --as fin -H
	assert_equal "${#lines[@]}" 4
	run --separate-stderr crm-pay payments --as bob -H
	assert_success
	assert_output ""
	# a recorder by login rather than group
	sed -i 's/recorders: \[finance\]/recorders: [carol]/' "$XDG_CONFIG_HOME/crm/crm.yaml"
	run crm-pay record C-1 1.00 --as carol -q
	assert_success
	must_fail 77 crm-pay record C-1 1.00 --as fin
}

@test "invoices: number, amount, date, kind; never more than the contract" {
	pay_setup
	contract C-1 alice $TOTAL active 2026-01-05 1
	run --separate-stderr crm-pay invoice C-1 FP-001 339000.00 --on 2026-01-06 --kind special
	assert_success
	assert_output "id	contract	number	issued_on	amount	currency	kind	owner	note
1	C-1	FP-001	2026-01-06	339000.00	CNY	special	alice	"
	crm-pay invoice C-1 FP-002 678000 -q
	before=$(fingerprint)
	left=$(( TOTAL - 33900000 - 67800000 ))
	must_fail 65 crm-pay invoice C-1 FP-003 "$(money $(( left + 1 )))"
	assert_output "crm-pay: invoices would total 1130000.01, more than the amount 1130000.00 of contract 'C-1'"
	must_fail 65 crm-pay invoice C-1 FP-001 1
	assert_output "crm-pay: invoice 'FP-001' is already recorded"
	must_fail 64 crm-pay invoice C-1 FP-009 1 --kind vat
	assert_output --partial "crm-pay: --kind: expected normal or special, not 'vat'"
	must_fail 65 crm-pay invoice C-1 FP-009 -- -1
	assert_output "crm-pay: negative amount '-1'"
	intact
	crm-pay invoice C-1 FP-003 "$(money $left)" -q
	run crm-pay invoices -H --since 2026-03-01
	assert_output "2	C-1	FP-002	2026-03-02	678000.00	CNY	normal	alice	
3	C-1	FP-003	2026-03-02	$(money $left)	CNY	normal	alice	"
	assert_equal "$(db_query "SELECT count(*) FROM audit WHERE entity = 'invoice'")" 3
}

@test "import: historical plans, payments and invoices; every bad row listed, nothing imported" {
	pay_setup
	contract H-1 alice 1000000 active 2025-06-01 1
	contract H-2 carol 500000 active 2025-07-01 2
	printf '%s\n' "type	contract	due_on	paid_on	number	amount	method	date" \
		"instalment	H-1	2025-06-01			6000.00		" \
		"instalment	H-1	2025-09-01			4000.00		" \
		"payment	H-1		2025-06-03		7000.00	bank	" \
		"invoice	H-1			FP-H1	10000.00		2025-06-04" \
		"instalment	H-2	2025-07-01			5000.00		" >good.tsv
	printf '%s\n' "type	contract	due_on	paid_on	number	amount	method" \
		"instalment	H-1	2025-06-01			6000.00	" \
		"refund	H-1		2025-06-03		1.00	" \
		"instalment	H-404	2025-06-01			1.00	" \
		"instalment	H-1	2025-05-01			1.00	" \
		"payment	H-1		2025-06-03		6000.01	" \
		"payment	H-1		2027-01-01		1.00	" \
		"instalment	H-1	2025-06-01			-3	" >bad.tsv
	before=$(fingerprint)
	must_fail 65 crm-pay import bad.tsv
	assert_output "crm-pay: bad.tsv:3: invalid type 'refund' (instalment, payment, invoice)
crm-pay: bad.tsv:4: no such contract 'H-404'
crm-pay: bad.tsv:5: due date 2025-05-01 is before contract 'H-1' (2025-06-01)
crm-pay: bad.tsv:6: payment 6000.01 is more than the open balance 6000.00 of contract 'H-1'
crm-pay: bad.tsv:7: payment date 2027-01-01 is in the future
crm-pay: bad.tsv:8: negative amount '-3'
crm-pay: 6 bad rows, nothing imported"
	intact
	# carol's contract is not alice's to import into
	must_fail 65 crm-pay import good.tsv --as alice
	assert_output "crm-pay: good.tsv:6: permission denied: contract 'H-2' is not visible to 'alice'
crm-pay: 1 bad row, nothing imported"
	intact
	run --separate-stderr crm-pay import good.tsv
	assert_success
	assert_output "type	imported
instalment	3
payment	1
invoice	1"
	run crm-pay schedule H-1 -H
	assert_output "1	2025-06-01	6000.00	6000.00	0.00	paid	0
2	2025-09-01	4000.00	1000.00	3000.00	overdue	$(days 2025-09-01 2026-03-02)"
	# --skip-bad: the good rows in, the bad ones to the reject file
	sed 's/\t\t\t-3\t/\t\t\t3.00\t/' bad.tsv | sed '2d' >again.tsv
	run --separate-stderr crm-pay import again.tsv --skip-bad --reject rej.tsv -H
	assert_success
	assert_output "instalment	1
payment	0
invoice	0"
	assert_equal "$(cut -f1,2,8 rej.tsv)" "type	contract	error
refund	H-1	invalid type 'refund' (instalment, payment, invoice)
instalment	H-404	no such contract 'H-404'
instalment	H-1	due date 2025-05-01 is before contract 'H-1' (2025-06-01)
payment	H-1	payment 6000.01 is more than the open balance 3000.00 of contract 'H-1'
payment	H-1	payment date 2027-01-01 is in the future"
}
