#!/usr/bin/env bats
# A bulk update checks every row before it takes the write lock, so bad
# input is reported at once, whoever else is writing, and holds nobody up;
# good input waits for the lock as before.

load helper

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
	run sqlite3 "$CRM_DB" "SELECT city FROM leads ORDER BY id"
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
	run sqlite3 "$CRM_DB" "SELECT city FROM leads ORDER BY id"
	assert_output "南京
苏州
无锡"
	printf 'id\tindustry\n2\t零售\n' | crm-account update -q
	[ "$(sqlite3 "$CRM_DB" "SELECT industry FROM accounts WHERE id = 2")" = 零售 ]
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
	run sqlite3 "$CRM_DB" "SELECT name FROM leads"
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
