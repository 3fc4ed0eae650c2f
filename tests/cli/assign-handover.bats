#!/usr/bin/env bats
# crm-assign handover and crm-user deactivate --handover-to: everything open
# moves, nothing is lost, and the history shows who had it before.

load helper
bats_require_minimum_version 1.5.0

setup_team() {
	crm-user add --login root --name Root --role admin >/dev/null
	export CRM_USER=root
	crm-user add --login emgr --name 'East Boss' --role manager >/dev/null
	crm-user team add east --manager emgr
	crm-user team add west
	for u in e1 e2 e3; do crm-user add --login $u --name $u --team east --manager emgr >/dev/null; done
	crm-user add --login w1 --name w1 --team west >/dev/null
}

q() { db_query_tsv "$@"; }

# give LOGIN N: N new leads owned by LOGIN, each with its first-contact task.
give() {
	local who=$1 n=$2
	awk -v n="$n" -v w="$who" 'BEGIN { print "name"; for (i = 1; i <= n; i++) printf "%s的客户%d\n", w, i }' >g.tsv
	crm-lead import -q g.tsv | crm-assign --to "$who" >/dev/null
}

# bob's world: 6 open leads (one contacted), 1 converted, 1 task on nothing.
bob_setup() {
	setup_team
	crm-user add --login bob --name Bob --team east --manager emgr >/dev/null
	give bob 7
	crm-log add --lead 2 --kind call 'called' >/dev/null
	crm-lead update 7 --status converted -q
	crm-task add --title 'send catalogue' --due 3d --owner bob >/dev/null
}

