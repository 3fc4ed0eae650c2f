#!/usr/bin/env bats
# A bulk update checks every row before it takes the write lock, so bad
# input is reported at once, whoever else is writing, and holds nobody up;
# good input waits for the lock as before.

load helper

# One test at a time under bats --jobs: each holds the write lock for ten
# seconds and runs a string of commands that must finish inside them.
setup_file() { export BATS_NO_PARALLELIZE_WITHIN_FILE=true; }

setup_leads() {
	crm init -q
	printf 'name,phone,city\nA,13800000001,上海\nB,13800000002,杭州\nC,13800000003,北京\n' >l.csv
	crm-lead import -q l.csv >/dev/null
	crm-account add --name 甲公司 >/dev/null
	crm-account add --name 乙公司 >/dev/null
}

@test "a bad lead update is refused without waiting for another writer's lock" {
	setup_leads
	printf 'id\tcity\n1\t南京\n2\t苏州\nx\t无锡\n' >up.tsv
	hold_lock 10
	CRM_BUSY_TIMEOUT=100 must_fail 65 crm-lead update <up.tsv
	assert_output "crm-lead: stdin:4: invalid lead id 'x'
crm-lead: 1 bad row, nothing updated"
	# piped input is checked the same way
	CRM_BUSY_TIMEOUT=100 must_fail 65 sh -c 'cat up.tsv | crm-lead update'
	assert_output --partial "1 bad row, nothing updated"
	# a missing lead is found before the lock too
	printf 'id\tcity\n1\t南京\n9\t苏州\n' >missing.tsv
	CRM_BUSY_TIMEOUT=100 must_fail 1 crm-lead update <missing.tsv
	assert_output "crm-lead: stdin:3: lead 9 not found"
	# good input needs the lock, and says so
	printf 'id\tcity\n1\t南京\n' >good.tsv
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-lead update <good.tsv
	assert_output --partial "database is locked"
	kill "$LOCK_PID"
	wait "$LOCK_PID" 2>/dev/null || true
	run db_query "SELECT city FROM leads ORDER BY id"
	assert_output "上海
杭州
北京"
}

@test "a bad account update is refused without waiting for the lock" {
	setup_leads
	printf 'id\tindustry\n1\t制造\n1\t零售\n' >up.tsv
	hold_lock 10
	CRM_BUSY_TIMEOUT=100 must_fail 65 crm-account update <up.tsv
	assert_output "crm-account: stdin:3: id 1 already updated on line 2
crm-account: 1 bad row, nothing updated"
	printf 'id\tindustry\n3\t制造\n' >missing.tsv
	CRM_BUSY_TIMEOUT=100 must_fail 65 crm-account update <missing.tsv
	assert_output "crm-account: stdin:2: account 3 not found
crm-account: 1 bad row, nothing updated"
	kill "$LOCK_PID"
	wait "$LOCK_PID" 2>/dev/null || true
}

@test "the update applies what was checked, from a file or a pipe" {
	setup_leads
	printf 'id\tcity\n1\t南京\n3\t无锡\n' >up.tsv
	run crm-lead update <up.tsv
	assert_success
	assert_output "crm-lead: updated 2 leads, 2 fields"
	printf 'id\tcity\n2\t苏州\n' | crm-lead update -q
	run db_query "SELECT city FROM leads ORDER BY id"
	assert_output "南京
苏州
无锡"
	printf 'id\tindustry\n2\t零售\n' | crm-account update -q
	[ "$(db_query "SELECT industry FROM accounts WHERE id = 2")" = 零售 ]
}

@test "an import with a bad row lets other writers in while it checks the rest" {
	crm init -q
	{
		printf 'name,phone\nA,13800000001\nB,138-abc\n'
		while [ ! -e go ]; do sleep 0.05; done
		printf 'C,13800000003\nD,139-xyz\n'
	} | crm-lead import --csv >out 2>err &
	pid=$!
	# the import is waiting for more input; its write lock must be gone
	CRM_BUSY_TIMEOUT=4000 run crm-lead add --name 王伟 --phone 13900000009 -H
	touch go
	st=0
	wait "$pid" || st=$?
	assert_success
	[ "$st" -eq 65 ]
	run cat err
	assert_output "crm-lead: stdin:3: invalid phone '138-abc'
crm-lead: stdin:5: invalid phone '139-xyz'
crm-lead: 2 bad rows, nothing imported"
	[ ! -s out ]
	run db_query "SELECT name FROM leads"
	assert_output "王伟"
}

