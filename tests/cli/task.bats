#!/usr/bin/env bats
# crm-task: add, list (mine, owner, overdue, today, week), done, reopen,
# snooze; permissions, dry run, failures.  crm-task remind is in
# task-remind.bats.

load helper
bats_require_minimum_version 1.5.0

team_setup() {
	crm-user add --login root --name Root --role admin >/dev/null
	export CRM_USER=root
	crm-user add --login mgr --name Manager --role manager >/dev/null
	crm-user team add east --manager mgr
	crm-user update mgr --team east
	crm-user add --login alice --name Alice --team east --manager mgr >/dev/null
	crm-user add --login bob --name Bob --team east >/dev/null
	crm-user add --login gone --name Gone --team east >/dev/null
	crm-user deactivate gone
	crm-lead add --name 张三 --region 上海 --owner alice >/dev/null
	crm-lead add --name 李四 --region 江苏 --owner bob >/dev/null
}

sql() { db_query "$@"; }

# utc LOCAL: the UTC instant of a local time in Asia/Shanghai.
utc() { TZ=UTC date -d "TZ=\"Asia/Shanghai\" $1" +%Y-%m-%dT%H:%M:%SZ; }

@test "add a task on a lead: printed, owned by the actor, audited" {
	team_setup
	run crm-task add --lead 1 --title '寄样品' --due 2026-03-05 --owner alice -H
	assert_success
	assert_output "1	$(utc '2026-03-05 00:00')	alice	lead	1	张三	寄样品	open	"
	run crm-task add --title 'weekly report' --due tomorrow -H --as bob
	assert_success
	assert_output "2	$(utc '2026-03-03 00:00')	bob				weekly report	open	"
	run sql "SELECT entity_id, field, new_value FROM audit WHERE entity = 'task' ORDER BY id"
	alice=$(sql "SELECT id FROM users WHERE login = 'alice'")
	bob=$(sql "SELECT id FROM users WHERE login = 'bob'")
	assert_output "1|title|寄样品
1|due|$(utc '2026-03-05 00:00')
1|owner_id|$alice
2|title|weekly report
2|due|$(utc '2026-03-03 00:00')
2|owner_id|$bob"
}

@test "due dates: a date, a relative form, a local time" {
	team_setup
	# now is 2026-03-02 17:00 in Shanghai; 3d is the midnight starting the 5th
	run crm-task add --title a --due 3d -H
	assert_output --partial "	$(utc '2026-03-05 00:00')	root	"
	run crm-task add --title b --due 2w -H
	assert_output --partial "	$(utc '2026-03-16 00:00')	root	"
	run crm-task add --title c --due 2026-03-05T10:30 -H
	assert_output --partial "	$(utc '2026-03-05 10:30')	root	"
	must_fail 65 crm-task add --title d --due someday
	assert_output "crm-task: invalid due date 'someday'"
	must_fail 64 crm-task add --title d
	assert_output --partial "crm-task: add needs --title and --due"
	must_fail 65 crm-task add --title '' --due 3d
	assert_output "crm-task: a task needs a title (--title)"
	must_fail 65 crm-task add --title $'\xff' --due 3d
	assert_output "crm-task: invalid UTF-8 in title '"$'\xff'"'"
	run sql "SELECT count(*) FROM tasks"
	assert_output 3
}

@test "owners and permissions: a rep gives tasks only to themselves" {
	team_setup
	must_fail 77 crm-task add --title x --due 3d --owner bob --as alice
	assert_output "crm-task: permission denied: 'alice' may not change the tasks of another user"
	must_fail 77 crm-task add --lead 2 --title x --due 3d --as alice
	assert_output "crm-task: permission denied: 'alice' may not change lead 2"
	run crm-task add --title x --due 3d --owner bob -H --as mgr
	assert_success
	assert_output --partial "	bob	"
	must_fail 65 crm-task add --title x --due 3d --owner ghost
	assert_output "crm-task: unknown user 'ghost'"
	must_fail 65 crm-task add --title x --due 3d --owner gone
	assert_output "crm-task: user 'gone' is deactivated"
	must_fail 1 crm-task add --lead 99 --title x --due 3d
	assert_output "crm-task: lead 99 not found"
	must_fail 1 crm-task add --deal 1 --title x --due 3d
	assert_output "crm-task: deal 1 not found"
	run sql "SELECT count(*) FROM tasks"
	assert_output 1
}

