#!/usr/bin/env bats
# crm-user: users, teams, roles, away; crm: init, check, backup, dispatch.

load helper

admin_setup() {
	crm-user add --login root --name Root --role admin >/dev/null
	export CRM_USER=root
	crm-user team add east
	crm-user team add west
	crm-user add --login alice --name '王丽' --team east --role manager --email alice@example.com >/dev/null
	crm-user add --login bob --name 'Bob Li' --team east --manager alice >/dev/null
	crm-user add --login carol --name Carol --team west --weight 2 --capacity 50 >/dev/null
}

@test "the first user must be an admin" {
	must_fail 65 crm-user add --login alice --name Alice
	assert_output "crm-user: the first user must be an admin (--role admin): after it only admins can add users"
	run crm-user add --login root --name Root --role admin -H
	assert_success
	assert_output --regexp '^1	root	Root		'
}

@test "add, list and show users with teams and managers" {
	admin_setup
	run crm-user list -H
	assert_success
	assert_equal "$(echo "$output" | cut -f2,5,6,7 | tr '\t' ,)" \
"alice,east,manager,
bob,east,rep,alice
carol,west,rep,
root,,admin,"
	run crm-user show carol
	assert_success
	assert_line --index 0 "id	login	name	email	team	role	manager	active	weight	capacity	away_until	open_leads	created_at"
	assert_line --index 1 "4	carol	Carol		west	rep		1	2	50		0	2026-03-02T09:00:00Z"
}

@test "list as a table aligns CJK names by display width" {
	admin_setup
	run crm-user list -f table --team east
	assert_success
	assert_line --index 2 --regexp '^ *[0-9]+  alice  王丽    alice@example.com'
	assert_line --index 3 --regexp '^ *[0-9]+  bob    Bob Li  '
}

@test "only an admin changes users; others get 77 and nothing changes" {
	admin_setup
	must_fail 77 crm-user add --login dave --name Dave --as alice
	assert_output "crm-user: permission denied: only an admin may add users"
	must_fail 77 crm-user update carol --name X --as bob
	run crm-user show carol -H
	assert_output --partial "	Carol	"
	must_fail 77 crm-user list --as nobody
	assert_output "crm-user: unknown user 'nobody' (from --as)"
}

@test "bad input names the field and value" {
	admin_setup
	must_fail 65 crm-user add --login 'bad login' --name X
	assert_output "crm-user: invalid login 'bad login' (letters, digits and . _ - @)"
	must_fail 65 crm-user add --login dave --name Dave --role boss
	assert_output "crm-user: unknown role 'boss' (rep, manager or admin)"
	must_fail 65 crm-user add --login dave --name Dave --team north
	assert_output "crm-user: unknown team 'north' (create it with 'crm-user team add')"
	must_fail 65 crm-user add --login dave --name Dave --email 'not-an-email'
	assert_output "crm-user: invalid email 'not-an-email'"
	must_fail 65 crm-user add --login dave --name Dave --weight 0
	must_fail 65 crm-user add --login dave --name Dave --manager ghost
	must_fail 65 crm-user add --login alice --name Again
	assert_output "crm-user: user 'alice' already exists"
	must_fail 1 crm-user show ghost
	assert_output "crm-user: user 'ghost' not found"
	must_fail 64 crm-user add --name Dave
	must_fail 64 crm-user frobnicate
	assert_output --partial "crm-user: unknown command 'frobnicate'"
	must_fail 64 crm-user list --bogus
}

@test "update and deactivate are audited; deactivated users cannot act" {
	admin_setup
	crm-user update bob --team west --manager ''
	run crm-user show bob -H
	assert_output --regexp '	west	rep		1	'
	crm-user deactivate bob
	run crm-user list -H
	refute_output --partial "bob"
	run crm-user list -H --all
	assert_output --partial "bob"
	must_fail 77 crm-user list --as bob
	assert_output "crm-user: user 'bob' is deactivated"
	run db_query "SELECT field, coalesce(old_value,'-'), coalesce(new_value,'-'), actor FROM audit WHERE entity='user' AND entity_id=3 AND action IN ('update', 'deactivate') ORDER BY id"
	assert_output "team|east|west|root
manager|alice|-|root
active|1|0|root"
}

@test "away until a date and back" {
	admin_setup
	crm-user away bob --until 2026-03-08
	run db_query "SELECT away_from, away_until FROM users WHERE login='bob'"
	# back on the morning after the 8th, local time (Asia/Shanghai, UTC+8)
	assert_output "2026-03-02T09:00:00Z|2026-03-08T16:00:00Z"
	must_fail 65 crm-user away bob --until 2026-01-01
	assert_output "crm-user: date '2026-01-01' is in the past"
	must_fail 65 crm-user away bob --until someday
	must_fail 64 crm-user away bob
	crm-user away bob --back --as bob
	run db_query "SELECT coalesce(away_until, 'none') FROM users WHERE login='bob'"
	assert_output "none"
	must_fail 77 crm-user away carol --until 3d --as bob
}

@test "teams list with managers and members" {
	admin_setup
	crm-user team add north --manager alice
	run crm-user team list -H
	assert_output "1	east		2
3	north	alice	0
2	west		1"
	must_fail 65 crm-user team add east
	assert_output "crm-user: team 'east' already exists"
	must_fail 65 crm-user team add south --manager ghost
}

@test "completion values come from the database" {
	admin_setup
	run crm-user --complete=logins
	assert_output "alice
bob
carol
root"
	run crm-user --complete=teams
	assert_output "east
west"
	run crm-user --complete=subcommands
	assert_line "away"
}

@test "help and version" {
	run crm-user --help
	assert_success
	assert_line --index 0 "Usage:"
	assert_line "See crm-user(1)."
	run crm-user -V
	assert_output --regexp '^crm-user [0-9]+\.[0-9]+\.[0-9]+$'
	must_fail 64 crm-user
}

@test "write errors on stdout are reported" {
	admin_setup
	must_fail 74 sh -c 'crm-user list >/dev/full'
	assert_output --partial "crm-user: write error: No space left on device"
}