@test "handover --to moves open leads and open tasks, keeps closed ones, audits each" {
	bob_setup
	open_leads=$(q "SELECT count(*) FROM leads l JOIN users u ON u.id = l.owner_id
		WHERE u.login = 'bob' AND l.status IN ('new', 'contacted', 'qualified')")
	open_tasks=$(q "SELECT count(*) FROM tasks t JOIN users u ON u.id = t.owner_id
		WHERE u.login = 'bob' AND t.status = 'open'")
	run crm-assign handover --from bob --to e2
	assert_success
	assert_line --index 0 "type	id	name	from	to"
	assert_equal "$(echo "$output" | grep -c '^lead	.*	bob	e2$')" "$open_leads"
	assert_equal "$(echo "$output" | grep -c '^task	.*	bob	e2$')" "$open_tasks"
	assert_line "lead	2	bob的客户2	bob	e2"
	assert_line "task	$(q "SELECT id FROM tasks WHERE title = 'send catalogue'")	send catalogue	bob	e2"
	# nothing open is left with bob; the converted lead stays his
	assert_equal "$(q "SELECT count(*) FROM leads l JOIN users u ON u.id = l.owner_id
		WHERE u.login = 'bob' AND l.status <> 'converted'")" 0
	assert_equal "$(q "SELECT count(*) FROM tasks t JOIN users u ON u.id = t.owner_id
		WHERE u.login = 'bob' AND t.status = 'open'")" 0
	assert_equal "$(q "SELECT u.login FROM leads l JOIN users u ON u.id = l.owner_id WHERE l.id = 7")" bob
	# history: every moved record names its previous owner
	assert_equal "$(q "SELECT count(*) FROM audit WHERE action = 'handover' AND old_value = 'bob'
		AND new_value = 'e2'")" $((open_leads + open_tasks))
	run crm-lead show 3
	assert_line "2026-03-02T09:00:00Z	root	crm-assign	handover	owner	bob	e2	"
}

@test "handover --team spreads leads by least-loaded; tasks follow their lead" {
	bob_setup
	give e1 2
	run crm-assign handover --from bob --team east -H
	assert_success
	# loads before: e1 2, e2 0, e3 0; six open leads of bob's
	assert_equal "$(echo "$output" | awk '$1 == "lead" { print $5 }' | tr '\n' ' ')" \
		"e2 e3 e2 e3 e1 e2 "
	# every first-contact task on a moved lead went with it
	assert_equal "$(q "SELECT count(*) FROM tasks t JOIN leads l ON t.subject_type = 'lead'
		AND t.subject_id = l.id WHERE t.status = 'open' AND l.status <> 'converted'
		AND t.owner_id <> l.owner_id")" 0
	# the team's own loads end level: 2 + 6 over three people
	run q "SELECT u.login, count(*) FROM leads l JOIN users u ON u.id = l.owner_id
		WHERE l.status IN ('new', 'contacted') GROUP BY u.login ORDER BY u.login"
	assert_output "e1	3
e2	3
e3	2"
}

@test "away members are left out of a team handover" {
	bob_setup
	crm-user away e2 --until 2026-03-10
	run crm-assign handover --from bob --team east -H
	assert_success
	assert_equal "$(echo "$output" | cut -f5 | grep -c e2)" 0
}

@test "crm-user deactivate --handover-to: one transaction, nothing lost" {
	bob_setup
	before=$(q "SELECT count(*) FROM leads WHERE status IN ('new', 'contacted', 'qualified')")
	run crm-user deactivate bob --handover-to e3
	assert_success
	assert_line --index 0 "type	id	name	from	to"
	assert_equal "$(q "SELECT active FROM users WHERE login = 'bob'")" 0
	assert_equal "$(q "SELECT count(*) FROM leads l JOIN users u ON u.id = l.owner_id
		WHERE u.login = 'e3' AND l.status IN ('new', 'contacted', 'qualified')")" "$before"
	run crm-lead show 1
	assert_line "2026-03-02T09:00:00Z	root	crm-user	handover	owner	bob	e3	"
	assert_equal "$(q "SELECT a.tool, a.action, a.old_value, a.new_value FROM audit a
		JOIN users u ON u.id = a.entity_id WHERE a.entity = 'user' AND u.login = 'bob'
		AND a.field = 'active'")" "crm-user	deactivate	1	0"
}

@test "deactivate --handover-to a bad target changes nothing" {
	bob_setup
	before=$(fingerprint)
	must_fail 65 crm-user deactivate bob --handover-to nobody
	assert_output "crm-user: unknown user 'nobody'"
	must_fail 65 crm-user deactivate bob --handover-to bob
	assert_output "crm-user: cannot hand over from 'bob' to 'bob'"
	crm-user deactivate e1
	before=$(fingerprint)
	must_fail 65 crm-user deactivate bob --handover-to e1
	assert_output "crm-user: user 'e1' is deactivated"
	must_fail 1 crm-user deactivate nobody --handover-to e2
	must_fail 64 crm-user activate bob --handover-to e2
	assert_equal "$(fingerprint)" "$before"
}

@test "handover: bad input, -n, and who may hand over" {
	bob_setup
	crm-user team add empty
	before=$(fingerprint)
	must_fail 64 crm-assign handover --from bob
	assert_output "crm-assign: handover needs --from and one of --to and --team
Try 'crm-assign --help'."
	must_fail 64 crm-assign handover --from bob --to e1 --team east
	must_fail 1 crm-assign handover --from nobody --to e1
	assert_output "crm-assign: user 'nobody' not found"
	must_fail 65 crm-assign handover --from bob --to nobody
	assert_output "crm-assign: unknown user 'nobody'"
	must_fail 65 crm-assign handover --from bob --team nowhere
	assert_output "crm-assign: unknown team 'nowhere'"
	must_fail 65 crm-assign handover --from bob --team empty
	assert_output "crm-assign: team 'empty' has nobody available to take over from 'bob'"
	run crm-assign handover --from bob --to e1 -n -H
	assert_success
	assert_equal "${#lines[@]}" "$(q "SELECT (SELECT count(*) FROM leads l JOIN users u ON u.id = l.owner_id
		WHERE u.login = 'bob' AND l.status IN ('new', 'contacted', 'qualified'))
		+ (SELECT count(*) FROM tasks t JOIN users u ON u.id = t.owner_id
		WHERE u.login = 'bob' AND t.status = 'open')")"
	must_fail 77 crm-assign handover --from bob --to e1 --as e1
	assert_output "crm-assign: permission denied: only a manager or an admin may hand over"
	must_fail 77 crm-assign handover --from bob --to w1 --as emgr
	assert_output "crm-assign: permission denied: 'emgr' may not change the records of 'w1'"
	must_fail 77 crm-assign handover --from bob --team west --as emgr
	assert_output "crm-assign: permission denied: 'emgr' may not hand over to team 'west'"
	assert_equal "$(fingerprint)" "$before"
	run crm-assign handover --from bob --team east -H --as emgr
	assert_success
}

@test "handover: open quotes, contracts, orders and tickets go with the account; closed ones stay" {
	setup_team
	crm-user add --login bob --name Bob --team east --manager emgr >/dev/null
	crm-account add --name 长江电子 --owner bob >/dev/null
	crm-stage add --title 大单 --account 1 --owner bob >/dev/null
	crm-product add --sku SRV --name 服务器 --price 1000 >/dev/null
	crm-quote new --deal 1 --as bob >/dev/null
	crm-quote line 1 --product SRV --as bob >/dev/null
	crm-quote new --deal 1 --as bob >/dev/null
	crm-quote line 2 --product SRV --as bob >/dev/null
	crm-quote send 2 --as bob >/dev/null
	crm-quote reject 2 --as bob >/dev/null		# decided: stays
	crm-ticket add --subject 打印机 --account 1 --owner bob >/dev/null
	crm-ticket add --subject 已解决 --account 1 --owner bob >/dev/null
	crm-ticket resolve 2 -q				# resolved: stays
	printf 'number\tamount\taccount\towner\tstart_date\tsigned_on\tstatus\n' >c.tsv
	printf 'HT-1\t1000\t1\tbob\t2026-01-01\t2026-01-01\tactive\n' >>c.tsv
	printf 'HT-2\t1000\t1\tbob\t2025-01-01\t2025-01-01\tcompleted\n' >>c.tsv
	crm-contract import --tsv -q c.tsv
	run crm-assign handover --from bob --to e2
	assert_success
	assert_line "quote	1	Q-000001	bob	e2"
	assert_line "contract	1	HT-1	bob	e2"
	assert_line "ticket	1	T-000001	bob	e2"
	refute_line --partial "Q-000002"
	refute_line --partial "HT-2"
	refute_line --partial "T-000002"
	assert_equal "$(q "SELECT group_concat(login) FROM (SELECT u.login FROM quotes q JOIN users u ON u.id = q.owner_id ORDER BY q.id) x")" "e2,bob"
	assert_equal "$(q "SELECT u.login FROM tickets t JOIN users u ON u.id = t.owner_id WHERE t.id = 2")" bob
	assert_equal "$(q "SELECT u.login FROM contracts c JOIN users u ON u.id = c.owner_id WHERE c.number = 'HT-2'")" bob
}
