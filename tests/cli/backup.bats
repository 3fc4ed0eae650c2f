#!/usr/bin/env bats
# crm backup and crm restore: a backup is verified under a temporary name
# and renamed into place; a restore verifies the copy and swaps it in.

load helper
bats_require_minimum_version 1.5.0

# nothing but these names in the work directory (no temporary file left;
# -wal and -shm are those of copies opened as databases)
only_files() {
	assert_equal "$(ls -A | grep -v -e '-wal$' -e '-shm$' | sort | tr '\n' ' ')" "$*"
}

# the database lives in the test directory, outputs go to work/
in_work() {
	mkdir -p work
	cd work
}

start() {
	in_work
	crm init -q
	crm-user add --login boss --name Boss --role admin >/dev/null
	export CRM_USER=boss
	crm-lead add --name 张伟 --phone 13812345678 -q >/dev/null
	crm-lead add --name 李娜 --company 甲公司 -q >/dev/null
	before=$(fingerprint)
}

@test "backup: the copy is a sound crm database with the same data, mode 0600" {
	skip_on_pg "crm backup and restore copy SQLite files (PostgreSQL: pg_dump, pg_restore; the last test)"
	start
	run --separate-stderr crm backup copy.db
	assert_success
	assert_equal "$stderr" "crm: backed up $CRM_DB to copy.db"
	[ "$(stat -c %a copy.db)" = 600 ]
	only_files "copy.db "
	# one self-contained file: no WAL to carry along
	run sqlite3 copy.db 'PRAGMA integrity_check; PRAGMA journal_mode'
	assert_output "ok
delete"
	assert_equal "$(CRM_DB=$PWD/copy.db crm-lead list)" "$(crm-lead list)"
	intact
}

@test "backup: an existing file is refused (untouched) unless --force; never a symlink, the database, -wal" {
	skip_on_pg "crm backup and restore copy SQLite files (PostgreSQL: pg_dump, pg_restore; the last test)"
	start
	echo old >copy.db
	must_fail 73 crm backup copy.db
	assert_output "crm: backup 'copy.db': file exists (use --force to replace it)"
	[ "$(cat copy.db)" = old ]
	run crm backup -q --force copy.db
	assert_success
	assert_equal "$(CRM_DB=$PWD/copy.db crm-lead list)" "$(crm-lead list)"
	ln -s nowhere.db dangling
	ln -s copy.db link
	for f in dangling link; do
		must_fail 73 crm backup --force $f
		assert_output "crm: backup '$f': is a symbolic link; refusing to follow it"
	done
	[ ! -e nowhere.db ]
	crm-lead list >/dev/null	# the tools keep -wal and -shm
	must_fail 73 crm backup --force "$CRM_DB"
	assert_output "crm: backup '$CRM_DB': refusing to overwrite the database"
	must_fail 73 crm backup --force "$CRM_DB-wal"
	assert_output "crm: backup '$CRM_DB-wal': refusing to overwrite the database's -wal file"
	mkdir dir
	must_fail 73 crm backup --force dir
	assert_output "crm: backup 'dir': is a directory"
	must_fail 73 crm backup nodir/copy.db
	assert_output "crm: cannot create 'nodir/copy.db': No such file or directory"
	must_fail 64 crm backup ''
	assert_output "crm: backup: empty file name
Try 'crm --help'."
	only_files "copy.db dangling dir link "
	intact
}

@test "backup and restore: admins only; a rep gets 77 and no file" {
	skip_on_pg "crm backup and restore copy SQLite files (PostgreSQL: pg_dump, pg_restore; the last test)"
	start
	crm-user add --login bob --name Bob --role rep >/dev/null
	before=$(fingerprint)
	crm backup -q copy.db
	CRM_USER=bob must_fail 77 crm backup bob.db
	assert_output "crm: permission denied: only an admin may back up the database"
	CRM_USER=bob must_fail 77 crm restore copy.db
	assert_output "crm: permission denied: only an admin may restore the database"
	[ ! -e bob.db ]
	intact
}

@test "backup: a database that fails its integrity check is refused (65), nothing written" {
	skip_on_pg "crm backup and restore copy SQLite files (PostgreSQL: pg_dump, pg_restore; the last test)"
	in_work
	crm init -q
	awk 'BEGIN { print "name,phone"; for (i = 1; i <= 3000; i++) printf "客户%d,139%08d\n", i, i }' >l.csv
	crm-lead import -q l.csv >/dev/null
	fixture_sql 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	# spoil one page of an index: the database still opens
	root=$(db_query "SELECT rootpage FROM sqlite_master WHERE name = 'leads_owner'")
	head -c 4096 /dev/zero | tr '\0' x | dd of="$CRM_DB" bs=4096 seek=$((root + 2)) count=1 conv=notrunc 2>/dev/null
	must_fail 65 crm check -q
	must_fail 65 crm backup copy.db
	assert_line --index 0 --partial "crm: $CRM_DB: integrity check: "
	assert_line --index -1 "crm: $CRM_DB: refusing to back up a database that fails its integrity check"
	only_files "l.csv "
}

@test "backup: past a file size limit (no SIGXFSZ trap): 74, no file and no temporary file left" {
	skip_on_pg "crm backup and restore copy SQLite files (PostgreSQL: pg_dump, pg_restore; the last test)"
	start
	run --separate-stderr bash -c 'ulimit -f 40; exec crm backup copy.db'
	[ "$status" -eq 74 ]
	assert_equal "$stderr" "crm: copy.db: copy failed: disk I/O error (File too large)"
	only_files ""
	intact
}

