#!/usr/bin/env bats
# The audit trail is hash-chained: crm check names every row deleted,
# inserted or altered behind the tools' back, while forget's erasure and
# the set-wise writers (assign, first-contact tasks) keep the chain whole.

load helper

setup_team() {
	crm init -q
	crm-user add --login boss --name Boss --role admin >/dev/null
	export CRM_USER=boss
	crm-user add --login wang --name Wang --role rep >/dev/null
	printf 'name,phone,email\n张伟,13812345678,zw@example.com\n李娜,13912345678,ln@example.com\nBob,13712345678,bob@example.com\n' >leads.csv
	crm-lead import leads.csv >/dev/null 2>&1
}

rows() { db_query "SELECT count(*) FROM audit"; }

@test "every audit row is chained, and check counts them" {
	setup_team
	crm-assign --unassigned --to wang >/dev/null
	crm-lead update 1 --city 上海 >/dev/null
	run crm check
	assert_success
	assert_line "audit	ok"
	assert_line "audit_rows	$(rows)"
	run db_query "SELECT count(*) FROM audit WHERE typeof(hash) <> 'blob' OR length(hash) <> 32"
	assert_output 0
}

@test "an altered audit row is named" {
	setup_team
	crm-lead update 2 --city 杭州 >/dev/null
	id=$(db_query "SELECT id FROM audit WHERE field = 'city'")
	fixture_sql "UPDATE audit SET new_value = '北京' WHERE id = $id"
	must_fail 65 crm check
	assert_line "crm: $CRM_DB: audit row $id altered or inserted (hash does not chain)"
	assert_line "audit	failed"
}

@test "a changed actor breaks the chain too" {
	setup_team
	fixture_sql "UPDATE audit SET actor = 'wang' WHERE id = 2"
	must_fail 65 crm check
	assert_line "crm: $CRM_DB: audit row 2 altered or inserted (hash does not chain)"
}

@test "deleted audit rows are named" {
	setup_team
	crm-lead update 1 --city 上海 >/dev/null
	crm-lead update 2 --city 杭州 >/dev/null
	crm-lead update 3 --city 深圳 >/dev/null
	n=$(rows)
	fixture_sql "DELETE FROM audit WHERE id IN ($((n - 2)), $((n - 1)))"
	must_fail 65 crm check
	assert_line "crm: $CRM_DB: audit rows $((n - 2))-$((n - 1)) deleted"
	fixture_sql "DELETE FROM audit WHERE id = 2"
	must_fail 65 crm check
	assert_line "crm: $CRM_DB: audit row 2 deleted"
}

@test "a row inserted by hand is named" {
	setup_team
	fixture_sql "INSERT INTO audit (at, actor, tool, entity, entity_id, action)
		VALUES ('2026-03-02T09:00:00Z', 'boss', 'crm-lead', 'lead', 1, 'delete')"
	must_fail 65 crm check
	assert_line "crm: $CRM_DB: audit row $(rows) has no hash (inserted outside crm)"
}

@test "forget erases values but keeps the chain" {
	setup_team
	crm-lead update 1 --phone 13800000000 >/dev/null
	crm-lead forget 1 >/dev/null
	run db_query "SELECT count(*) FROM audit WHERE entity = 'lead' AND entity_id = 1
		AND (old_value LIKE '%1380000%' OR new_value LIKE '%1380000%')"
	assert_output 0
	run crm check
	assert_success
	assert_line "audit	ok"
}

@test "the set-wise writers chain in id order, also after an earlier write in the same run" {
	setup_team
	crm-user add --login li --name Li --role rep >/dev/null
	crm-assign --unassigned --to wang >/dev/null
	printf "id\n1\n2\n3\n" | crm-assign --reassign --to li >/dev/null
	run crm check
	assert_success
	assert_line "audit	ok"
	run db_query "SELECT count(*) FROM audit WHERE entity = 'task' AND action = 'create'"
	[ "$output" -ge 9 ]
}

@test "a database from before the chain is chained when it is migrated" {
	skip_on_pg "the fixture is a SQLite schema of version 1 (PostgreSQL starts at version 9, chained)"
	no_db
	fixture "$FIXTURES/schema-v1.sql"
	fixture_sql "INSERT INTO audit (at, actor, tool, entity, entity_id, action, field, new_value)
		VALUES ('2026-01-01T00:00:00Z', 'root', 'crm-lead', 'lead', 1, 'create', 'name', '张伟')"
	CRM_USER=root run crm check
	assert_success
	assert_line "audit	ok"
	run db_query "SELECT count(*) FROM audit WHERE hash IS NULL"
	assert_output 0
}
