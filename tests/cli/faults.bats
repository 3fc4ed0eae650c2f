#!/usr/bin/env bats
# Faults: a writer killed with SIGKILL in the middle of its transaction,
# eight writers at once, a full disk, a read-only database, and databases
# from older and newer schema versions.  After each, the database must pass
# "crm check" and hold either the whole batch or none of it.  Each test is
# bounded: the batches are sized to take about a second, not more.

load helper
bats_require_minimum_version 1.5.0

# One test at a time under bats --jobs: a writer is caught mid-transaction
# by polling, and eight writers race each other.
setup_file() { export BATS_NO_PARALLELIZE_WITHIN_FILE=true; }

q() { db_query_tsv "$@"; }

# Does some process hold the write lock?  (sqlite3 waits for nothing; on
# PostgreSQL, the writers' advisory lock, tried and let go at once.)
write_locked() {
	if on_pg; then
		[ "$(q 'SELECT pg_try_advisory_xact_lock(7161940213)')" = f ]
	else
		! sqlite3 "$CRM_DB" 'BEGIN IMMEDIATE; ROLLBACK;' 2>/dev/null
	fi
}

# Has the writer written part of its transaction?  SQLite: a quarter of a
# megabyte in the WAL; PostgreSQL: another session of the database has a
# transaction id, which it gets at its first write.
written() {
	if on_pg; then
		[ "$(q "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL")" -gt 0 ]
	else
		[ "$(stat -c %s "$CRM_DB-wal" 2>/dev/null || echo 0)" -gt 262144 ]
	fi
}

# kill_mid_write PID: wait until PID holds the write lock and has written
# part of its transaction, freeze it (SIGSTOP), make sure it still holds
# the lock, then SIGKILL it.  Fails when it ends first.
kill_mid_write() {
	local pid=$1 i
	for ((i = 0; i < 3000; i++)); do
		if written && write_locked && kill -STOP "$pid" 2>/dev/null; then
			if write_locked; then
				kill -KILL "$pid"
				wait "$pid" && return 1
				return 0
			fi
			kill -CONT "$pid"
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.01
	done
	echo "the writer ended before it could be killed mid-transaction" >&2
	return 1
}

# After a kill: crm check passes, and the state is the one before (none
# of the batch) or, should the kill have landed after the commit, one
# that has all of it (checked by the caller's all_landed).
check_all_or_none() {
	run crm check -q
	assert_success
	on_pg || [ "$(q 'PRAGMA integrity_check')" = ok ]	# the server has no such check: crm check's
	if [ "$(fingerprint)" = "$before" ]; then
		echo "# none of the batch landed" >&3
	else
		echo "# all of the batch landed (killed after its commit)" >&3
		all_landed
	fi
}

admin() {
	crm init -q
	crm-user add --login boss --name 张伟 --role admin -q >/dev/null
	export CRM_USER=boss
}

# leads.csv with N leads, Chinese headers, unique phones from START
gen_leads() {
	awk -v n="$1" -v start="${2:-0}" 'BEGIN {
		print "姓名,公司,手机,邮箱,地区,来源"
		for (i = start + 1; i <= start + n; i++)
			printf "客户%d,测试%d有限公司,139%08d,c%d@example.cn,%s,expo\n",
				i, i, i, i, i % 2 ? "浙江" : "广东"
	}'
}

# ---- kill -9 mid-transaction ----

@test "kill -9 during an import of 100,000 leads: check passes, none or all imported" {
	crm init -q
	gen_leads 100000 >big.csv
	before=$(fingerprint)
	indexes=$(indexes leads)
	all_landed() { [ "$(q 'SELECT count(*) FROM leads')" -eq 100000 ]; }
	crm-lead import -q big.csv >/dev/null 2>&1 &
	kill_mid_write $!
	check_all_or_none
	# the importer drops the indexes of an empty table inside its
	# transaction: they must be back
	[ "$(indexes leads)" -eq "$indexes" ]
	# and the database takes the same import afterwards
	run crm-lead import -q big.csv
	assert_success
	[ "$(q 'SELECT count(*) FROM leads')" -eq 100000 ]
}