@test "restore: the data backed up is back; the database keeps its mode" {
	skip_on_pg "crm backup and restore copy SQLite files (PostgreSQL: pg_dump, pg_restore; the last test)"
	start
	crm backup -q copy.db
	saved=$(crm-lead list)
	crm-lead add --name 王芳 -q >/dev/null
	crm-lead update 1 --company 乙公司 -q
	[ "$(crm-lead list)" != "$saved" ]
	chmod 0640 "$CRM_DB"
	run crm restore -n copy.db
	assert_success
	assert_output "crm: copy.db: would restore $CRM_DB from it"
	[ "$(crm-lead list)" != "$saved" ]
	run --separate-stderr crm restore copy.db
	assert_success
	assert_equal "$stderr" "crm: restored $CRM_DB from copy.db"
	assert_equal "$(crm-lead list)" "$saved"
	[ "$(stat -c %a "$CRM_DB")" = 640 ]
	run crm check -q
	assert_success
	# and the restored database takes writes again
	crm-lead add --name 赵六 -q >/dev/null
	[ "$(crm-lead list -H | wc -l)" -eq 3 ]
	only_files "copy.db "
}

@test "restore: garbage, an empty file, a foreign or newer database, a missing file: refused, live database untouched" {
	skip_on_pg "crm backup and restore copy SQLite files (PostgreSQL: pg_dump, pg_restore; the last test)"
	start
	head -c 8192 /dev/urandom >junk.db
	: >empty.db
	CRM_DB=other.db fixture_sql 'CREATE TABLE users (x); CREATE TABLE audit (y)'
	crm backup -q newer.db
	CRM_DB=newer.db fixture_sql 'PRAGMA user_version = 999'
	must_fail 65 crm restore junk.db
	assert_output "crm: junk.db: integrity check: file is not a database"
	must_fail 65 crm restore empty.db
	assert_output "crm: empty.db: not a crm database"
	must_fail 65 crm restore other.db
	assert_output "crm: other.db: not a crm database"
	must_fail 65 crm restore newer.db
	assert_output "crm: newer.db: schema version 999, newer than this tool's ($(db_query 'PRAGMA user_version'))"
	must_fail 65 crm restore -n newer.db
	must_fail 66 crm restore missing.db
	assert_output "crm: missing.db: No such file or directory"
	must_fail 66 crm restore .
	must_fail 64 crm restore "$CRM_DB"
	assert_output "crm: $CRM_DB: is the database itself"
	must_fail 64 crm restore ''
	intact
	only_files "empty.db junk.db newer.db other.db "
}

@test "restore: a copy of an older schema passes verification (it is migrated on the next open)" {
	skip_on_pg "crm backup and restore copy SQLite files (PostgreSQL: pg_dump, pg_restore; the last test)"
	start
	crm backup -q old.db
	v=$(db_query 'PRAGMA user_version')
	CRM_DB=old.db fixture_sql "PRAGMA user_version = $((v - 1))"
	run crm restore -n old.db
	assert_success
	assert_output "crm: old.db: would restore $CRM_DB from it"
	intact
}

@test "restore: a database that is gone comes back from its copy, for an admin of the copy" {
	skip_on_pg "crm backup and restore copy SQLite files (PostgreSQL: pg_dump, pg_restore; the last test)"
	start
	crm-user add --login bob --name Bob --role rep >/dev/null
	crm backup -q ../copy.db
	want=$(crm-lead list)
	rm -f "$CRM_DB" "$CRM_DB-wal" "$CRM_DB-shm"
	# a rep of the copy may not; -n only verifies; nothing is left behind
	CRM_USER=bob must_fail 77 crm restore ../copy.db
	assert_output --partial "permission denied: only an admin may restore the database"
	[ ! -e "$CRM_DB" ]
	run crm restore -n ../copy.db
	assert_success
	assert_output "crm: ../copy.db: would restore $CRM_DB (which does not exist) from it"
	[ ! -e "$CRM_DB" ]
	run crm restore ../copy.db
	assert_success
	assert_output "crm: restored $CRM_DB from ../copy.db"
	[ "$(crm-lead list)" = "$want" ]
	[ "$(stat -c %a "$CRM_DB")" = 600 ]
	run crm check
	assert_success
	# no temporary copy (named after the database) is left beside it
	[ "$(ls -A "$(dirname "$CRM_DB")" | grep crm.db | tr '\n' ' ')" = "crm.db crm.db-shm crm.db-wal " ]
	# a garbage copy is refused and makes nothing
	rm -f "$CRM_DB" "$CRM_DB-wal" "$CRM_DB-shm"
	echo garbage >../bad.db
	must_fail 65 crm restore ../bad.db
	[ ! -e "$CRM_DB" ]
	[ -z "$(ls -A "$(dirname "$CRM_DB")" | grep crm.db)" ]
}

@test "on PostgreSQL, backup and restore are refused (69) naming the server's tools, nothing written" {
	on_pg || skip "SQLite: the tests above"
	start
	CRM_DB=$PWD/../copy.db crm init -q
	must_fail 69 crm backup copy.db
	assert_output "crm: $CRM_DB: crm backup on PostgreSQL: use pg_dump"
	must_fail 69 crm restore ../copy.db
	assert_output "crm: $CRM_DB: crm restore on PostgreSQL: use pg_restore"
	only_files
	CRM_USER=tester must_fail 77 crm restore ../copy.db
	intact
}
