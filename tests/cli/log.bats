#!/usr/bin/env bats
# crm-log: interactions on leads, what they do to the lead, timelines,
# scoring after an interaction, bulk TSV, visibility, failures.

load helper
bats_require_minimum_version 1.5.0

# A team east managed by mgr; alice (managed by mgr) and bob are reps.
# Lead 1 is alice's, lead 2 bob's, lead 3 is in the pool.
team_setup() {
	crm-user add --login root --name Root --role admin >/dev/null
	export CRM_USER=root
	crm-user add --login mgr --name Manager --role manager --email mgr@example.com >/dev/null
	crm-user team add east --manager mgr
	crm-user update mgr --team east
	crm-user add --login alice --name Alice --team east --manager mgr --email alice@example.com >/dev/null
	crm-user add --login bob --name Bob --team east --email bob@example.com >/dev/null
	crm-lead add --name 张三 --company 华东精密 --region 上海 --source expo --owner alice >/dev/null
	crm-lead add --name 李四 --region 江苏 --source web --owner bob >/dev/null
	crm-lead add --name 王五 --region 浙江 --source expo >/dev/null
}

sql() { db_query "$@"; }

@test "a call on a new lead: printed, lead contacted, first and last activity set, audited" {
	team_setup
	run crm-log add --lead 1 --kind call --next '发报价' '谈了价格' -H </dev/null
	assert_success
	assert_output "1	2026-03-02T09:00:00Z	lead	1	张三	call	谈了价格	发报价	root"
	run sql "SELECT status, first_contact_at, last_activity_at FROM leads WHERE id = 1"
	assert_output "contacted|2026-03-02T09:00:00Z|2026-03-02T09:00:00Z"
	run sql "SELECT tool, entity, entity_id, field, coalesce(old_value, '-'), new_value FROM audit
		WHERE tool = 'crm-log' ORDER BY id"
	assert_output "crm-log|interaction|1|subject|-|lead 1
crm-log|interaction|1|kind|-|call
crm-log|lead|1|status|new|contacted
crm-log|lead|1|first_contact_at|-|2026-03-02T09:00:00Z
crm-log|lead|1|last_activity_at|-|2026-03-02T09:00:00Z"
}

@test "the summary comes from the operand, from stdin with -, or from stdin when not a tty" {
	team_setup
	run bash -c "printf '第一行\n第二行\n' | crm-log add --lead 1 --kind note - -H"
	assert_success
	assert_output "1	2026-03-02T09:00:00Z	lead	1	张三	note	第一行\\n第二行		root"
	run bash -c "echo 'from a pipe' | crm-log add --lead 1 --kind email -H"
	assert_output "2	2026-03-02T09:00:00Z	lead	1	张三	email	from a pipe		root"
	run crm-log add --lead 1 --kind visit -H </dev/null
	assert_output "3	2026-03-02T09:00:00Z	lead	1	张三	visit			root"
	run sql "SELECT summary FROM interactions WHERE id = 1"
	assert_output "第一行
第二行"
}

@test "a back-dated interaction moves the first contact back, never the last activity" {
	team_setup
	crm-log add --lead 1 --kind call first -q </dev/null
	crm-log add --lead 1 --kind wechat --at 2026-02-27 earlier -q </dev/null
	# 2026-02-27 local midnight in Asia/Shanghai, as UTC
	local feb27
	feb27=$(TZ=UTC date -d 'TZ="Asia/Shanghai" 2026-02-27 00:00' +%Y-%m-%dT%H:%M:%SZ)
	run sql "SELECT first_contact_at, last_activity_at FROM leads WHERE id = 1"
	assert_output "$feb27|2026-03-02T09:00:00Z"
	CRM_NOW=2026-03-04T02:30:00Z crm-log add --lead 1 --kind meeting later -q </dev/null
	run sql "SELECT first_contact_at, last_activity_at, status FROM leads WHERE id = 1"
	assert_output "$feb27|2026-03-04T02:30:00Z|contacted"
	run crm-log list --lead 1 -H
	assert_equal "$(echo "$output" | cut -f1,6 | tr '\t\n' ', ')" "2,wechat 1,call 3,meeting "
}

