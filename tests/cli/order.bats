#!/usr/bin/env bats
# crm-order: orders from an approved contract, whole or in part (never
# more of a line than the contract holds), delivery, cancel, wrong
# states, bad input and visibility.

load helper
load contract_helper
bats_require_minimum_version 1.5.0

@test "partial orders add up to the contract's lines; the next one over is refused with the numbers" {
	contract_setup
	approved_contract
	run crm-order new --contract C-000001 --line 1:4 --as alice
	n=$(line_net 4000 8000000); t=$(line_tax "$n")
	assert_output "id	number	contract	status	net	tax	total	currency	ordered_on	fulfilled_on	owner
1	O-000001	C-000001	open	$(money "$n")	$(money "$t")	$(money $((n + t)))	CNY	2026-03-02		alice"
	before=$(fingerprint)
	must_fail 65 crm-order new --contract 1 --line 1:6.5 --as alice
	assert_output "crm-order: contract C-000001 line 1: 6.5 more would exceed its quantity 10 (4 ordered)"
	must_fail 65 crm-order new --contract 1 --line 3:1 --as alice
	assert_output "crm-order: contract C-000001 has no line 3"
	[ "$(fingerprint)" = "$before" ]
	# the rest: 6 of line 1 and both of line 2
	run crm-order new --contract 1 -H --as alice
	n2=$(( $(line_net 6000 8000000) + $(line_net 2000 10000000) ))
	t2=$(( $(line_tax $(line_net 6000 8000000)) + $(line_tax $(line_net 2000 10000000)) ))
	assert_output "2	O-000002	C-000001	open	$(money "$n2")	$(money "$t2")	$(money $((n2 + t2)))	CNY	2026-03-02		alice"
	[ $((n + t + n2 + t2)) -eq "$TOTAL" ]
	must_fail 65 crm-order new --contract 1 --as alice
	assert_output "crm-order: contract C-000001: nothing left to order"
	run db_query "SELECT sum(qty) FROM doc_lines WHERE doc = 'order' GROUP BY source_line ORDER BY source_line"
	assert_output "10000
2000"
	# a cancelled order gives its quantities back
	crm-order cancel 1 --as alice >/dev/null
	run crm-order new --contract 1 --line 1:4 -H --as alice
	assert_line --partial "3	O-000003	C-000001	open"
}

@test "deliver: some lines partial, all fulfilled; over-delivery and wrong states refused" {
	contract_setup
	approved_contract
	crm-order new --contract 1 --as alice >/dev/null
	run crm-order deliver 1 --line 1:3 --as alice -H
	assert_line --partial "1	O-000001	C-000001	partial"
	must_fail 65 crm-order deliver 1 --line 1:8 --as alice
	assert_output "crm-order: order O-000001 line 1: delivering 8 more would exceed its quantity 10 (3 delivered)"
	must_fail 65 crm-order cancel 1 --as alice
	assert_output "crm-order: order O-000001 is partial: cannot cancel (needs open)"
	run crm-order show 1 --as alice
	assert_line "# delivery"
	assert_line "1	10	3	7"
	assert_line "2	2	0	2"
	run crm-order deliver 1 --as alice -H
	assert_line "1	O-000001	C-000001	fulfilled	$(money $((N1 + N2)))	$(money $((T1 + T2)))	$(money "$TOTAL")	CNY	2026-03-02	2026-03-02	alice"
	must_fail 65 crm-order deliver 1 --as alice
	assert_output "crm-order: order O-000001 is fulfilled: cannot deliver (needs open or partial)"
	run db_query_tsv "SELECT field, old_value, new_value FROM audit WHERE entity = 'order' AND action = 'deliver' ORDER BY id"
	assert_output "line 1 delivered	0	3
line 1 delivered	3	10
line 2 delivered	0	2"
}

