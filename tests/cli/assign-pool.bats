#!/usr/bin/env bats
# The lead pool (公海): crm-assign reclaim takes back neglected leads,
# crm-lead claim gives them out again under a limit and a cooldown.

load helper
bats_require_minimum_version 1.5.0

q() { db_query_tsv "$@"; }

# e1, e2 in east (managed by emgr), w1 in west; leads 1-3 to e1, e2, e1 and
# lead 4 to w1 on 2026-03-02; lead 2 called on 2026-03-03.
pool_setup() {
	crm-user add --login root --name Root --role admin >/dev/null
	export CRM_USER=root
	crm-user add --login emgr --name 'East Boss' --role manager >/dev/null
	crm-user team add east --manager emgr
	crm-user team add west
	for u in e1 e2; do crm-user add --login $u --name $u --team east --manager emgr >/dev/null; done
	crm-user add --login w1 --name w1 --team west >/dev/null
	cat >crm.yaml <<-'EOF'
	followup:
	  reclaim_after_first: 5
	  reclaim_after_idle: 10
	pool:
	  claim_limit: 2
	  reclaim_cooldown: 30
	EOF
	export CRM_CONFIG=crm.yaml
	printf 'name\n客户1\n客户2\n客户3\n客户4\n客户5\n客户6\n' | crm-lead import -q >/dev/null
	printf 'id\n1\n3\n' | crm-assign --to e1 >/dev/null
	printf 'id\n2\n' | crm-assign --to e2 >/dev/null
	printf 'id\n4\n' | crm-assign --to w1 >/dev/null
	CRM_NOW=2026-03-03T09:00:00Z crm-log add --lead 2 --kind call 'first call' >/dev/null
}

has_claim() { crm-lead --help 2>/dev/null | grep -q 'crm-lead claim'; }

@test "reclaim is off unless configured" {
	crm-user add --login root --name Root --role admin >/dev/null
	CRM_USER=root run --separate-stderr crm-assign reclaim
	assert_success
	assert_output ""
	assert_equal "$stderr" "crm-assign: reclaim is off (followup.reclaim_after_* unset)"
}

@test "a lead nobody contacted goes back to the pool after reclaim_after_first days" {
	pool_setup
	# five days to the second: not yet (the deadline is "more than 5 days")
	CRM_NOW=2026-03-07T09:00:00Z run crm-assign reclaim
	assert_success
	assert_output "id	name	from	reason"
	CRM_NOW=2026-03-08T09:00:00Z run crm-assign reclaim
	assert_success
	assert_output "id	name	from	reason
1	客户1	e1	no first contact within 5 days
3	客户3	e1	no first contact within 5 days
4	客户4	w1	no first contact within 5 days"
	assert_equal "$(q 'SELECT id FROM leads WHERE owner_id IS NULL AND id <= 4' | tr '\n' ' ')" "1 3 4 "
	assert_equal "$(q "SELECT p.lead_id, u.login, p.action, p.reason, p.at FROM pool_events p
		JOIN users u ON u.id = p.user_id WHERE p.lead_id = 1")" \
		"1	e1	reclaim	no first contact within 5 days	2026-03-08T09:00:00Z"
	# the old owner's first-contact task is closed
	assert_equal "$(q "SELECT status FROM tasks WHERE subject_type = 'lead' AND subject_id = 1")" done
	run crm-lead show 1
	assert_line "2026-03-08T09:00:00Z	root	crm-assign	reclaim	owner	e1		"
	# and crm-task remind tells e1
	CRM_NOW=2026-03-08T09:00:00Z run crm-task remind
	assert_success
	assert_line --regexp '^e1	.*	lead	1	客户1	reclaimed	'
	# the contacted lead stays: idle only since the 3rd
	assert_equal "$(q "SELECT u.login FROM leads l JOIN users u ON u.id = l.owner_id WHERE l.id = 2")" e2
}

