#!/usr/bin/env bats
# crm-task remind: overdue tasks, idle leads, escalation to the manager,
# reclaimed leads; the same rows all day; --mark and --unsent.

load helper
bats_require_minimum_version 1.5.0

# Team east is managed by mgr; alice reports to mgr, bob only belongs to
# the team; carol is in team west, which has no manager.  Leads, all
# assigned on Monday 2 March 2026: 1 alice, 2 bob, 3 the pool, 4 carol,
# 5 mgr's own.
team_setup() {
	crm-user add --login root --name Root --role admin >/dev/null
	export CRM_USER=root
	crm-user add --login mgr --name Manager --role manager --email mgr@example.com >/dev/null
	crm-user team add east --manager mgr
	crm-user team add west
	crm-user update mgr --team east
	crm-user add --login alice --name Alice --team east --manager mgr --email alice@example.com >/dev/null
	crm-user add --login bob --name Bob --team east --email bob@example.com >/dev/null
	crm-user add --login carol --name Carol --team west --email carol@example.com >/dev/null
	crm-lead add --name 张三 --owner alice >/dev/null
	crm-lead add --name 李四 --owner bob >/dev/null
	crm-lead add --name 王五 >/dev/null
	crm-lead add --name 赵六 --owner carol >/dev/null
	crm-lead add --name 钱七 --owner mgr >/dev/null
}

sql() { db_query "$@"; }

# days FROM TO: calendar days between two dates
days() { echo $(( ($(date -u -d "$2" +%s) - $(date -u -d "$1" +%s)) / 86400 )); }

# The rows about leads: overdue tasks are tested on their own, and leads
# may come with a first-contact task.
lead_rows() { echo "$output" | awk -F'\t' '$6 != "overdue"'; }

at_day() { date -u -d "2026-03-02 09:00 UTC + $1 days" +%Y-%m-%dT%H:%M:%SZ; }

@test "moving CRM_NOW on: idle after 3 days for the owner, after 7 also for the manager; a call ends it" {
	team_setup
	CRM_NOW=$(at_day 2) run crm-task remind -H
	assert_success
	assert_equal "$(lead_rows)" ""

	CRM_NOW=$(at_day 3) run crm-task remind -H
	d=$(days 2026-03-02 2026-03-05)
	assert_equal "$(lead_rows)" "alice	alice@example.com	lead	1	张三	idle	$d	
bob	bob@example.com	lead	2	李四	idle	$d	
carol	carol@example.com	lead	4	赵六	idle	$d	
mgr	mgr@example.com	lead	5	钱七	idle	$d	"

	export CRM_NOW=$(at_day 7)
	run crm-task remind -H
	d=$(days 2026-03-02 2026-03-09)
	assert_equal "$(lead_rows)" "alice	alice@example.com	lead	1	张三	idle	$d	
bob	bob@example.com	lead	2	李四	idle	$d	
carol	carol@example.com	lead	4	赵六	idle	$d	
mgr	mgr@example.com	lead	5	钱七	idle	$d	
mgr	mgr@example.com	lead	1	张三	escalation	$d	
mgr	mgr@example.com	lead	2	李四	escalation	$d	"

	crm-log add --lead 1 --kind call '约了下周拜访' -q --as alice </dev/null
	run crm-task remind -H
	assert_equal "$(lead_rows | cut -f1,4,6 | tr '\t\n' ', ')" "bob,2,idle carol,4,idle mgr,5,idle mgr,2,escalation "
}

@test "the title of an idle lead is its last next step; days count from the last interaction" {
	team_setup
	CRM_NOW=$(at_day 1) crm-log add --lead 2 --kind call --next '发报价' x -q </dev/null
	CRM_NOW=$(at_day 7) run crm-task remind -H
	d=$(days 2026-03-03 2026-03-09)
	assert_equal "$(lead_rows | grep '	2	')" "bob	bob@example.com	lead	2	李四	idle	$d	发报价"
}