@test "an input that is missing or has a bad header never waits for the lock" {
	crm init -q
	printf 'name,name\nA,B\n' >dup.csv
	hold_lock 10
	CRM_BUSY_TIMEOUT=100 must_fail 66 crm-lead import nothere.csv
	assert_output "crm-lead: nothere.csv: No such file or directory"
	CRM_BUSY_TIMEOUT=100 must_fail 65 crm-lead import dup.csv
	assert_output "crm-lead: dup.csv:1: duplicate column 'name'"
	kill "$LOCK_PID"
	wait "$LOCK_PID" 2>/dev/null || true
}

# ---- Every other importer and bulk writer checks its rows before the lock:
# account, contact, deal, user and cost imports, bulk crm-log add and bulk
# crm-stage move.  A bad row under another writer's lock is 65 at once (the
# old code waited and gave 69), a missing file or bad header is 66 or 65
# at once, and good input still needs the lock (69).

# release_lock: end the lock hold_lock took.
release_lock() {
	kill "$LOCK_PID"
	wait "$LOCK_PID" 2>/dev/null || true
}

@test "account and contact import: bad rows are refused without waiting for the lock" {
	crm-account add --name 甲公司 >/dev/null
	printf 'name,industry\n乙公司,制造\n,零售\n丙公司,\n甲公司,\n' >a.csv
	printf 'name,account,phone\n张三,甲公司,13800000001\n李四,丁公司,13800000002\n' >c.csv
	printf 'name,parent\n乙公司,戊集团\n' >p.csv
	printf 'name\n乙公司\n' >good.csv
	hold_lock 10
	CRM_BUSY_TIMEOUT=100 must_fail 65 crm-account import --on-duplicate error a.csv
	assert_output "crm-account: a.csv:3: account has no name
crm-account: a.csv:5: duplicate of account 1 (same name)
crm-account: 2 bad rows, nothing imported"
	# piped CSV, checked the same way
	CRM_BUSY_TIMEOUT=100 must_fail 65 sh -c 'cat c.csv | crm-contact import --csv'
	assert_output "crm-contact: stdin:3: unknown account '丁公司'
crm-contact: 1 bad row, nothing imported"
	# a parent neither there nor in the file
	CRM_BUSY_TIMEOUT=100 must_fail 65 crm-account import p.csv
	assert_output "crm-account: p.csv:2: unknown parent account '戊集团'
crm-account: 1 bad row, nothing imported"
	CRM_BUSY_TIMEOUT=100 must_fail 66 crm-account import good.csv nothere.csv
	assert_output "crm-account: nothere.csv: No such file or directory"
	printf 'name,名字\nA,B\n' >two.csv
	CRM_BUSY_TIMEOUT=100 must_fail 65 crm-contact import two.csv
	assert_output "crm-contact: two.csv:1: columns 'name' and '名字' both give 'name'"
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-account import good.csv
	assert_output --partial "database is locked"
	release_lock
	[ "$(db_query 'SELECT count(*) FROM accounts')" -eq 1 ]
	[ "$(db_query 'SELECT count(*) FROM contacts')" -eq 0 ]
}

@test "account and contact import: checked, then read again to write, from a file or a pipe" {
	crm-account add --name 甲公司 >/dev/null
	# a parent later in the file, a duplicate skipped: said once, when written
	printf 'name,parent\n乙公司,丙集团\n甲公司,\n丙集团,\n' >a.csv
	run sh -c 'cat a.csv | crm-account import --csv 2>err'
	assert_success
	assert_output "id	status
2	new
1	duplicate
3	new"
	run cat err
	assert_output "crm-account: stdin:3: duplicate of account 1 (same name), skipped
crm-account: imported 2, duplicates 1, rejected 0"
	[ "$(db_query "SELECT parent_id FROM accounts WHERE name = '乙公司'")" = 3 ]
	# a duplicate before a bad row is said, in its place, as before
	printf 'name,account,phone\n张三,甲公司,13800000001\n' | crm-contact import --csv -q >/dev/null
	printf 'name,account,phone\n张三,甲公司,13800000001\n李四,丁公司,13800000002\n' >c.csv
	must_fail 65 crm-contact import c.csv
	assert_output "crm-contact: c.csv:2: duplicate of contact 1 (same phone), skipped
crm-contact: c.csv:3: unknown account '丁公司'
crm-contact: 1 bad row, nothing imported"
	# with --skip-bad the rows are read once: each bad row rejected once
	run crm-contact import -q --skip-bad --reject r.csv c.csv
	assert_success
	run tr -d '\r' <r.csv
	assert_output "name,account,phone,error
李四,丁公司,13800000002,unknown account '丁公司'"
}

