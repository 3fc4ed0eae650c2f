#!/usr/bin/env bats
# crm-user import: people with their team (office) and manager from
# another CRM's export; the maven-crm sales teams; bad rows.

load helper
bats_require_minimum_version 1.5.0

MAVEN=$TOP/../shared/data/maven-crm

admin() {
	crm-user add --login tester --name Tester --role admin >/dev/null
}

@test "the maven-crm sales teams: every agent, their managers, three offices as teams" {
	[ -d "$MAVEN" ] || skip "the maven-crm export is not at $MAVEN"
	admin
	run --separate-stderr crm-user import "$MAVEN/sales_teams.csv"
	assert_success
	agents=$(awk 'END { print NR - 1 }' "$MAVEN/sales_teams.csv")
	managers=$(awk -F, 'NR > 1 { m[$2] } END { print length(m) }' "$MAVEN/sales_teams.csv")
	offices=$(awk -F, 'NR > 1 { o[$3] } END { print length(o) }' "$MAVEN/sales_teams.csv")
	[ "$agents" -eq 35 ] && [ "$managers" -eq 6 ] && [ "$offices" -eq 3 ]
	assert_equal "$stderr" "crm-user: imported $((agents + managers)) users, $offices teams, rejected 0"
	[ "${#lines[@]}" -eq $((agents + managers + 1)) ]
	assert_line --index 0 "id	login	name	team	role	manager"
	assert_line --index 1 "2	anna.snelling	Anna Snelling	Central	rep	dustin.brinkmann"
	# people per office: agents plus the managers named there
	want=$(awk -F, 'NR > 1 { n[$3]++; if (!($2 in m)) { m[$2]; n[$3]++ } } END { for (o in n) print o "|" n[o] }' \
		"$MAVEN/sales_teams.csv" | sort)
	[ "$(db_query "SELECT t.name, count(*) FROM users u JOIN teams t ON t.id = u.team_id GROUP BY 1" | sort)" = "$want" ]
	# agents per manager, managers by name
	want=$(awk -F, 'NR > 1 { n[$2]++ } END { for (m in n) print m "|" n[m] }' "$MAVEN/sales_teams.csv" | sort)
	[ "$(db_query "SELECT m.name, count(*) FROM users u JOIN users m ON m.id = u.manager_id GROUP BY 1" | sort)" = "$want" ]
	[ "$(db_query "SELECT count(*) FROM users WHERE role = 'manager'")" -eq "$managers" ]
	[ "$(crm-user show moses.frase | cut -f2,3,5,6,7 | sed -n 2p)" = "moses.frase	Moses Frase	Central	rep	dustin.brinkmann" ]
	[ "$(crm-user show mei-mei.johns -H | cut -f3)" = "Mei-Mei Johns" ]
	# a manager sees the records of the people in their office
	crm-account add --name X --owner moses.frase >/dev/null
	[ "$(crm-account list -H --fields name --as dustin.brinkmann)" = X ]
	[ "$(crm-account list -H --fields name --as cara.losch)" = "" ]
	# again: every login exists, nothing is imported
	must_fail 65 crm-user import "$MAVEN/sales_teams.csv"
	assert_line --index 0 "crm-user: $MAVEN/sales_teams.csv:2: user 'anna.snelling' already exists"
	assert_line "crm-user: $agents bad rows, nothing imported"
}