@test "kill -9 during crm-assign --unassigned of 50,000 leads: none or all assigned" {
	admin
	crm-user add --login wang --name 王芳 -q >/dev/null
	gen_leads 50000 >l.csv
	crm-lead import -q l.csv >/dev/null
	before=$(fingerprint)
	all_landed() {
		[ "$(q "SELECT count(*) FROM leads WHERE owner_id = (SELECT id FROM users WHERE login = 'wang')")" -eq 50000 ] &&
		[ "$(q "SELECT count(*) FROM audit WHERE action = 'assign'")" -eq 50000 ]
	}
	crm-assign --unassigned --to wang -q >/dev/null 2>&1 &
	kill_mid_write $!
	check_all_or_none
}

@test "kill -9 during a bulk move of 20,000 deals from TSV: none or all moved" {
	[ -x "$CRM_TEST_BUILD/bin/crm-stage" ] || skip "crm-stage is not built (no cmd/crm-stage.c)"
	admin
	awk 'BEGIN { print "title\tamount"; for (i = 1; i <= 20000; i++) printf "deal %d\t%d\n", i, i }' >deals.tsv
	crm-stage import -q deals.tsv >/dev/null
	awk 'BEGIN { print "id\tstage"; for (i = 1; i <= 20000; i++) printf "%d\tqualify\n", i }' >moves.tsv
	history=$(q 'SELECT count(*) FROM deal_stages')
	before=$(fingerprint)
	all_landed() {
		[ "$(q "SELECT count(*) FROM deals WHERE stage = 'qualify'")" -eq 20000 ] &&
		[ "$(q 'SELECT count(*) FROM deal_stages')" -eq $((history + 20000)) ]
	}
	crm-stage move -q <moves.tsv >/dev/null 2>&1 &
	kill_mid_write $!
	check_all_or_none
}

@test "kill -9 during a bulk crm-log add of 30,000 interactions: none or all logged" {
	admin
	gen_leads 100 >l.csv
	crm-lead import -q l.csv >/dev/null
	awk 'BEGIN { print "subject_type\tsubject_id\tkind\tsummary"
		for (i = 1; i <= 30000; i++) printf "lead\t%d\tcall\tcall %d\n", i % 100 + 1, i }' >log.tsv
	before=$(fingerprint)
	all_landed() { [ "$(q 'SELECT count(*) FROM interactions')" -eq 30000 ]; }
	crm-log add -q <log.tsv >/dev/null 2>&1 &
	kill_mid_write $!
	check_all_or_none
}

# ---- eight writers at once ----

# worker NAME COMMAND...: run until the deadline, one line per batch in
# NAME.done; any failure goes to NAME.fail and stops the worker.
worker_run() {
	local name=$1
	shift
	if ! timeout 120 "$@" >/dev/null 2>>"$name.err"; then
		echo "$name: $*" >>"$name.fail"
		return 1
	fi
}