@test "closed and pool leads are not reminded of" {
	team_setup
	crm-lead update 1 --status disqualified -q
	crm-lead update 2 --status converted -q
	CRM_NOW=$(at_day 9) run crm-task remind -H
	assert_equal "$(lead_rows | cut -f4 | tr '\n' ' ')" "4 5 "
}

@test "overdue tasks go to their owner from the day after the due date" {
	team_setup
	crm-task add --lead 1 --title '寄样品' --due 2026-03-03 --owner alice -q
	crm-task add --title 'weekly report' --due 2026-03-05T20:00 --owner bob -q
	crm-task add --title 'done already' --due 2026-03-01 --owner bob -q
	crm-task done 3 -q
	CRM_NOW=2026-03-05T15:30:00Z run crm-task remind -H
	assert_success
	d=$(days 2026-03-03 2026-03-05)
	assert_equal "$(echo "$output" | grep '	overdue	')" "alice	alice@example.com	lead	1	张三	overdue	$d	寄样品"
	CRM_NOW=2026-03-06T01:00:00Z run crm-task remind -H
	assert_equal "$(echo "$output" | grep '	overdue	' | cut -f1,6,7,8 | tr '\t\n' ', ')" \
		"alice,overdue,$((d + 1)),寄样品 bob,overdue,1,weekly report "
}

@test "twice on the same day gives the same rows, whatever the hour" {
	team_setup
	crm-task add --lead 1 --title call --due 2026-03-04 --owner alice -q
	crm-task add --title late --due 2026-03-05T20:00 --owner bob -q
	# 01:00 and 23:30 on 5 March in Shanghai
	CRM_NOW=2026-03-04T17:00:00Z run crm-task remind
	early=$output
	CRM_NOW=2026-03-05T15:30:00Z run crm-task remind
	assert_equal "$output" "$early"
	assert_equal "$(echo "$output" | cut -f1,4,6 | tr '\t\n' ', ')" \
		"recipient,subject_id,reason alice,1,overdue alice,1,idle bob,2,idle carol,4,idle mgr,5,idle "
}

@test "--mark records the rows; --unsent then leaves them out that day, not the next" {
	team_setup
	export CRM_NOW=$(at_day 3)
	run crm-task remind -H
	all=$output
	n=$(echo "$all" | wc -l)
	run crm-task remind -n --mark -H
	assert_equal "$output" "$all"
	run sql "SELECT count(*) FROM reminders_sent"
	assert_output 0
	run crm-task remind --mark -H
	assert_equal "$output" "$all"
	run sql "SELECT count(*) FROM reminders_sent WHERE day = '2026-03-05'"
	assert_output "$n"
	run sql "SELECT count(*) FROM audit WHERE entity = 'reminder' AND action = 'mark'"
	assert_output "$n"
	run crm-task remind --unsent -H
	assert_success
	assert_output ""
	run crm-task remind -H
	assert_equal "$output" "$all"
	# marking again the same day records nothing new
	crm-task remind --mark -q
	run sql "SELECT count(*) FROM reminders_sent"
	assert_output "$n"
	CRM_NOW=$(at_day 4) run crm-task remind --unsent -H
	assert_equal "$(echo "$output" | wc -l)" "$n"
}

@test "a reclaimed lead is told to its old owner until marked, then never again" {
	team_setup
	alice=$(sql "SELECT id FROM users WHERE login = 'alice'")
	# reclaimed at 02:00 on 4 March, Shanghai time
	fixture_sql "INSERT INTO pool_events (lead_id, user_id, action, reason, at)
		VALUES (3, $alice, 'reclaim', 'no first contact within 5 days', '2026-03-03T18:00:00Z')"
	export CRM_NOW=2026-03-05T01:00:00Z
	reclaimed() { echo "$output" | grep '	reclaimed	'; }
	run crm-task remind -H
	d=$(days 2026-03-04 2026-03-05)
	assert_equal "$(reclaimed)" "alice	alice@example.com	lead	3	王五	reclaimed	$d	no first contact within 5 days"
	crm-task remind --mark -q
	run sql "SELECT notified FROM pool_events"
	assert_output 1
	run crm-task remind -H
	assert_equal "$(reclaimed | cut -f4)" "3"
	run crm-task remind --unsent -H
	assert_equal "$(reclaimed)" ""
	CRM_NOW=2026-03-06T01:00:00Z run crm-task remind -H
	assert_equal "$(reclaimed)" ""
}

