#!/usr/bin/env bats
# crm migrate from SQLite to SQLite (tests/pg-migrate.sh takes it to
# PostgreSQL and back): every table with its ids and its audit chain, the
# counts printed, and the refusals.

load helper
bats_require_minimum_version 1.5.0

start() {
	crm-user add --login boss --name Boss --role admin >/dev/null
	export CRM_USER=boss
	crm-user add --login a1 --name A1 >/dev/null
	crm-user team add east --manager a1 >/dev/null
	crm-user update a1 --team east >/dev/null
	crm-user update boss --manager a1 >/dev/null
	crm-lead import -q "$FIXTURES/leads-expo.csv" 2>/dev/null
	crm-log add --lead 2 --kind call 电话沟通 >/dev/null
}

@test "migrate: a new file, mode 0600, with the same rows and a whole audit chain" {
	skip_on_pg "it reads both files with sqlite3; tests/pg-migrate.sh migrates PostgreSQL to SQLite and back"
	start
	run crm migrate --to copy.db
	assert_success
	# the header and one line per table of the schema (not the FTS ones)
	tables=$(sqlite3 "$CRM_DB" "SELECT count(*) FROM pragma_table_list WHERE schema = 'main'
		AND type = 'table' AND name NOT LIKE 'sqlite%'")
	assert_equal "$(echo "$output" | wc -l)" "$((tables + 1))"
	assert_line --index 0 "table	rows"
	assert_line "leads	$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM leads')"
	assert_line "audit	$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM audit')"
	assert_equal "$(stat -c %a copy.db)" 600
	run crm check -d copy.db
	assert_success
	assert_line "audit	ok"
	# every row as it was, the cycle of teams and users and boss's manager
	# (a later row of users) included
	for t in users teams leads audit interactions; do
		assert_equal "$(sqlite3 copy.db "SELECT * FROM $t ORDER BY 1")" \
			"$(sqlite3 "$CRM_DB" "SELECT * FROM $t ORDER BY 1")"
	done
	assert_equal "$(sqlite3 copy.db "SELECT hex(hash) FROM audit ORDER BY id")" \
		"$(sqlite3 "$CRM_DB" "SELECT hex(hash) FROM audit ORDER BY id")"
	assert_equal "$(sqlite3 copy.db "SELECT count(*) FROM interaction_fts WHERE interaction_fts MATCH '电话沟通'")" 1
}

@test "migrate -n: counts, leaves no file; -q prints nothing" {
	skip_on_pg "it reads both files with sqlite3; tests/pg-migrate.sh migrates PostgreSQL to SQLite and back"
	start
	run crm migrate -n --to dry.db
	assert_success
	assert_line "leads	$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM leads')"
	[ ! -e dry.db ]
	run crm migrate -q --to quiet.db
	assert_success
	assert_output ""
	[ -s quiet.db ]
}

@test "migrate: refuses an existing target, a missing source, no --to, a rep" {
	start
	echo keep >there.db
	must_fail 73 crm migrate --to there.db
	assert_output --partial "there.db: exists"
	assert_equal "$(cat there.db)" keep
	must_fail 66 crm migrate -d missing.db --to new.db
	[ ! -e new.db ]
	must_fail 64 crm migrate
	assert_output --partial -- "--to"
	must_fail 77 env CRM_USER=a1 crm migrate --to rep.db
	[ ! -e rep.db ]
}