@test "deal import: bad rows are refused without waiting for the lock" {
	printf 'title,amount,stage,close_date\nA,100,proposal,\nB,x,proposal,\nC,300,won,\n' >d.csv
	printf 'title,amount,stage\nA,100,proposal\n' >good.csv
	hold_lock 10
	CRM_BUSY_TIMEOUT=100 must_fail 65 crm-stage import d.csv
	assert_output "crm-stage: d.csv:3: invalid amount 'x'
crm-stage: d.csv:4: no close date for a deal in stage 'won'
crm-stage: 2 bad rows, nothing imported"
	CRM_BUSY_TIMEOUT=100 must_fail 65 sh -c 'cat d.csv | crm-stage import --csv'
	assert_output --partial "2 bad rows, nothing imported"
	CRM_BUSY_TIMEOUT=100 must_fail 66 crm-stage import nothere.csv
	assert_output "crm-stage: nothere.csv: No such file or directory"
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-stage import good.csv
	assert_output --partial "database is locked"
	release_lock
	run sh -c 'cat good.csv | crm-stage import --csv 2>/dev/null'
	assert_success
	assert_output "id	status
1	new"
	[ "$(db_query 'SELECT count(*) FROM deals')" -eq 1 ]
}

@test "user import: bad rows and managers are refused without waiting for the lock" {
	crm-user add --login tester --name Tester --role admin >/dev/null
	printf 'name,team,manager\nAnn Lee,East,\nAnn Lee,West,\nBo Ma,East,张三\n' >u.csv
	printf 'name,team,manager\nAnn Lee,East,\nBo Ma,East,张三\n' >m.csv
	printf 'name,team,manager\nAnn Lee,East,Cy Wu\n' >good.csv
	hold_lock 10
	CRM_BUSY_TIMEOUT=100 must_fail 65 crm-user import u.csv
	assert_output "crm-user: u.csv:3: user 'ann.lee' already exists
crm-user: 1 bad row, nothing imported"
	CRM_BUSY_TIMEOUT=100 must_fail 65 crm-user import m.csv
	assert_output "crm-user: m.csv:3: no login for manager '张三'
crm-user: 1 bad row, nothing imported"
	CRM_BUSY_TIMEOUT=100 must_fail 66 crm-user import nothere.csv
	assert_output "crm-user: nothere.csv: No such file or directory"
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-user import good.csv
	assert_output --partial "database is locked"
	release_lock
	run crm-user import -q -H good.csv
	assert_success
	assert_output "2	ann.lee	Ann Lee	East	rep	cy.wu
3	cy.wu	Cy Wu	East	manager	"
}

@test "cost import: bad rows are refused without waiting for the lock" {
	printf 'source\tperiod\tamount\nweb\t2026-01\t100\nweb\t2026-13\t5\nweb\t2026-02\tx\n' >c.tsv
	printf 'source\tperiod\tamount\nweb\t2026-01\t100\n' >good.tsv
	hold_lock 10
	CRM_BUSY_TIMEOUT=100 must_fail 65 crm-roi cost import c.tsv
	assert_output "crm-roi: c.tsv:3: invalid period '2026-13' (YYYY-MM)
crm-roi: c.tsv:4: invalid amount 'x'
crm-roi: 2 bad rows, nothing imported"
	CRM_BUSY_TIMEOUT=100 must_fail 65 sh -c 'cat c.tsv | crm-roi cost import'
	assert_output --partial "2 bad rows, nothing imported"
	CRM_BUSY_TIMEOUT=100 must_fail 66 crm-roi cost import nothere.tsv
	assert_output "crm-roi: nothere.tsv: No such file or directory"
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-roi cost import good.tsv
	assert_output --partial "database is locked"
	release_lock
	run sh -c 'crm-roi cost import -H - <good.tsv 2>/dev/null'
	assert_success
	assert_output "1	web		2026-01-01	2026-01-31	31	100.00	100.00	"
}

