#!/usr/bin/env bats
# crm: init, check, backup, help, version and crm NOUN dispatch.

load helper

@test "init creates the database mode 0600, and 0660 with --group" {
	skip_on_pg "file modes are SQLite's; the server's database has none"
	run crm init
	assert_success
	assert_output "$CRM_DB	schema version $(crm version | sed 's/.*schema version \([0-9]*\).*/\1/')"
	[ "$(stat -c %a "$CRM_DB")" = 600 ]
	CRM_DB=$BATS_TEST_TMPDIR/team.db run crm init --group -q
	assert_success
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/team.db")" = 660 ]
}

@test "the default database lives under XDG_DATA_HOME" {
	skip_on_pg "the default database is a SQLite file"
	unset CRM_DB
	run crm init -q
	assert_success
	[ -f "$XDG_DATA_HOME/crm/crm.db" ]
	[ "$(stat -c %a "$XDG_DATA_HOME/crm")" = 700 ]
}

@test "check passes on a fresh database and names each part" {
	crm init -q
	run crm check
	assert_success
	assert_line "integrity	ok"
	assert_line "config	(built-in defaults)"
}

@test "check finds a corrupt database" {
	skip_on_pg "the server enforces foreign keys: no row can break one for check to find"
	crm init -q
	crm-user add --login root --name Root --role admin >/dev/null
	fixture_sql "PRAGMA foreign_keys=OFF; UPDATE users SET team_id = 99"
	CRM_USER=root must_fail 65 crm check
	assert_output --partial "foreign key check: users"
}

@test "a database newer than the tool is refused" {
	crm init -q
	set_schema_version 999
	must_fail 65 crm check
	assert_output --regexp "database schema version 999 is newer than this tool's \([0-9]+\); upgrade crm"
}

@test "an older database is migrated with its data intact" {
	skip_on_pg "the fixture is a SQLite schema of version 1 (tests/pg-migrate.sh migrates on PostgreSQL)"
	no_db
	fixture "$FIXTURES/schema-v1.sql"
	CRM_USER=root run crm check
	assert_success
	run db_query "PRAGMA user_version; SELECT login FROM users; SELECT name, phone_norm, owner_id FROM leads"
	assert_line --index 1 root
	assert_line --index 2 "张伟|13812345678|1"
	[ "${lines[0]}" -eq "$(crm version | sed 's/.*schema version \([0-9]*\).*/\1/')" ]
}

@test "backup copies the database while another process writes" {
	skip_on_pg "crm backup copies SQLite files (PostgreSQL: pg_dump)"
	crm init -q
	crm-user add --login root --name Root --role admin >/dev/null
	export CRM_USER=root
	( for i in $(seq 1 30); do crm-user team add "t$i" || exit 1; done ) &
	writer=$!
	run crm backup "$BATS_TEST_TMPDIR/copy.db"
	assert_success
	wait "$writer"
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/copy.db")" = 600 ]
	run sqlite3 "$BATS_TEST_TMPDIR/copy.db" "PRAGMA integrity_check; SELECT login FROM users"
	assert_output "ok
root"
	must_fail 73 crm backup "$BATS_TEST_TMPDIR/copy.db"
	assert_output "crm: backup '$BATS_TEST_TMPDIR/copy.db': file exists (use --force to replace it)"
}

@test "crm NOUN runs crm-NOUN" {
	run crm user add --login root --name Root --role admin -H
	assert_success
	assert_output --partial "root	Root"
	must_fail 64 crm nosuchtool
	assert_output "crm: 'nosuchtool' is not a crm command; see 'crm help'"
	run crm help user
	assert_line --index 0 "Usage:"
}

@test "help, version and usage errors" {
	run crm help
	assert_success
	assert_line "  crm-lead     leads: add, import, list, show, update, dupes, merge, forget"
	run crm --version
	assert_output --regexp '^crm [0-9.]+$'
	run crm version
	assert_output --regexp '^crm [0-9.]+ \(schema version [0-9]+\)$'
	must_fail 64 crm
	must_fail 64 crm check extra
	must_fail 64 crm --bogus
}

@test "a locked database waits for the busy timeout then exits 69" {
	crm init -q
	export CRM_BUSY_TIMEOUT=100
	hold_lock 3
	must_fail 69 crm user team add x
	assert_output --partial "database is locked"
	kill "$LOCK_PID" 2>/dev/null || true
}

@test "a missing named config is 66, a bad config 78 with file:line:column" {
	must_fail 66 crm check -c "$BATS_TEST_TMPDIR/nope.yaml"
	assert_output --partial "nope.yaml"
	printf 'currency: CNY\npipline: []\n' >bad.yaml
	must_fail 78 crm check -c bad.yaml
	assert_output --regexp "bad.yaml:2:1: unknown key 'pipline'"
	CRM_CONFIG=bad.yaml must_fail 78 crm check
}

@test "an invalid CRM_NOW is a usage error" {
	CRM_NOW=yesterdayish must_fail 64 crm check
	assert_output "crm: invalid CRM_NOW 'yesterdayish'"
}