# Five tasks: 1 alice overdue (due 2026-02-27), 2 alice due today,
# 3 bob on Friday, 4 bob next week, 5 alice done.
list_setup() {
	team_setup
	crm-task add --lead 1 --title t1 --due 2026-02-27 --owner alice -q
	crm-task add --title t2 --due 2026-03-02T20:00 --owner alice -q
	crm-task add --lead 2 --title t3 --due 2026-03-06 --owner bob -q
	crm-task add --title t4 --due 2026-03-10 --owner bob -q
	crm-task add --title t5 --due 2026-03-04 --owner alice -q
	crm-task done 5 -q
}

ids() { echo "$output" | cut -f1 | tr '\n' ' '; }

@test "list: a rep sees their own open tasks, with days overdue" {
	list_setup
	run crm-task list -H --as alice
	assert_success
	overdue=$(( ($(date -d 2026-03-02 +%s) - $(date -d 2026-02-27 +%s)) / 86400 ))
	assert_output "1	$(utc '2026-02-27 00:00')	alice	lead	1	张三	t1	open	$overdue
2	$(utc '2026-03-02 20:00')	alice				t2	open	"
	run crm-task list -H --as bob
	assert_equal "$(ids)" "3 4 "
	# asking for another rep's tasks is refused, not answered with nothing
	must_fail 77 crm-task list --owner alice -H --as bob
	assert_output "crm-task: permission denied: user 'alice' is not visible to 'bob'"
	run crm-task list --all -H --as bob
	assert_equal "$(ids)" "3 4 "
}

@test "list: a rep's task on a lead that went to someone else keeps no name of it" {
	team_setup
	crm-task add -q --lead 1 --title 回访 --due 2026-03-05 --owner alice
	crm-assign -q --reassign --to bob <<<$'id\n1' >/dev/null
	run crm-task list -H --as alice
	assert_success
	assert_output "1	$(utc '2026-03-05 00:00')	alice	lead	1		回访	open	"
	run crm-task list -H --as root --owner alice
	assert_output "1	$(utc '2026-03-05 00:00')	alice	lead	1	张三	回访	open	"
}

@test "list: managers and admins see all they may; --owner and --mine narrow it" {
	list_setup
	run crm-task list -H --as mgr
	assert_equal "$(ids)" "1 2 3 4 "
	run crm-task list --owner bob -H
	assert_equal "$(ids)" "3 4 "
	run crm-task list --mine -H
	assert_output ""
	run crm-task list --lead 1 -H
	assert_equal "$(ids)" "1 "
	must_fail 65 crm-task list --owner ghost
	assert_output "crm-task: unknown user 'ghost'"
}

@test "list: overdue, today, this week (Monday 2 to Sunday 8 March), by status" {
	list_setup
	run crm-task list --overdue -H
	assert_equal "$(ids)" "1 "
	run crm-task list --today -H
	assert_equal "$(ids)" "2 "
	run crm-task list --week -H
	assert_equal "$(ids)" "2 3 "
	run crm-task list --week --status all -H
	assert_equal "$(ids)" "2 5 3 "
	run crm-task list --status done -H
	assert_equal "$(ids)" "5 "
	run crm-task list --status all -H
	assert_equal "$(ids)" "1 2 5 3 4 "
	# on Sunday the 8th the week is still the same one
	CRM_NOW=2026-03-08T12:00:00Z run crm-task list --week -H
	assert_equal "$(ids)" "2 3 "
	must_fail 65 crm-task list --status closed
	assert_output "crm-task: unknown status 'closed' (open, done or all)"
	must_fail 64 crm-task list --mine --all
	must_fail 64 crm-task list --today --overdue
	must_fail 64 crm-task list --until 3d
	assert_output --partial "crm-task: --until does not apply here"
}

@test "list: table and csv" {
	list_setup
	run crm-task list --owner bob -f table
	assert_line --index 0 --regexp '^id +due +owner +subject_type +subject_id +subject_name +title +status +overdue_days$'
	assert_line --index 2 --regexp '^ *3  [0-9TZ:-]+  bob +lead +2  李四 +t3 +open$'
	run crm-task list --owner bob -f csv -H
	assert_equal "$(printf '%s\n' "$output" | tr -d '\r' | head -n1)" "3,$(utc '2026-03-06 00:00'),bob,lead,2,李四,t3,open,"
}