@test "an interaction closes the open first-contact task, and only that task" {
	team_setup
	alice=$(sql "SELECT id FROM users WHERE login = 'alice'")
	fixture_sql "INSERT INTO tasks (subject_type, subject_id, title, kind, due, owner_id, created_at) VALUES
		('lead', 1, 'first contact', 'first_contact', '2026-03-05T09:00:00Z', $alice, '2026-03-02T09:00:00Z'),
		('lead', 1, 'send samples', NULL, '2026-03-06T09:00:00Z', $alice, '2026-03-02T09:00:00Z')"
	crm-log add --lead 1 --kind call hello -q </dev/null
	run sql "SELECT id, status, coalesce(done_at, '-') FROM tasks ORDER BY id"
	assert_output "1|done|2026-03-02T09:00:00Z
2|open|-"
	run sql "SELECT count(*) FROM audit WHERE entity = 'task' AND entity_id = 1 AND field = 'status' AND new_value = 'done'"
	assert_output 1
}

@test "bad input: unknown kind, bad or future date, missing lead or account" {
	team_setup
	must_fail 65 crm-log add --lead 1 --kind dance x </dev/null
	assert_output "crm-log: unknown interaction kind 'dance'"
	must_fail 65 crm-log add --lead 1 --kind call --at 2026-13-45 x </dev/null
	assert_output "crm-log: invalid date '2026-13-45'"
	must_fail 65 crm-log add --lead 1 --kind call --at 2026-03-03 x </dev/null
	assert_output "crm-log: date '2026-03-03' is in the future"
	must_fail 1 crm-log add --lead 99 --kind call x </dev/null
	assert_output "crm-log: lead 99 not found"
	must_fail 1 crm-log add --account 1 --kind call x </dev/null
	assert_output "crm-log: account 1 not found"
	must_fail 65 crm-log add --lead 1 --kind call $'\xff\xfe' </dev/null
	assert_output "crm-log: invalid UTF-8 in summary"
	must_fail 64 crm-log add --lead 1 x </dev/null
	assert_output --partial "crm-log: add needs --kind"
	must_fail 64 crm-log add --lead 1 --deal 2 --kind call x </dev/null
	must_fail 64 crm-log add --lead abc --kind call x </dev/null
	assert_output --partial "crm-log: invalid lead id 'abc'"
	must_fail 64 crm-log add --lead 1 --kind call one two </dev/null
	must_fail 64 crm-log frobnicate
	run sql "SELECT count(*) FROM interactions; SELECT status FROM leads WHERE id = 1"
	assert_output "0
new"
}

@test "kinds from the config are accepted" {
	team_setup
	printf 'interaction_kinds: [sample, training]\n' >"$BATS_TEST_TMPDIR/kinds.yaml"
	run crm-log -c "$BATS_TEST_TMPDIR/kinds.yaml" add --lead 1 --kind sample 'sent 3 parts' -H </dev/null
	assert_success
	assert_output --partial "	sample	sent 3 parts	"
	run crm-log -c "$BATS_TEST_TMPDIR/kinds.yaml" --complete kinds
	assert_output "call
email
meeting
visit
wechat
note
sample
training"
}

@test "visibility: a rep cannot log on another rep's lead or a pool lead; a manager can" {
	team_setup
	must_fail 77 crm-log add --lead 1 --kind call x --as bob </dev/null
	assert_output "crm-log: permission denied: 'bob' may not change lead 1"
	must_fail 77 crm-log add --lead 3 --kind call x --as bob </dev/null
	run sql "SELECT count(*) FROM interactions; SELECT status FROM leads WHERE id = 1"
	assert_output "0
new"
	run crm-log add --lead 1 --kind call mine -H --as alice </dev/null
	assert_success
	assert_output --regexp '	call	mine		alice$'
	run crm-log add --lead 2 --kind meeting team -H --as mgr </dev/null
	assert_success
	assert_output --regexp '	meeting	team		mgr$'
}