@test "8 writers at once for a few seconds: every write lands, none is locked out" {
	[ -x "$CRM_TEST_BUILD/bin/crm-stage" ] || skip "crm-stage is not built (no cmd/crm-stage.c)"
	admin
	crm-user add --login wang --name 王芳 -q >/dev/null
	crm-user add --login li --name 李娜 -q >/dev/null
	gen_leads 40 >seed.csv
	crm-lead import -q seed.csv >/dev/null
	awk 'BEGIN { print "title\tamount"; for (i = 1; i <= 20; i++) printf "deal %d\t%d\n", i, i }' >deals.tsv
	crm-stage import -q deals.tsv >/dev/null
	history=$(q 'SELECT count(*) FROM deal_stages')
	export CRM_BUSY_TIMEOUT=60000
	end=$((SECONDS + 4))

	for w in 1 2; do	# importers: 25 new leads a batch
		( i=0
		  while [ $SECONDS -lt $end ]; do
			i=$((i + 1))
			gen_leads 25 $((100000 * w + 25 * i)) >"imp$w.$i.csv"
			worker_run imp$w crm-lead import -q "imp$w.$i.csv" || exit
			echo 25 >>imp$w.done
		  done ) &
	done
	for w in 1 2; do	# loggers: one interaction, then 10 from TSV
		( i=0
		  while [ $SECONDS -lt $end ]; do
			i=$((i + 1))
			worker_run log$w crm-log add --lead $((20 * w)) --kind call "call $i" </dev/null || exit
			awk -v w=$w 'BEGIN { print "subject_type\tsubject_id\tkind"
				for (k = 1; k <= 10; k++) printf "lead\t%d\tvisit\n", 20 * (w - 1) + k }' >log$w.tsv
			worker_run log$w crm-log add <log$w.tsv || exit
			echo 11 >>log$w.done
		  done ) &
	done
	for w in 1 2; do	# movers: their 10 deals to qualify, then to proposal...
		( i=0
		  while [ $SECONDS -lt $end ]; do
			i=$((i + 1))
			stage=$([ $((i % 2)) -eq 1 ] && echo qualify || echo proposal)
			awk -v w=$w -v s=$stage 'BEGIN { print "id\tstage"
				for (k = 1; k <= 10; k++) printf "%d\t%s\n", 10 * (w - 1) + k, s }' >mv$w.tsv
			worker_run mv$w crm-stage move -q <mv$w.tsv || exit
			echo "10 $stage" >>mv$w.done
		  done ) &
	done
	for w in 1 2; do	# assigners: their 20 leads to wang, then to li...
		( i=0
		  while [ $SECONDS -lt $end ]; do
			i=$((i + 1))
			to=$([ $((i % 2)) -eq 1 ] && echo wang || echo li)
			awk -v w=$w 'BEGIN { print "id"; for (k = 1; k <= 20; k++) print 20 * (w - 1) + k }' >as$w.tsv
			worker_run as$w crm-assign --to $to --reassign -q <as$w.tsv || exit
			echo "20 $to" >>as$w.done
		  done ) &
	done
	wait

	if ls ./*.fail >/dev/null 2>&1; then
		cat ./*.fail ./*.err >&2
		false
	fi
	if grep -i locked ./*.err >&2; then
		false
	fi
	sum() { cat "$@" 2>/dev/null | awk '{ n += $1 } END { print n + 0 }'; }
	# each kind of writer got work done while the others wrote
	for w in imp1 imp2 log1 log2 mv1 mv2 as1 as2; do
		[ "$(sum $w.done)" -gt 0 ]
	done
	echo "# landed: $(sum imp?.done) leads imported, $(sum log?.done) interactions," \
		"$(sum mv?.done) stage moves, $(sum as?.done) assignments" >&3
	[ "$(q 'SELECT count(*) FROM leads')" -eq $((40 + $(sum imp?.done))) ]
	[ "$(q 'SELECT count(*) FROM interactions')" -eq "$(sum log?.done)" ]
	[ "$(q 'SELECT count(*) FROM deal_stages')" -eq $((history + $(sum mv?.done))) ]
	[ "$(q "SELECT count(*) FROM audit WHERE action = 'assign'")" -eq "$(sum as?.done)" ]
	# the last batch of each mover and assigner is what the rows say now
	for w in 1 2; do
		stage=$(tail -1 mv$w.done | cut -d' ' -f2)
		[ "$(q "SELECT count(*) FROM deals WHERE id BETWEEN $((10 * w - 9)) AND $((10 * w)) AND stage = '$stage'")" -eq 10 ]
		to=$(tail -1 as$w.done | cut -d' ' -f2)
		[ "$(q "SELECT count(*) FROM leads l JOIN users u ON u.id = l.owner_id
			WHERE l.id BETWEEN $((20 * w - 19)) AND $((20 * w)) AND u.login = '$to'")" -eq 20 ]
	done
	run crm check -q
	assert_success
}

# ---- a full disk ----

# under_limit KB command...: run it with files limited to KB kilobytes;
# SIGXFSZ ignored, so a write past the limit fails with EFBIG instead.
under_limit() {
	local kb=$1
	shift
	run --separate-stderr bash -c 'trap "" XFSZ; ulimit -f "$0"; exec "$@"' "$kb" "$@"
}

@test "a full disk during an import: exit 74, a clear error, nothing written" {
	skip_on_pg "the server writes the files: a file size limit on the tool does not reach them"
	crm init -q
	gen_leads 1000 >small.csv
	crm-lead import -q small.csv >/dev/null
	gen_leads 50000 5000 >big.csv
	before=$(fingerprint)
	under_limit $(($(stat -c %s "$CRM_DB") / 1024 + 256)) crm-lead import -q big.csv
	[ "$status" -eq 74 ]
	assert_equal "${#stderr_lines[@]}" 1
	[[ "$stderr" =~ ^crm-lead:\ $CRM_DB:\ .*:\ (disk\ I/O\ error\ \(File\ too\ large\)|database\ or\ disk\ is\ full)$ ]]
	[ -z "$output" ]
	run crm check -q
	assert_success
	[ "$(fingerprint)" = "$before" ]
	[ "$(q 'SELECT count(*) FROM leads')" -eq 1000 ]
}

@test "a file size limit during a large import kills nothing: exit 74 naming the database, nothing written" {
	skip_on_pg "the server writes the files: a file size limit on the tool does not reach them"
	crm init -q
	gen_leads 1000 >small.csv
	crm-lead import -q small.csv >/dev/null
	gen_leads 50000 5000 >big.csv
	before=$(fingerprint)
	# no trap: the tool itself must ignore SIGXFSZ (else status 153)
	run --separate-stderr bash -c 'ulimit -f "$0"; exec "$@"' \
		$(($(stat -c %s "$CRM_DB") / 1024 + 256)) crm-lead import -q big.csv
	[ "$status" -eq 74 ]
	[[ "$stderr" =~ ^crm-lead:\ $CRM_DB:\ .*:\ (disk\ I/O\ error\ \(File\ too\ large\)|database\ or\ disk\ is\ full)$ ]]
	[ -z "$output" ]
	run crm check -q
	assert_success
	[ "$(fingerprint)" = "$before" ]
	[ "$(q 'SELECT count(*) FROM leads')" -eq 1000 ]
}

@test "a full disk on a one-row write and on a backup: exit 74, nothing written" {
	skip_on_pg "the server writes the files, and crm backup is pg_dump there"
	crm init -q
	crm-lead add --name 张伟 -q >/dev/null
	before=$(fingerprint)
	# 40 KiB: room for the WAL index (32 KiB), not for a 60 KB note in the WAL
	awk 'BEGIN { while (n++ < 6000) printf "0123456789" }' >note.txt
	under_limit 40 crm-log add --lead 1 --kind note - <note.txt
	[ "$status" -eq 74 ]
	assert_equal "${#stderr_lines[@]}" 1
	[[ "$stderr" =~ ^crm-log:\ $CRM_DB:\ .*:\ (disk\ I/O\ error|database\ or\ disk\ is\ full) ]]
	run crm check -q
	assert_success
	[ "$(fingerprint)" = "$before" ]
	# the database is some 300 KB: its copy cannot be made
	under_limit 40 crm backup "$BATS_TEST_TMPDIR/copy.db"
	[ "$status" -eq 74 ]
	assert_equal "$stderr" "crm: $BATS_TEST_TMPDIR/copy.db: copy failed: disk I/O error (File too large)"
	# neither the copy nor its temporary file is left behind
	[ -z "$(ls -A "$BATS_TEST_TMPDIR" | grep copy)" ]
	run crm check -q
	assert_success
	[ "$(fingerprint)" = "$before" ]
}

# ---- a read-only database ----

teardown() {
	[ -e "$CRM_DB" ] && chattr -i "$CRM_DB" 2>/dev/null
	return 0
}

@test "a read-only database file (chattr +i, which binds root too): reads work, writes exit 73" {
	skip_on_pg "the database is the server's, not a file of the tool's"
	crm init -q
	crm-lead add --name 张伟 -q >/dev/null
	before=$(fingerprint)
	chattr +i "$CRM_DB" 2>/dev/null || skip "chattr +i is not allowed here (needs CAP_LINUX_IMMUTABLE and ext2/3/4, xfs or btrfs)"
	run crm-lead list -H --fields name
	assert_success
	assert_output 张伟
	must_fail 73 crm-lead add --name 李娜
	assert_output "crm-lead: $CRM_DB: cannot insert lead: attempt to write a readonly database"
	must_fail 73 crm-log add --lead 1 --kind call x </dev/null
	run crm check -q
	assert_success
	chattr -i "$CRM_DB"
	[ "$(fingerprint)" = "$before" ]
}

@test "a database on a read-only file system (bind mount in a namespace): exit 73, a clear error" {
	skip_on_pg "the database is the server's, not a file of the tool's"
	mkdir ro
	export CRM_DB=$BATS_TEST_TMPDIR/ro/crm.db
	crm init -q
	crm-lead add --name 张伟 -q >/dev/null
	before=$(fingerprint)
	unshare -rm true 2>/dev/null || skip "unshare -rm (user and mount namespaces) is not allowed here"
	# in the namespace: ro/ read-only, then each command with its status
	run --separate-stderr unshare -rm bash -c '
		mount --bind ro ro && mount -o remount,bind,ro ro || exit 99
		for cmd in "crm-lead add --name 李娜" "crm check"; do
			$cmd >/dev/null 2>err; echo "$? $(cat err)"
		done'
	[ "$status" -ne 99 ] || skip "read-only bind mounts are not allowed here"
	assert_success
	assert_output "73 crm-lead: $CRM_DB: cannot open database: unable to open database file
73 crm: $CRM_DB: cannot open database: unable to open database file"
	run crm check -q
	assert_success
	[ "$(fingerprint)" = "$before" ]
}

# ---- schema versions ----

# every row of table t, in the columns the v3 fixture has
v3_rows() {
	local cols
	cols=$(sqlite3 v3.db "SELECT group_concat(name, ', ') FROM pragma_table_info('$2')")
	sqlite3 "$1" "SELECT $cols FROM $2 ORDER BY 1, 2"
}

@test "a database at schema version 3 is migrated with every row intact and works" {
	skip_on_pg "the fixture is a SQLite schema of version 3 (tests/pg-migrate.sh migrates on PostgreSQL)"
	CRM_DB=v3.db fixture "$FIXTURES/schema-v3.sql"
	no_db
	fixture "$FIXTURES/schema-v3.sql"
	[ "$(q 'PRAGMA user_version')" -eq 3 ]
	export CRM_USER=boss
	run crm check -q
	assert_success
	latest=$(crm version | sed 's/.*schema version \([0-9]*\).*/\1/')
	[ "$(q 'PRAGMA user_version')" -eq "$latest" ]
	[ "$latest" -gt 3 ]
	tables=$(sqlite3 v3.db "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")
	[ "$(wc -l <<<"$tables")" -eq 9 ]
	for t in $tables; do
		[ -n "$(v3_rows v3.db "$t")" ]
		[ "$(v3_rows v3.db "$t")" = "$(v3_rows "$CRM_DB" "$t")" ]
	done
	# the migrated data is usable by the tools, old and new
	run crm-lead list -H --fields id,name,owner
	assert_output "1	刘洋	wang
