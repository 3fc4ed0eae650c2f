#!/usr/bin/env bats
# Only crm init creates a database: every other command on a path that
# holds no crm database (missing, a directory, empty, not SQLite, SQLite
# without our tables) exits 66 naming it, and leaves the disk as it was.

load helper

# the tools that must refuse, each with arguments that would work on a database
TOOLS=("crm check" "crm-lead list" "crm-report funnel" "crm-user list")

# everything under the test directory: names, types, sizes and contents
disk() {
	find "$BATS_TEST_TMPDIR" -path "$BATS_TEST_TMPDIR/config" -prune -o -printf '%p %y %s %m\n' | sort
	find "$BATS_TEST_TMPDIR" -type f -exec md5sum {} + | sort
}

# refuses PATH MESSAGE: each tool exits 66 with "TOOL: MESSAGE" and
# nothing on disk changes
refuses() {
	local path=$1 msg=$2 before t
	before=$(disk)
	for t in "${TOOLS[@]}"; do
		# shellcheck disable=SC2086
		CRM_DB=$path must_fail 66 $t
		assert_output "${t%% *}: $path: $msg"
	done
	[ "$(disk)" = "$before" ]
}

@test "a missing database is 66 for every tool, and neither it nor its directory is made" {
	refuses "$BATS_TEST_TMPDIR/crm-typo.db" "no such database (run 'crm init' to create one)"
	refuses "$BATS_TEST_TMPDIR/nodir/sub/crm.db" "no such database (run 'crm init' to create one)"
	[ ! -e nodir ]
	# the default path too
	unset CRM_DB
	must_fail 66 crm-lead list
	assert_output "crm-lead: $XDG_DATA_HOME/crm/crm.db: no such database (run 'crm init' to create one)"
	[ ! -e "$XDG_DATA_HOME" ]
	# -d as well as CRM_DB
	must_fail 66 crm-task list -d "$BATS_TEST_TMPDIR/x.db"
	assert_output "crm-task: $BATS_TEST_TMPDIR/x.db: no such database (run 'crm init' to create one)"
	[ ! -e x.db ]
}

@test "an empty file is 66 and stays empty" {
	: >empty.db
	refuses "$BATS_TEST_TMPDIR/empty.db" "empty file, not a crm database"
	[ ! -s empty.db ] && [ ! -e empty.db-wal ] && [ ! -e empty.db-shm ]
}

@test "a SQLite database that is not ours is 66 and is not touched" {
	CRM_DB=other.db fixture_sql "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep')"
	refuses "$BATS_TEST_TMPDIR/other.db" "not a crm database"
	[ "$(sqlite3 other.db 'PRAGMA journal_mode')" = delete ]
	# a schema version alone does not make it ours
	CRM_DB=versioned.db fixture_sql "CREATE TABLE users (x); PRAGMA user_version = 3"
	refuses "$BATS_TEST_TMPDIR/versioned.db" "not a crm database"
	# nor does an empty SQLite database
	CRM_DB=blank.db fixture_sql "PRAGMA user_version = 0; VACUUM"
	refuses "$BATS_TEST_TMPDIR/blank.db" "not a crm database"
}

@test "random bytes, text and a directory are 66" {
	head -c 8192 /dev/urandom >random.db
	refuses "$BATS_TEST_TMPDIR/random.db" "not a crm database"
	echo 'id	name' >leads.tsv
	refuses "$BATS_TEST_TMPDIR/leads.tsv" "not a crm database"
	mkdir dir.db
	refuses "$BATS_TEST_TMPDIR/dir.db" "is a directory, not a crm database"
}

@test "writers refuse too, and --complete prints nothing and makes nothing" {
	before=$(disk)
	CRM_DB=$BATS_TEST_TMPDIR/new.db must_fail 66 crm-lead add --name 张伟
	CRM_DB=$BATS_TEST_TMPDIR/new.db must_fail 66 crm-user add --login boss --name Boss --role admin
	CRM_DB=$BATS_TEST_TMPDIR/new.db must_fail 66 crm backup copy.db
	for kind in logins teams; do
		CRM_DB=$BATS_TEST_TMPDIR/new.db run crm-user --complete=$kind
		assert_success
		assert_output ""
	done
	CRM_DB=$BATS_TEST_TMPDIR/new.db run crm-lead --complete=owners
	assert_output --partial "no such database"
	[ "$(disk)" = "$before" ]
}

@test "crm init creates the database and its directory, takes an empty file, and then the tools work" {
	export CRM_DB=$BATS_TEST_TMPDIR/new/sub/crm.db
	run crm init
	assert_success
	assert_output "$CRM_DB	schema version $(crm version | sed 's/.*schema version \([0-9]*\).*/\1/')"
	[ "$(stat -c %a new/sub)" = 700 ] && [ "$(stat -c %a "$CRM_DB")" = 600 ]
	run crm-lead list -H
	assert_success
	assert_output ""
	# an empty file (or an empty SQLite database) is initialised
	: >empty.db
	CRM_DB=$BATS_TEST_TMPDIR/empty.db run crm init -q
	assert_success
	CRM_DB=$BATS_TEST_TMPDIR/empty.db run crm check
	assert_success
	assert_line "integrity	ok"
	CRM_DB=blank.db fixture_sql "PRAGMA user_version = 0; VACUUM"
	CRM_DB=$BATS_TEST_TMPDIR/blank.db run crm init -q
	assert_success
	# on an existing crm database it is harmless and says so again
	crm-lead add --name 张伟 -q
	run crm init
	assert_success
	assert_output --regexp "^$CRM_DB	schema version [0-9]+$"
	[ "$(crm-lead list -H --fields name)" = 张伟 ]
}

@test "crm init will not write over a file that is not a crm database (73)" {
	CRM_DB=other.db fixture_sql "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep')"
	head -c 8192 /dev/urandom >random.db
	mkdir dir.db
	before=$(disk)
	for f in other.db random.db; do
		CRM_DB=$BATS_TEST_TMPDIR/$f must_fail 73 crm init
		assert_output "crm: $BATS_TEST_TMPDIR/$f: not a crm database; crm init will not write over it"
	done
	CRM_DB=$BATS_TEST_TMPDIR/dir.db must_fail 73 crm init
	assert_output "crm: $BATS_TEST_TMPDIR/dir.db: is a directory, not a crm database"
	[ "$(disk)" = "$before" ]
	[ "$(sqlite3 other.db 'SELECT body FROM notes')" = keep ]
}

@test "PostgreSQL: a server that is not there is 69 with libpq's reason, and no password shown" {
	export CRM_DB="postgresql://crm:s3cret@127.0.0.1:1/crm"
	must_fail 69 crm-lead list
	assert_output --partial "crm-lead: postgresql://crm@127.0.0.1:1/crm: cannot connect:"
	refute_output --partial s3cret
	must_fail 69 crm-lead list -d "host=$BATS_TEST_TMPDIR/nowhere dbname=crm password=s3cret"
	assert_output --partial "cannot connect"
	refute_output --partial s3cret
	# a SQLite path that merely contains "postgres" is still a file
	must_fail 66 crm-lead list -d "$BATS_TEST_TMPDIR/postgres.db"
}