@test "-n prints what would be logged and writes nothing" {
	team_setup
	before=$(sql "SELECT count(*) FROM audit")
	run crm-log add -n --lead 1 --kind call x -H </dev/null
	assert_success
	assert_output "1	2026-03-02T09:00:00Z	lead	1	张三	call	x		root"
	run bash -c "printf 'subject_type\tsubject_id\tkind\nlead\t1\tcall\nlead\t2\temail\n' | crm-log add -n -H"
	assert_success
	assert_equal "${#lines[@]}" 2
	run sql "SELECT count(*) FROM interactions; SELECT status FROM leads WHERE id = 1; SELECT count(*) FROM audit"
	assert_output "0
new
$before"
}

@test "bulk: TSV rows on stdin, columns by name, extra columns ignored, --kind for missing kinds" {
	team_setup
	printf 'note\tsubject_id\tsubject_type\tkind\tat\tsummary\tnext_step\n' >in.tsv
	printf 'x\t1\tlead\tcall\t2026-03-01\t问了交期\t报价\n' >>in.tsv
	printf 'y\t2\tlead\temail\t\tsent\\tcatalogue\t\n' >>in.tsv
	run bash -c 'crm-log add -H <in.tsv'
	assert_success
	local mar1
	mar1=$(TZ=UTC date -d 'TZ="Asia/Shanghai" 2026-03-01 00:00' +%Y-%m-%dT%H:%M:%SZ)
	assert_output "1	$mar1	lead	1	张三	call	问了交期	报价	root
2	2026-03-02T09:00:00Z	lead	2	李四	email	sent\\tcatalogue		root"
	run sql "SELECT summary FROM interactions WHERE id = 2"
	assert_output "sent	catalogue"
	printf 'subject_type\tsubject_id\nlead\t1\nlead\t2\n' | crm-log add --kind visit -q
	run sql "SELECT kind, count(*) FROM interactions GROUP BY kind ORDER BY kind"
	assert_output "call|1
email|1
visit|2"
	run sql "SELECT id, status FROM leads ORDER BY id"
	assert_output "1|contacted
2|contacted
3|new"
}

@test "bulk: every bad row is reported and nothing is written" {
	team_setup
	{
		printf 'subject_type\tsubject_id\tkind\tat\tsummary\n'
		printf 'lead\t1\tcall\t\tgood\n'
		printf 'lead\t99\tcall\t\tmissing lead\n'
		printf 'lead\t2\tdance\t\tbad kind\n'
		printf 'lead\t2\tcall\tnot-a-date\tbad date\n'
		printf 'lead\tx\tcall\t\tbad id\n'
		printf 'person\t1\tcall\t\tbad type\n'
		printf 'deal\t1\tcall\t\tno deals yet\n'
		printf 'lead\t2\tcall\n'
	} >bad.tsv
	run --separate-stderr bash -c 'crm-log add <bad.tsv'
	[ "$status" -eq 65 ]
	assert_output ""
	assert_equal "$stderr" "crm-log: stdin:3: lead 99 not found
crm-log: stdin:4: unknown interaction kind 'dance'
crm-log: stdin:5: invalid date 'not-a-date'
crm-log: stdin:6: invalid subject_id 'x'
crm-log: stdin:7: unknown subject type 'person' (lead, account, contact or deal)
crm-log: stdin:8: deal 1 not found
crm-log: stdin:9: expected 5 fields, got 3"
	run sql "SELECT count(*) FROM interactions; SELECT count(*) FROM audit WHERE tool = 'crm-log'"
	assert_output "0
0"
}

@test "bulk: a TSV without a required column, invalid UTF-8, empty input" {
	team_setup
	run bash -c "printf 'subject_id\tkind\n1\tcall\n' | crm-log add"
	[ "$status" -eq 65 ]
	assert_output "crm-log: stdin: missing column 'subject_type'"
	run bash -c "printf 'subject_type\tsubject_id\nlead\t1\n' | crm-log add"
	[ "$status" -eq 65 ]
	assert_output "crm-log: stdin: missing column 'kind'"
	run bash -c "printf 'subject_type\tsubject_id\tkind\tsummary\nlead\t1\tcall\tok\nlead\t1\tcall\t\xff\n' | crm-log add"
	[ "$status" -eq 65 ]
	assert_output "crm-log: stdin:3: invalid UTF-8 in column 'summary'"
	run bash -c "crm-log add </dev/null"
	[ "$status" -eq 65 ]
	assert_output --partial "empty input"
	run sql "SELECT count(*) FROM interactions"
	assert_output 0
}