2	Zhao Min	
3	周杰	li"
	[ "$(crm-log list --lead 1 -H | wc -l)" -eq 2 ]
	# the interactions rebuilt by version 9 keep their ids and are in its full-text index
	[ "$(q 'SELECT group_concat(id) FROM interactions')" = "$(sqlite3 v3.db 'SELECT group_concat(id) FROM interactions')" ]
	[ "$(q "SELECT count(*) FROM interaction_fts WHERE interaction_fts MATCH 'summary:\"$(q 'SELECT substr(summary, 1, 3) FROM interactions WHERE summary IS NOT NULL LIMIT 1')\"'")" -ge 1 ]
	[ "$(crm-task list --all --status all -H | wc -l)" -eq 3 ]
	run crm-lead convert 1 --title 五轴加工中心 --amount 120000 -q
	assert_success
	[ "$(q 'SELECT status, CAST(deal_id IS NOT NULL AS INTEGER) FROM leads WHERE id = 1')" = "converted	1" ]
	run crm check -q
	assert_success
}

@test "a database from a newer crm is refused by every tool and left untouched" {
	crm init -q
	crm-lead add --name 张伟 -q >/dev/null
	set_schema_version 999
	before=$(fingerprint)
	for cmd in "crm-lead add --name 李娜" "crm-lead list" "crm-log add --lead 1 --kind call x" \
		   "crm-user add --login a --name A --role admin" "crm-assign --unassigned"; do
		must_fail 65 $cmd </dev/null
		assert_output --regexp "database schema version 999 is newer than this tool's \([0-9]+\); upgrade crm$"
	done
	[ "$(fingerprint)" = "$before" ]
	[ "$(schema_version)" -eq 999 ]
}