@test "a lead with nothing logged for reclaim_after_idle days goes back too" {
	pool_setup
	CRM_NOW=2026-03-13T09:00:00Z run crm-assign reclaim -H
	assert_success
	refute_line --regexp '^2	'
	CRM_NOW=2026-03-14T09:00:00Z run crm-assign reclaim -H
	assert_success
	assert_output "2	客户2	e2	no activity for 10 days"
}

@test "reclaim -n writes nothing; reps may not reclaim; a manager only within reach" {
	pool_setup
	before=$(fingerprint)
	CRM_NOW=2026-03-08T09:00:00Z run crm-assign reclaim -n -H
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_equal "$(fingerprint)" "$before"
	CRM_NOW=2026-03-08T09:00:00Z must_fail 77 crm-assign reclaim --as e1
	assert_output "crm-assign: permission denied: only a manager or an admin may reclaim leads"
	CRM_NOW=2026-03-08T09:00:00Z run crm-assign reclaim -H --as emgr
	assert_success
	assert_output "1	客户1	e1	no first contact within 5 days
3	客户3	e1	no first contact within 5 days"
	assert_equal "$(q "SELECT u.login FROM leads l JOIN users u ON u.id = l.owner_id WHERE l.id = 4")" w1
}

@test "claim: another rep takes a reclaimed lead; the one who lost it waits out the cooldown" {
	has_claim || skip "crm-lead claim is not wired yet"
	pool_setup
	export CRM_NOW=2026-03-08T09:00:00Z
	crm-assign reclaim >/dev/null
	run crm-lead claim 1 --as e2
	assert_success
	assert_output "id	name	owner
1	客户1	e2"
	assert_equal "$(q "SELECT u.login, l.claimed_at FROM leads l JOIN users u ON u.id = l.owner_id
		WHERE l.id = 1")" "e2	2026-03-08T09:00:00Z"
	assert_equal "$(q "SELECT t.due FROM tasks t JOIN users u ON u.id = t.owner_id
		WHERE t.subject_id = 1 AND t.status = 'open' AND u.login = 'e2'")" 2026-03-11T09:00:00Z
	run crm-lead show 1
	assert_line "2026-03-08T09:00:00Z	e2	crm-lead	claim	owner		e2	"
	must_fail 77 crm-lead claim 3 --as e1
	assert_output "crm-lead: permission denied: lead 3 was reclaimed from 'e1' on 2026-03-08 (cooldown until 2026-04-07)"
	CRM_NOW=2026-04-08T09:00:00Z run crm-lead claim 3 --as e1
	assert_success
}

@test "claim: the limit, owned and missing leads, all or nothing" {
	has_claim || skip "crm-lead claim is not wired yet"
	pool_setup
	export CRM_NOW=2026-03-08T09:00:00Z
	crm-assign reclaim >/dev/null
	before=$(fingerprint)
	# leads 1, 3, 4 are in the pool, 5 and 6 never had an owner; limit 2
	must_fail 77 crm-lead claim 4 5 6 --as e2
	assert_output "crm-lead: permission denied: claim limit reached: 'e2' holds 0 claimed open leads, the limit is 2"
	must_fail 65 crm-lead claim 5 2 --as e2
	assert_output "crm-lead: lead 2 is already yours"
	# a rep learns the lead is taken, not by whom
	must_fail 65 crm-lead claim 2 --as e1
	assert_output "crm-lead: lead 2 is not in the pool: it belongs to someone else"
	must_fail 1 crm-lead claim 99 --as e2
	assert_output "crm-lead: lead 99 not found"
	assert_equal "$(fingerprint)" "$before"
	run crm-lead claim 5 6 -H --as e2
	assert_success
	must_fail 77 crm-lead claim 4 --as e2
	assert_output "crm-lead: permission denied: claim limit reached: 'e2' holds 2 claimed open leads, the limit is 2"
}