@test "a rep running remind sees only rows about their own work" {
	team_setup
	crm-task add --title 'alice only' --due 2026-03-03 --owner alice -q
	CRM_NOW=$(at_day 7) run crm-task remind -H --as bob
	assert_success
	assert_equal "$(echo "$output" | cut -f1,4,6 | tr '\t\n' ', ')" "bob,2,idle mgr,2,escalation "
}

@test "remind_after and escalate_after come from the config" {
	team_setup
	printf 'followup:\n  remind_after: 1\n  escalate_after: 2\n' >"$BATS_TEST_TMPDIR/f.yaml"
	export CRM_CONFIG=$BATS_TEST_TMPDIR/f.yaml
	CRM_NOW=$(at_day 1) run crm-task remind -H
	assert_equal "$(lead_rows | cut -f6 | sort -u)" "idle"
	CRM_NOW=$(at_day 2) run crm-task remind -H
	assert_equal "$(lead_rows | grep -c escalation)" 2
}

@test "columns, formats and failures" {
	team_setup
	CRM_NOW=$(at_day 3) run crm-task remind
	assert_line --index 0 "recipient	email	subject_type	subject_id	subject_name	reason	days	title"
	CRM_NOW=$(at_day 3) run crm-task remind -f table
	assert_line --index 0 --regexp '^recipient +email +subject_type +subject_id +subject_name +reason +days +title$'
	must_fail 64 crm-task remind --mark extra
	must_fail 64 crm-task remind --title x
	hold_lock 5
	CRM_BUSY_TIMEOUT=100 CRM_NOW=$(at_day 3) must_fail 69 crm-task remind --mark
	kill "$LOCK_PID" 2>/dev/null || true
	wait "$LOCK_PID" 2>/dev/null || true
	run sql "SELECT count(*) FROM reminders_sent"
	assert_output 0
	run bash -c 'crm-task remind >/dev/full'
	[ "$status" -eq 74 ]
}

@test "with crm-assign: the first-contact task falls due, a call closes it; a reclaimed lead is told" {
	command -v crm-assign >/dev/null || skip "crm-assign is not there yet"
	team_setup
	printf 'id\n3\n' | crm-assign --to alice -q >/dev/null
	run crm-task list --lead 3 -H
	assert_equal "$(echo "$output" | cut -f3,7,8 | tr '\t' ,)" "alice,first contact,open"
	# due three days after the assignment: overdue from the day after that
	CRM_NOW=$(at_day 3) run crm-task remind -H
	assert_equal "$(echo "$output" | grep -c '	overdue	')" 0
	CRM_NOW=$(at_day 4) run crm-task remind -H
	assert_equal "$(echo "$output" | grep '	overdue	' | cut -f1,4,7,8 | tr '\t' ,)" "alice,3,1,first contact"
	CRM_NOW=$(at_day 4) crm-log add --lead 3 --kind call x -q --as alice </dev/null
	CRM_NOW=$(at_day 4) run crm-task remind -H
	assert_equal "$(echo "$output" | grep -c '	3	')" 0

	printf 'followup:\n  reclaim_after_first: 5\n' >"$BATS_TEST_TMPDIR/reclaim.yaml"
	CRM_NOW=$(at_day 6) crm-assign -c "$BATS_TEST_TMPDIR/reclaim.yaml" reclaim >/dev/null
	# every lead but 3 went without a first contact for 5 days
	CRM_NOW=$(at_day 6) run crm-task remind -H
	assert_equal "$(echo "$output" | grep '	reclaimed	' | cut -f1,4,7 | tr '\t\n' ', ')" \
		"alice,1,0 bob,2,0 carol,4,0 mgr,5,0 "
}