@test "columns by header, aliases, --map; managers by login or name, named before or after" {
	admin
	{
		printf '用户名\t姓名\t邮箱\t部门\t角色\t主管\n'
		printf 'wang.wei\t王伟\tww@example.com\t华东\tmanager\t\n'
		printf 'li.na\t李娜\t\t华东\t\t王伟\n'
		printf 'zhang\t张三\t\t华北\t\tli.na\n'
		printf 'lisi\t李四\t\t华北\t\tzhao\n'
		printf 'zhao\t赵六\t\t华北\tmanager\t\n'
	} >people.tsv
	run crm-user import -q people.tsv
	assert_success
	assert_output "id	login	name	team	role	manager
2	wang.wei	王伟	华东	manager	
3	li.na	李娜	华东	rep	wang.wei
4	zhang	张三	华北	rep	li.na
5	lisi	李四	华北	rep	zhao
6	zhao	赵六	华北	manager	"
	[ "$(crm-user team list -H | cut -f2 | tr '\n' ' ')" = "华东 华北 " ]
	printf 'Who,Mail\nJo Ann Smith,jo@example.com\n' >m.csv
	run crm-user import -q --map Who=name,Mail=email m.csv
	assert_output "id	login	name	team	role	manager
7	jo.ann.smith	Jo Ann Smith		rep	"
	[ "$(db_query "SELECT field, new_value FROM audit WHERE entity = 'user' AND entity_id = 3 ORDER BY id")" = "login|li.na
name|李娜
team|华东
manager|王伟" ]
	must_fail 64 crm-user import --map Who=nope m.csv
	assert_output "crm-user: unknown field 'nope' in --map
Try 'crm-user --help'."
}

@test "bad rows: all or nothing, every one reported; --skip-bad --reject keeps the rest" {
	admin
	cat >bad.csv <<'EOF'
name,email,office,role,manager
Good Person,,North,,Big Boss
王伟,,North,,
Bad Mail,nope,North,,
Bad Role,,North,chief,
,,North,,
Self Made,,North,,Self Made
Good Person,,South,,
EOF
	run --separate-stderr crm-user import bad.csv
	[ "$status" -eq 65 ]
	assert_equal "$stderr" "crm-user: bad.csv:3: no login for '王伟'
crm-user: bad.csv:4: invalid email 'nope'
crm-user: bad.csv:5: unknown role 'chief' (rep, manager or admin)
crm-user: bad.csv:6: a user needs a name
crm-user: bad.csv:7: user 'self.made' cannot be their own manager
crm-user: bad.csv:8: user 'good.person' already exists
crm-user: 6 bad rows, nothing imported"
	assert_output ""
	[ "$(db_query "SELECT count(*) FROM users; SELECT count(*) FROM teams")" = "1
0" ]
	run --separate-stderr crm-user import --skip-bad --reject rej.csv bad.csv
	assert_success
	assert_output "id	login	name	team	role	manager
2	good.person	Good Person	North	rep	big.boss
3	big.boss	Big Boss	North	manager	"
	[ "$(wc -l <rej.csv)" -eq 7 ]
	[ "$(sed -n 2p rej.csv)" = "$(printf "王伟,,North,,,no login for '王伟'\r")" ]
	must_fail 66 crm-user import nope.csv
	printf 'name\n\377\n' >u.tsv
	must_fail 65 crm-user import u.tsv
	assert_output --partial "invalid UTF-8"
	printf 'colour\nred\n' >c.tsv
	must_fail 65 crm-user import -q c.tsv
	assert_output "crm-user: c.tsv:1: no column names a user field"
}

@test "only an admin imports; an empty database needs its admin first" {
	printf 'name\nA B\n' >p.csv
	must_fail 65 crm-user import p.csv
	assert_output "crm-user: the first user must be an admin: add one with 'crm-user add --role admin' before importing"
	admin
	crm-user add --login ann --name Ann >/dev/null
	must_fail 77 crm-user import p.csv --as ann
	assert_output "crm-user: permission denied: only an admin may import users"
	run crm-user import -n -q p.csv
	assert_success
	assert_output "id	login	name	team	role	manager
3	a.b	A B		rep	"
	[ "$(db_query "SELECT count(*) FROM users")" = 2 ]
	hold_lock 5
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-user import p.csv
	kill "$LOCK_PID"
	wait "$LOCK_PID" 2>/dev/null || true
	[ "$(db_query "SELECT count(*) FROM users")" = 2 ]
}