@test "bulk: a rep's batch with another rep's lead is refused whole" {
	team_setup
	run bash -c "printf 'subject_type\tsubject_id\tkind\nlead\t1\tcall\nlead\t2\tcall\n' | crm-log add --as alice"
	[ "$status" -eq 77 ]
	assert_output "crm-log: permission denied: 'alice' may not change lead 2 (stdin:3)"
	run sql "SELECT count(*) FROM interactions"
	assert_output 0
}

@test "a locked database: 69 after the busy timeout, nothing written" {
	team_setup
	hold_lock 5
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-log add --lead 1 --kind call x </dev/null
	assert_output "crm-log: $CRM_DB: cannot start transaction: database is locked (busy timeout expired)"
	kill "$LOCK_PID" 2>/dev/null || true
	wait "$LOCK_PID" 2>/dev/null || true
	run sql "SELECT count(*) FROM interactions"
	assert_output 0
}

# Three leads, interactions at known times by known people.
timeline_setup() {
	team_setup
	crm-log add --lead 1 --kind call --at 2026-02-20T10:00 a1 -q --as alice </dev/null
	crm-log add --lead 2 --kind email --at 2026-02-25T10:00 b1 -q --as bob </dev/null
	crm-log add --lead 1 --kind visit --at 2026-02-26T10:00 m1 -q --as mgr </dev/null
	crm-log add --lead 3 --kind note --at 2026-03-01T10:00 r1 -q </dev/null
	crm-log add --lead 1 --kind wechat --at 2026-02-18T10:00 a0 -q --as alice </dev/null
}

@test "list: everything by time, the timeline of a lead, of an owner, of a logger" {
	timeline_setup
	run crm-log list -H
	assert_success
	assert_equal "$(echo "$output" | cut -f7 | tr '\n' ' ')" "a0 a1 b1 m1 r1 "
	run crm-log list --lead 1 -H
	assert_equal "$(echo "$output" | cut -f7,9 | tr '\t\n' ', ')" "a0,alice a1,alice m1,mgr "
	run crm-log list --owner alice -H
	assert_equal "$(echo "$output" | cut -f7 | tr '\n' ' ')" "a0 a1 m1 "
	run crm-log list --by mgr -H
	assert_equal "$(echo "$output" | cut -f7 | tr '\n' ' ')" "m1 "
	run crm-log list --kind email -H
	assert_equal "$(echo "$output" | cut -f7 | tr '\n' ' ')" "b1 "
	must_fail 65 crm-log list --owner ghost
	assert_output "crm-log: unknown user 'ghost'"
	must_fail 65 crm-log list --kind dance
}

@test "list: a period; --until takes in the whole of its day" {
	timeline_setup
	run crm-log list --since 2026-02-20 --until 2026-02-25 -H
	assert_equal "$(echo "$output" | cut -f7 | tr '\n' ' ')" "a1 b1 "
	run crm-log list --since 2026-02-26T10:00 -H
	assert_equal "$(echo "$output" | cut -f7 | tr '\n' ' ')" "m1 r1 "
	# 2026-02-25 is 5 days before 2026-03-02
	run crm-log list --since 5d -H
	assert_equal "$(echo "$output" | cut -f7 | tr '\n' ' ')" "b1 m1 r1 "
	must_fail 65 crm-log list --since yesteryear
	assert_output "crm-log: invalid date 'yesteryear'"
}

@test "list: visibility applies; csv and table formats" {
	timeline_setup
	run crm-log list -H --as bob
	assert_equal "$(echo "$output" | cut -f7 | tr '\n' ' ')" "b1 r1 "
	must_fail 77 crm-log list --lead 2 -H --as alice
	assert_output "crm-log: permission denied: lead 2 is not visible to 'alice'"
	run crm-log list -H --as mgr
	assert_equal "$(echo "$output" | cut -f7 | tr '\n' ' ')" "a0 a1 b1 m1 r1 "
	run crm-log list --lead 2 -f csv
	output=$(printf '%s\n' "$output" | tr -d '\r')
	assert_output "id,at,subject_type,subject_id,subject_name,kind,summary,next_step,user
2,2026-02-25T02:00:00Z,lead,2,李四,email,b1,,bob"
	run crm-log list --lead 2 -f table
	assert_line --index 0 --regexp '^id +at +subject_type +subject_id +subject_name +kind +summary +next_step +user$'
	assert_line --index 2 --regexp '^ *2  2026-02-25T02:00:00Z  lead +2  李四 +email +b1 +bob$'
}