@test "done, reopen and snooze: audited, all or nothing" {
	list_setup
	run crm-task done 1 2 -H
	assert_success
	assert_equal "$(echo "$output" | cut -f1,8 | tr '\t\n' ', ')" "1,done 2,done "
	run sql "SELECT status, done_at FROM tasks WHERE id = 1"
	assert_output "done|2026-03-02T09:00:00Z"
	run crm-task reopen 1 -H
	assert_output --partial "	t1	open	"
	run sql "SELECT status, coalesce(done_at, '-') FROM tasks WHERE id = 1"
	assert_output "open|-"
	run crm-task snooze 1 --until 2026-03-09 -H
	assert_success
	assert_output "1	$(utc '2026-03-09 00:00')	alice	lead	1	张三	t1	open	"
	run sql "SELECT field, old_value, new_value FROM audit WHERE entity = 'task' AND entity_id = 1
		AND action = 'update' ORDER BY id"
	assert_output "status|open|done
status|done|open
due|$(utc '2026-02-27 00:00')|$(utc '2026-03-09 00:00')"
	# a missing id anywhere in the list changes nothing
	must_fail 1 crm-task done 3 99
	assert_output "crm-task: task 99 not found"
	run sql "SELECT status FROM tasks WHERE id = 3"
	assert_output open
	# done again is no change
	before=$(sql "SELECT count(*) FROM audit")
	crm-task done 2 -q
	run sql "SELECT count(*) FROM audit"
	assert_output "$before"
}

@test "snooze: needs a date not in the past, and an open task" {
	list_setup
	must_fail 64 crm-task snooze 1
	assert_output --partial "crm-task: snooze needs --until DATE"
	must_fail 65 crm-task snooze 1 --until 2026-03-01
	assert_output "crm-task: date '2026-03-01' is in the past"
	must_fail 65 crm-task snooze 1 --until soon
	assert_output "crm-task: invalid date 'soon'"
	must_fail 65 crm-task snooze 5 --until 3d
	assert_output "crm-task: task 5 is done (reopen it first)"
	run crm-task snooze 1 --until today -q
	assert_success
	run crm-task list --overdue -H
	assert_output ""
	must_fail 64 crm-task done
	must_fail 64 crm-task done x1
	assert_output --partial "crm-task: invalid task id 'x1'"
}

@test "a rep cannot close another rep's task" {
	list_setup
	must_fail 77 crm-task done 3 --as alice
	assert_output "crm-task: permission denied: 'alice' may not change task 3"
	run crm-task done 3 -q --as mgr
	assert_success
	run sql "SELECT status FROM tasks WHERE id = 3"
	assert_output done
}

@test "-n shows the change and writes nothing" {
	list_setup
	before=$(sql "SELECT count(*) FROM audit")
	run crm-task add -n --title x --due 3d -H
	assert_success
	assert_output --partial "	x	open	"
	run crm-task done -n 1 -H
	assert_output --partial "	t1	done	"
	run sql "SELECT count(*) FROM tasks; SELECT status FROM tasks WHERE id = 1; SELECT count(*) FROM audit"
	assert_output "5
open
$before"
}

@test "a locked database: 69 after the busy timeout, nothing written" {
	list_setup
	hold_lock 5
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-task add --title x --due 3d
	assert_output "crm-task: $CRM_DB: cannot start transaction: database is locked (busy timeout expired)"
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-task done 1
	kill "$LOCK_PID" 2>/dev/null || true
	wait "$LOCK_PID" 2>/dev/null || true
	run sql "SELECT count(*) FROM tasks WHERE status = 'open'"
	assert_output 4
}

@test "--help and completion values" {
	run crm-task --help
	assert_success
	assert_line --index 0 "Usage:"
	assert_line "See crm-task(1)."
	run crm-task --complete subcommands
	assert_output "add
list
done
reopen
snooze
remind"
	run crm-task --complete statuses
	assert_output "open
done
all"
	team_setup
	run crm-task --complete logins
	assert_output "alice
bob
mgr
root"
}