@test "bulk crm-log add: bad rows are refused without waiting for the lock" {
	crm-lead add --name 张三 --phone 13800000001 -q >/dev/null
	printf 'subject_type\tsubject_id\tkind\nlead\t1\tcall\nlead\t9\tcall\nlead\t1\tdance\n' >bad.tsv
	printf 'subject_type\tsubject_id\tkind\nlead\t1\tcall\n' >good.tsv
	hold_lock 10
	CRM_BUSY_TIMEOUT=100 must_fail 65 sh -c 'cat bad.tsv | crm-log add'
	assert_output "crm-log: stdin:3: lead 9 not found
crm-log: stdin:4: unknown interaction kind 'dance'"
	CRM_BUSY_TIMEOUT=100 must_fail 65 sh -c 'printf "subject_id\tkind\n1\tcall\n" | crm-log add'
	assert_output "crm-log: stdin: missing column 'subject_type'"
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-log add <good.tsv
	assert_output --partial "database is locked"
	release_lock
	[ "$(db_query 'SELECT count(*) FROM interactions')" -eq 0 ]
	run sh -c 'cat good.tsv | crm-log add -H'
	assert_success
	assert_output --partial "lead	1	张三	call"
	[ "$(db_query 'SELECT count(*) FROM interactions')" -eq 1 ]
}

@test "bulk crm-stage move: bad rows are refused without waiting for the lock" {
	crm-stage add --title A --amount 100 >/dev/null
	crm-stage add --title B --amount 200 >/dev/null
	# the second row of deal 1 is checked against the deal as the first left it
	printf 'id\tstage\n1\twon\n1\tproposal\n2\tnope\n' >bad.tsv
	printf 'id\tstage\n1\tqualify\n1\tproposal\n2\tcontact\n' >good.tsv
	hold_lock 10
	CRM_BUSY_TIMEOUT=100 must_fail 65 sh -c 'cat bad.tsv | crm-stage move'
	assert_output "crm-stage: stdin:3: deal 1 is won: reopen it first
crm-stage: stdin:4: unknown stage 'nope' in pipeline 'default'
crm-stage: 2 bad rows, nothing moved"
	CRM_BUSY_TIMEOUT=100 must_fail 65 sh -c 'printf "id\tto\n1\twon\n" | crm-stage move'
	assert_output "crm-stage: stdin:1: no column 'stage'"
	# good input needs the lock; what it would say it says only when moved
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-stage move <good.tsv
	refute_output --partial "already in stage"
	assert_output --partial "database is locked"
	release_lock
	run sh -c 'cat good.tsv | crm-stage move -H 2>err'
	assert_success
	assert_output "1	A	contact	qualify	open	100.00
1	A	qualify	proposal	open	100.00"
	run cat err
	assert_output "crm-stage: stdin:4: deal 2 is already in stage 'contact'"
}

@test "writers are serialised: one waits while another holds the lock, then writes; past the busy timeout 69" {
	setup_leads
	printf 'id\tcity\n1\t南京\n' >good.tsv
	# SQLite's BEGIN IMMEDIATE, PostgreSQL's advisory lock (hold_lock)
	hold_lock 2
	t0=$(date +%s%N)
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-lead update <good.tsv
	assert_output --partial "database is locked (busy timeout expired)"
	[ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 1500 ]	# it gave up at the timeout
	CRM_BUSY_TIMEOUT=20000 run crm-lead update -q <good.tsv
	assert_success
	# it waited for the holder to let go, about 2 s after the lock was taken
	[ $(( ($(date +%s%N) - t0) / 1000000 )) -ge 1500 ]
	wait "$LOCK_PID" 2>/dev/null || true
	[ "$(db_query "SELECT city FROM leads WHERE id = 1")" = 南京 ]
	# readers never wait
	hold_lock 5
	CRM_BUSY_TIMEOUT=100 run crm-lead list -H --fields city
	assert_success
	assert_line 南京
	kill "$LOCK_PID"
	wait "$LOCK_PID" 2>/dev/null || true
}