@test "list: a write error on stdout is reported" {
	timeline_setup
	run bash -c 'crm-log list >/dev/full'
	[ "$status" -eq 74 ]
	assert_output "crm-log: write error: No space left on device"
}

scoring_config() {
	cat >"$BATS_TEST_TMPDIR/score.yaml" <<-'EOF'
	interaction_kinds: [sample]
	custom_fields:
	  lead:
	    - {name: company_size, type: enum, values: [small, medium, large]}
	scoring:
	  fields:
	    - {field: source, value: expo, points: 10}
	    - {field: region, value: "上*", points: 5}
	    - {field: company_size, value: large, points: 15}
	  activities: {call: 5, meeting: 15, sample: 25}
	  heat: {hot: 40, warm: 20, cold: 0}
	EOF
	export CRM_CONFIG=$BATS_TEST_TMPDIR/score.yaml
}

@test "the score rises with each interaction and the heat follows the thresholds" {
	team_setup
	scoring_config
	crm-log add --lead 1 --kind call x -q </dev/null
	# expo 10 + region 上海 5 + one call 5, at the warm threshold (20)
	run sql "SELECT score, heat FROM leads WHERE id = 1"
	assert_output "$((10 + 5 + 5))|warm"
	crm-log add --lead 1 --kind sample x -q </dev/null
	run sql "SELECT score, heat FROM leads WHERE id = 1"
	assert_output "$((10 + 5 + 5 + 25))|hot"
	# a note earns nothing; lead 2 (web, 江苏) only has its meeting
	crm-log add --lead 2 --kind meeting x -q </dev/null
	crm-log add --lead 2 --kind note x -q </dev/null
	run sql "SELECT score, heat FROM leads WHERE id = 2"
	assert_output "15|cold"
	run sql "SELECT field, old_value, new_value FROM audit WHERE entity = 'lead' AND entity_id = 1
		AND field IN ('score', 'heat') ORDER BY id"
	assert_output "score|0|20
heat||warm
score|20|45
heat|warm|hot"
}

@test "scoring reads custom fields; a heat set by hand is kept" {
	team_setup
	scoring_config
	crm-lead update 2 --set company_size=large -q
	crm-log add --lead 2 --kind call x -q </dev/null
	# company_size large 15 + one call 5
	run sql "SELECT score, heat FROM leads WHERE id = 2"
	assert_output "$((15 + 5))|warm"
	crm-lead update 2 --heat cold -q
	crm-log add --lead 2 --kind meeting x -q </dev/null
	run sql "SELECT score, heat FROM leads WHERE id = 2"
	assert_output "$((15 + 5 + 15))|cold"
}

@test "crm-lead rescore recomputes after a config change" {
	if ! crm-lead --complete subcommands 2>/dev/null | grep -qx rescore; then
		skip "crm-lead rescore is not there yet"
	fi
	team_setup
	crm-log add --lead 1 --kind call x -q </dev/null
	run sql "SELECT score FROM leads WHERE id = 1"
	assert_output 0
	scoring_config
	run crm-lead rescore -H
	assert_success
	# lead 2 (web, 江苏) scores 0, which is still cold
	assert_output "1	$((10 + 5 + 5))	warm
2	0	cold
3	10	cold"
	run crm-lead rescore -H
	assert_output ""
}

@test "--help, --version and completion values" {
	run crm-log --help
	assert_success
	assert_line --index 0 "Usage:"
	assert_line "See crm-log(1)."
	run crm-log --complete subcommands
	assert_output "add
list"
	run crm-log --complete subjects
	assert_output "lead
account
contact
deal
ticket"
}