@test "orders only from approved, signed or active contracts" {
	contract_setup
	crm-contract new --quote 1 --as alice >/dev/null
	must_fail 65 crm-order new --contract 1 --as alice
	assert_output "crm-order: contract C-000001 is draft: cannot order (needs approved, signed or active)"
	crm-contract submit 1 --as alice >/dev/null
	must_fail 65 crm-order new --contract 1 --as alice
	assert_output "crm-order: contract C-000001 is pending: cannot order (needs approved, signed or active)"
	crm-contract reject 1 --comment no --as lily >/dev/null
	must_fail 65 crm-order new --contract 1 --as alice
	assert_output "crm-order: contract C-000001 is rejected: cannot order (needs approved, signed or active)"
	crm-contract submit 1 --as alice >/dev/null
	crm-contract approve 1 --as lily >/dev/null
	crm-contract approve 1 --as fay >/dev/null
	crm-contract sign 1 --as alice >/dev/null
	crm-order new --contract 1 --line 2:1 --as alice >/dev/null
	crm-contract activate 1 --as alice >/dev/null
	crm-order new --contract 1 --line 2:1 --as alice >/dev/null
	crm-contract terminate 1 --reason 停 --as alice >/dev/null
	must_fail 65 crm-order new --contract 1 --line 1:1 --as alice
	assert_output "crm-order: contract C-000001 is terminated: cannot order (needs approved, signed or active)"
	# a contract with no lines has nothing to order
	crm-stage add --title 小单 --account 1 --owner alice >/dev/null
	crm-stage won 2 --amount 5000 >/dev/null
	crm-contract new --deal 2 --as alice >/dev/null
	crm-contract submit 2 --as alice >/dev/null
	must_fail 65 crm-order new --contract 2 --as alice
	assert_output "crm-order: contract C-000002 has no lines to order"
}

@test "bad input and visibility" {
	contract_setup
	approved_contract
	crm-order new --contract 1 --line 1:1 --as alice >/dev/null
	before=$(fingerprint)
	must_fail 64 crm-order new --contract 1 --line 1 --as alice
	assert_line --index 0 "crm-order: invalid --line '1' (want LINE:QTY)"
	must_fail 64 crm-order new --contract 1 --line 1:-2 --as alice
	must_fail 64 crm-order new --contract 1 --line 1:0 --as alice
	must_fail 64 crm-order new --as alice
	must_fail 1 crm-order new --contract C-404 --as alice
	assert_output "crm-order: no such contract 'C-404'"
	must_fail 1 crm-order show 9
	assert_output "crm-order: no such order '9'"
	must_fail 77 crm-order new --contract 1 --as bob
	assert_output "crm-order: permission denied: contract '1' is not visible to 'bob'"
	must_fail 77 crm-order deliver 1 --as bob
	assert_output "crm-order: permission denied: order '1' is not visible to 'bob'"
	must_fail 77 crm-order cancel O-000001 --as lily
	run crm-order list -H --as bob
	assert_output ""
	must_fail 64 crm-order list --status shipped
	[ "$(fingerprint)" = "$before" ]
	run crm-order list -H --as mgr
	assert_line --partial "1	O-000001	C-000001	open"
	run crm-order list -H --contract C-000001 --status open
	assert_line --partial "O-000001"
	crm-order new -n --contract 1 --as alice >/dev/null
	[ "$(fingerprint)" = "$before" ]
}

@test "the 360 view shows the account's contracts with their approval state, and its orders" {
	contract_setup
	approved_contract
	crm-order new --contract 1 --line 1:4 --as alice >/dev/null
	run crm-account show 1 --as alice
	assert_success
	contracts=$(printf '%s\n' "$output" | awk '/^# /{s=$2; next} s=="contracts" && NF' | tail -n +2)
	orders=$(printf '%s\n' "$output" | awk '/^# /{s=$2; next} s=="orders" && NF' | tail -n +2)
	[ "$(printf '%s\n' "$contracts" | wc -l)" -eq 1 ]
	[ "$(printf '%s\n' "$contracts" | cut -f5,6)" = "approved	approved" ]
	[ "$(printf '%s\n' "$contracts" | cut -f7)" = "$(money "$TOTAL")" ]
	[ "$(printf '%s\n' "$orders" | wc -l)" -eq 1 ]
	n=$(line_net 4000 8000000)
	[ "$(printf '%s\n' "$orders" | cut -f7)" = "$(money $(( n + $(line_tax "$n") )))" ]
	# bob, another rep, sees neither the account nor its contracts
	must_fail 77 crm-account show 1 --as bob
}
