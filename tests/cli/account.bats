#!/usr/bin/env bats
# crm-account: add, list, show (the 360-degree view), update (flags and
# TSV), tag, dupes, merge, forget, import (the maven-crm accounts), and
# visibility, with every kind of bad input and its status.

load helper
bats_require_minimum_version 1.5.0

HEADER="id	name	industry	size	region	city	phone	email	source	tags	owner	parent	created_at"
MAVEN=$TOP/../shared/data/maven-crm

three_accounts() {
	crm-account add --name 长江电子有限公司 --industry 制造 --region 湖北 --tags vip \
		--phone '027 8765 4321' >/dev/null
	crm-account add --name 'Acme Inc.' --industry tech --region 上海 --email info@acme.example >/dev/null
	crm-account add --name 百度 --industry tech --region 北京 --parent 2 >/dev/null
}

# Users: tester (admin), boss (manager of team a), ann (rep in a), bob (rep in b).
people() {
	crm-user add --login tester --name Tester --role admin >/dev/null
	crm-user team add a >/dev/null
	crm-user team add b >/dev/null
	crm-user add --login boss --name Boss --role manager --team a >/dev/null
	crm-user add --login ann --name Ann --team a --manager boss >/dev/null
	crm-user add --login bob --name Bob --team b >/dev/null
}

@test "add prints the new account with canonical values and audits each value" {
	run crm-account add --name ' 长江电子有限公司　' --industry 制造 --phone '138 0013 8000' \
		--tags 'b，a; b'
	assert_success
	assert_line --index 0 "$HEADER"
	assert_line --index 1 "1	长江电子有限公司	制造				138 0013 8000			b,a			2026-03-02T09:00:00Z"
	run db_query "SELECT name_norm, phone_norm FROM accounts"
	assert_output "长江电子|13800138000"
	run db_query "SELECT actor, tool, action, field, new_value FROM audit ORDER BY id"
	assert_output "tester|crm-account|create|name|长江电子有限公司
tester|crm-account|create|industry|制造
tester|crm-account|create|phone|138 0013 8000
tester|crm-account|create|tags|b,a"
}

@test "add checks every value and writes nothing on error" {
	must_fail 65 crm-account add --name x --phone 138-abc
	assert_output "crm-account: invalid phone '138-abc'"
	must_fail 65 crm-account add --name x --email nobody
	assert_output "crm-account: invalid email 'nobody'"
	must_fail 65 crm-account add --name x --owner nobody
	assert_output "crm-account: unknown user 'nobody'"
	must_fail 65 crm-account add --industry tech
	assert_output "crm-account: account has no name"
	must_fail 65 crm-account add --name x --parent 9
	assert_output "crm-account: unknown account '9'"
	must_fail 65 crm-account add --name x --parent x9
	assert_output "crm-account: invalid account id 'x9'"
	must_fail 65 crm-account add --name "$(printf 'bad \377 byte')"
	assert_output "crm-account: invalid UTF-8 in name"
	must_fail 65 crm-account add --name "$(head -c 400 /dev/zero | tr '\0' x)"
	assert_output --partial "crm-account: too long (400 bytes, at most 300) 'xxx"
	must_fail 64 crm-account add --name x --set colour=red
	assert_output "crm-account: unknown field 'colour'
Try 'crm-account --help'."
	must_fail 64 crm-account add --name x --fields id
	assert_output "crm-account: add: --fields does not apply
Try 'crm-account --help'."
	must_fail 64 crm-account add --name x --title CEO
	must_fail 64 crm-account frobnicate
	assert_output "crm-account: unknown command 'frobnicate'
Try 'crm-account --help'."
	run db_query "SELECT count(*) FROM accounts; SELECT count(*) FROM audit"
	assert_output "0
0"
}

@test "custom fields: declared in the config, checked, required, stored as JSON" {
	cat >crm.yaml <<'EOF'
custom_fields:
  account:
    - {name: revenue, type: money, required: true}
    - {name: tier, type: enum, values: [gold, silver]}
EOF
	export CRM_CONFIG=$PWD/crm.yaml
	must_fail 65 crm-account add --name x
	assert_output "crm-account: missing required field 'revenue'"
	must_fail 65 crm-account add --name x --set revenue=12abc
	assert_output --partial "'12abc'"
	must_fail 65 crm-account add --name x --set revenue=1 --set tier=bronze
	assert_output --partial "'bronze'"
	run crm-account add --name x --set revenue=1200.5 --set tier=gold -H
	assert_success
	# money is stored as all money is, "1234.50", as for leads and deals
	assert_output "1	x											2026-03-02T09:00:00Z	1200.50	gold"
	run db_query "SELECT custom FROM accounts"
	assert_output '{"revenue":"1200.50","tier":"gold"}'
	crm-account update 1 --set tier= --set revenue=99
	run db_query "SELECT custom FROM accounts"
	assert_output '{"revenue":"99.00"}'
	must_fail 65 crm-account update 1 --set revenue=
	assert_output "crm-account: account 1: revenue cannot be empty"
	run crm-account list --fields name,revenue --sort -revenue
	assert_output "name	revenue
x	99.00"
}

@test "list filters by owner, tag, industry, region, parent and text; sorts and limits" {
	people
	three_accounts
	crm-account update 1 --owner ann
	ids() { crm-account list -H --fields id "$@" | tr '\n' ' '; }
	[ "$(ids)" = "1 2 3 " ]
	[ "$(ids --industry tech)" = "2 3 " ]
	[ "$(ids --region 湖北)" = "1 " ]
	[ "$(ids --tag vip)" = "1 " ]
	[ "$(ids --tag vi)" = "" ]
	[ "$(ids --owner ann)" = "1 " ]
	[ "$(ids --unowned)" = "2 3 " ]
	[ "$(ids --parent 2)" = "3 " ]
	[ "$(ids --search acme)" = "2 " ]
	[ "$(ids --search 长江)" = "1 " ]
	[ "$(ids --search 8765)" = "1 " ]
	# names compare as UTF-8 bytes: 长 (e9) > 百 (e7) > A
	[ "$(ids --sort -name --limit 2)" = "1 3 " ]
	[ "$(ids --since 2026-03-02 --until 2026-03-03)" = "1 2 3 " ]
	[ "$(ids --since 2026-03-03)" = "" ]
	must_fail 65 crm-account list --owner nobody
	assert_output "crm-account: unknown user 'nobody'"
	must_fail 64 crm-account list --fields id,nope
	assert_output "crm-account: unknown field 'nope' in --fields
Try 'crm-account --help'."
	must_fail 64 crm-account list --sort nope
	must_fail 64 crm-account list --owner ann --unowned
	must_fail 64 crm-account list --since someday
	must_fail 64 crm-account list --parent x
	assert_output "crm-account: invalid account id 'x'
Try 'crm-account --help'."
	run crm-account list --fields id,name,parent_name,contacts -f csv --parent 2
	assert_output "$(printf 'id,name,parent_name,contacts\r\n3,百度,Acme Inc.,0\r')"
	run crm-account list --fields id,name -f table
	assert_line --index 0 "id  name"
	assert_line --index 2 " 1  长江电子有限公司"
	run crm-account list --fields id,name -f table
	must_fail 74 bash -c 'crm-account list >/dev/full'
	assert_output "crm-account: write error: No space left on device"
}

@test "update by flags: only what changed, audited; -n prints and writes nothing" {
	three_accounts
	run crm-account update 2 --city 上海 --region 上海 --size 50 -n
	assert_success
	assert_output "id	field	old_value	new_value
2	size		50
2	city		上海"
	[ "$(db_query "SELECT count(*) FROM audit WHERE action = 'update'")" = 0 ]
	run crm-account update 2 --city 上海 --region 上海 --size 50
	assert_success
	assert_output ""
	run db_query "SELECT entity_id, field, old_value, new_value FROM audit WHERE action = 'update'"
	assert_output "2|size||50
2|city||上海"
	must_fail 65 crm-account update 2 --name ''
	assert_output "crm-account: account 2: name cannot be empty"
	must_fail 65 crm-account update 2 --parent 2
	assert_output "crm-account: account 2 cannot be under account 2: they would contain each other"
	must_fail 65 crm-account update 2 --parent 3
	assert_output "crm-account: account 2 cannot be under account 3: they would contain each other"
	must_fail 1 crm-account update 9 --city x
	assert_output "crm-account: account 9 not found"
	must_fail 64 crm-account update x9 --city x
	assert_output "crm-account: invalid account id 'x9'"
	must_fail 64 crm-account update 2
	assert_output "crm-account: update: nothing to change (give a field option or --set)
Try 'crm-account --help'."
}

@test "update from TSV: columns by name, every bad row reported, nothing half-written" {
	three_accounts
	run crm-account update <<<"$(printf 'id\tcity\tsize\tnot_a_field\n1\t武汉\t500\tx\n2\t\t10\ty\n')"
	assert_success
	assert_output "crm-account: updated 2 accounts, 3 fields"
	run crm-account list --fields id,city,size
	assert_output "id	city	size
1	武汉	500
2		10
3		"
	before=$(db_query "SELECT count(*) FROM audit")
	run --separate-stderr crm-account update <<<"$(printf 'id\tcity\tphone\n1\t宜昌\t\n9\tx\t\nx\ty\t\n2\tz\tbad-phone\n3\tw\n')"
	[ "$status" -eq 65 ]
	assert_equal "$stderr" "crm-account: stdin:3: account 9 not found
crm-account: stdin:4: invalid account id 'x'
crm-account: stdin:5: invalid phone 'bad-phone'
crm-account: stdin:6: expected 3 fields, got 2
crm-account: 4 bad rows, nothing updated"
	[ "$(db_query "SELECT count(*) FROM audit")" = "$before" ]
	[ "$(db_query "SELECT city FROM accounts WHERE id = 1")" = 武汉 ]
	must_fail 65 crm-account update <<<"$(printf 'city\nx\n')"
	assert_output "crm-account: stdin:1: missing column 'id'"
	must_fail 65 crm-account update <<<"$(printf 'id\tcity\n1\t\377\n')"
	assert_output --partial "invalid UTF-8"
	# what list prints, update takes back unchanged
	run bash -c "crm-account list | crm-account update"
	assert_output "crm-account: updated 0 accounts, 0 fields"
}

@test "tag and untag: canonical tags, audited, -n" {
	three_accounts
	crm-account tag 1 'gold，big' vip
	[ "$(crm-account list -H --fields tags --tag gold)" = "vip,gold,big" ]
	run crm-account untag 1 vip big -n
	assert_output "id	field	old_value	new_value
1	tags	vip,gold,big	gold"
	crm-account untag 1 vip big
	[ "$(crm-account list -H --fields tags --limit 1)" = gold ]
	run db_query "SELECT action, old_value, new_value FROM audit WHERE field = 'tags' AND entity_id = 1"
	assert_output "create||vip
tag|vip|vip,gold,big
untag|vip,gold,big|gold"
	must_fail 64 crm-account tag 1
	assert_output "crm-account: missing tag
Try 'crm-account --help'."
	must_fail 1 crm-account tag 7 x
	assert_output "crm-account: account 7 not found"
}

@test "show: the 360-degree view, every section in order, a dozen interactions in time order" {
	people
	crm-account add --name 长江电子 --industry 制造 --owner ann >/dev/null
	crm-account add --name Other --owner ann >/dev/null
	crm-contact add --name 王伟 --account 1 --title CEO --phone 13800138000 >/dev/null
	crm-contact add --name 李娜 --account 1 --email li@cj.example >/dev/null
	crm-contact add --name 张三 --account 2 >/dev/null
	crm-lead add --name 王伟 --company 长江电子 --owner ann >/dev/null
	crm-lead add --name 路人 --owner ann >/dev/null
	fixture_sql "UPDATE leads SET account_id = 1 WHERE id = 1"
	crm-stage add --title Servers --account 1 --contact 1 --stage proposal --amount 120000.50 \
		--close-date 2026-04-30 --owner ann -q
	crm-stage add --title Support --account 1 --amount 3000 --close-date 2026-02-28 --owner ann -q
	crm-stage won 2 -q
	crm-stage add --title Elsewhere --account 2 --amount 1 --owner ann -q
	log() { crm-log add "--$1" "$2" --kind "$3" --at "$4" "$5" >/dev/null; }
	log account 1 call 2026-02-20T02:00:00Z a1
	log contact 1 wechat 2026-01-15T03:00:00Z c1
	log deal 1 meeting 2026-02-25T06:00:00Z d1
	log lead 1 call 2025-12-01T01:00:00Z l1
	log contact 2 email 2026-02-01T05:00:00Z c2
	log deal 2 visit 2026-01-20T07:00:00Z d2
	log account 1 note 2026-03-01T08:00:00Z a2
	log lead 1 email 2025-12-10T02:00:00Z l2
	log contact 1 call 2026-02-10T09:00:00Z c3
	log deal 1 call 2026-02-27T10:00:00Z d3
	log account 1 meeting 2026-01-05T04:00:00Z a3
	log contact 2 visit 2026-02-15T01:00:00Z c4
	# not this account's
	log account 2 call 2026-02-05T00:00:00Z x1
	log contact 3 call 2026-02-06T00:00:00Z x2
	log deal 3 call 2026-02-07T00:00:00Z x3
	log lead 2 call 2026-02-08T00:00:00Z x4
	crm-task add --account 1 --title 'send the quote' --due 2026-03-09 --owner ann >/dev/null
	crm-task add --contact 2 --title 'call Li Na' --due 2026-03-04 --owner ann >/dev/null
	crm-task add --deal 1 --title 'demo' --due 2026-03-06 --owner ann >/dev/null
	crm-task add --lead 1 --title 'thank-you note' --due 2026-03-03 --owner ann >/dev/null
	crm-task add --deal 2 --title 'already done' --due 2026-03-03 --owner ann >/dev/null
	crm-task add --account 2 --title 'not this one' --due 2026-03-03 --owner ann >/dev/null
	crm-task done 5 >/dev/null

	run crm-account show 1
	assert_success
	# sections in order, each "# name" then a header
	[ "$(crm-account show 1 | grep '^# ' | tr '\n' ' ')" = "# profile # contacts # deals # quotes # contracts # orders # payments # tickets # value # churn # timeline # tasks # history " ]
	section() { crm-account show 1 | awk -v s="# $1" '$0 == s { on = 1; next } on && NF == 0 { exit } on'; }
	[ "$(section profile | head -1 | cut -f1-3)" = "id	name	industry" ]
	[ "$(section profile | sed -n 2p | cut -f1-3,13)" = "1	长江电子	制造	ann" ]
	run section contacts
	assert_output "id	name	title	phone	email	wechat	owner
1	王伟	CEO	13800138000			ann
2	李娜			li@cj.example		ann"
	run section deals
	assert_output "id	title	stage	status	amount	expected_close	owner
1	Servers	proposal	open	120000.50	2026-04-30	ann
2	Support	won	won	3000.00	2026-02-28	ann"
	# all twelve, sorted by time (worked out by hand from the list above)
	[ "$(section timeline | sed 1d | cut -f7 | tr '\n' ' ')" = "l1 l2 a3 c1 d2 c2 c3 c4 a1 d1 d3 a2 " ]
	[ "$(section timeline | sed -n 1p)" = "id	at	kind	subject_type	subject_id	subject_name	summary	next_step	user" ]
	[ "$(section timeline | sed -n 2p)" = "4	2025-12-01T01:00:00Z	call	lead	1	王伟	l1		tester" ]
	[ "$(section timeline | sed -n 6p | cut -f3-7)" = "visit	deal	2	Support	d2" ]
	[ "$(section timeline | sed -n 7p | cut -f3-7)" = "email	contact	2	李娜	c2" ]
	[ "$(section timeline | sed -n 13p | cut -f3-7)" = "note	account	1	长江电子	a2" ]
	# open tasks on the account, its contacts, deals and lead, by due date
	[ "$(section tasks | sed 1d | cut -f3 | tr '\n' '|')" = "thank-you note|call Li Na|demo|send the quote|" ]
	[ "$(section tasks | sed -n 2p | cut -f4-7)" = "lead	1	王伟	ann" ]
	[ "$(section history | sed -n 2p | cut -f2-7)" = "tester	crm-account	create	name		长江电子" ]
	# an empty section still has its title and header
	run crm-account show 2
	assert_line "# deals"
	[ "$(crm-account show 2 | awk '$0 == "# contacts" { getline; getline; print; exit }')" = "3	张三					ann" ]
	# for people: a vertical profile, then titled tables
	run crm-account show 1 -f table
	assert_success
	assert_line --index 0 "profile"
	assert_line --index 1 --regexp '^field +value$'
	assert_line --index 4 --regexp '^name +长江电子$'
	assert_line "timeline"
	assert_line --regexp '^ 2  Support  won       won       3000.00  2026-02-28      ann$'
	must_fail 1 crm-account show 42
	assert_output "crm-account: account 42 not found"
	must_fail 64 crm-account show x
	assert_output "crm-account: invalid account id 'x'"
}

@test "visibility: reps see their own, managers their team's and the unowned, admins all" {
	people
	crm-account add --name Mine --owner ann >/dev/null
	crm-account add --name Bobs --owner bob >/dev/null
	crm-account add --name Nobodys >/dev/null
	ids() { crm-account list -H --fields id --as "$1" | tr '\n' ' '; }
	[ "$(ids tester)" = "1 2 3 " ]
	[ "$(ids boss)" = "1 3 " ]
	[ "$(ids ann)" = "1 " ]
	[ "$(ids bob)" = "2 " ]
	audit=$(db_query "SELECT count(*) FROM audit")
	must_fail 77 crm-account show 2 --as ann
	assert_output "crm-account: permission denied: account 2 is not visible to 'ann'"
	must_fail 77 crm-account show 3 --as ann
	must_fail 77 crm-account update 2 --city x --as ann
	must_fail 77 crm-account update 3 --city x --as ann
	must_fail 77 crm-account update 1 --owner bob --as ann
	assert_output "crm-account: permission denied: 'ann' may not change accounts of 'bob'"
	must_fail 77 crm-account update 2 --city x --as boss
	must_fail 77 crm-account tag 2 x --as boss
	must_fail 77 crm-account forget 2 --as ann
	must_fail 77 crm-account merge 1 2 --as ann
	must_fail 77 crm-account add --name x --owner bob --as ann
	must_fail 77 crm-contact add --name x --account 2 --as ann
	assert_output "crm-contact: permission denied: account 2 is not visible to 'ann'"
	must_fail 77 crm-log add --account 2 --kind call x --as ann
	must_fail 77 crm-account show 1 --as nobody
	[ "$(db_query "SELECT count(*) FROM audit")" = "$audit" ]
	[ "$(db_query "SELECT count(*) FROM accounts WHERE city IS NOT NULL")" = 0 ]
	# what they may do
	crm-account update 1 --city 武汉 --as ann
	crm-account update 3 --city 上海 --as boss
	crm-account add --name 'Ann new' --as ann >/dev/null
	[ "$(crm-account list -H --fields owner --search 'Ann new')" = ann ]
	# a manager's unowned account is visible to managers, not to reps
	crm-account add --name Free --as boss >/dev/null
	[ "$(ids ann)" = "1 4 " ]
	[ "$(ids boss)" = "1 3 4 5 " ]
}

@test "dupes and merge: contacts, deals, leads, interactions, tasks and child accounts follow" {
	crm-account add --name 北京百度网讯科技有限公司 --phone '010 6552 1234' --tags a >/dev/null
	crm-account add --name 'Acme' >/dev/null
	crm-account add --name '北京百度网讯科技（北京）有限公司' --email bd@baidu.example --tags b >/dev/null
	crm-account add --name Child --parent 3 >/dev/null
	run crm-account dupes
	assert_output "group	id	name	phone	email	match
1	1	北京百度网讯科技有限公司	010 6552 1234		name
1	3	北京百度网讯科技（北京）有限公司		bd@baidu.example	name"
	crm-contact add --name 王伟 --account 3 >/dev/null
	crm-lead add --name 王伟 >/dev/null
	crm-log add --account 3 --kind call 'about the deal' >/dev/null
	crm-task add --account 3 --title 'follow up' --due 2026-03-05 >/dev/null
	fixture_sql "UPDATE leads SET account_id = 3"
	crm-stage add --title d --account 3 -q
	run crm-account merge 1 3 -n
	assert_output "id	field	old_value	new_value
1	email		bd@baidu.example
1	tags	a	a,b
3	merged_into		1"
	[ "$(db_query "SELECT count(*) FROM accounts")" = 4 ]
	crm-account merge 1 3
	run db_query "SELECT id, email, tags FROM accounts ORDER BY id"
	assert_output "1|bd@baidu.example|a,b
2||
4||"
	run db_query "SELECT (SELECT account_id FROM contacts), (SELECT account_id FROM deals),
		(SELECT account_id FROM leads), (SELECT subject_id FROM interactions),
		(SELECT subject_id FROM tasks), (SELECT parent_id FROM accounts WHERE id = 4)"
	assert_output "1|1|1|1|1|1"
	# the duplicate's values are kept in its merge audit row
	run db_query "SELECT json_extract(old_value, '$.name'), new_value FROM audit WHERE action = 'merge' AND field = 'merged_into'"
	assert_output "北京百度网讯科技（北京）有限公司|1"
	# its history stays on its own id; the kept account's history shows it, marked
	[ "$(db_query "SELECT count(*) FROM audit WHERE entity = 'account' AND entity_id = 3 AND action = 'create'")" -gt 0 ]
	[ "$(crm-account show 1 | awk -F '\t' '$4 == "create" && $8 == 3' | wc -l)" = \
		"$(db_query "SELECT count(*) FROM audit WHERE entity = 'account' AND entity_id = 3 AND action = 'create'")" ]
	must_fail 64 crm-account merge 1 1
	assert_output "crm-account: merge: account 1 cannot be merged into itself
Try 'crm-account --help'."
	must_fail 1 crm-account merge 1 3
	assert_output "crm-account: account 3 not found"
	must_fail 64 crm-account merge 1
}

@test "forget erases personal data, its audit values and interaction notes, keeps the row" {
	crm-account add --name 'Zhang Wei (private)' --phone 13800138000 --email zw@example.com \
		--notes 'lives nearby' --address '1 Long Rd' --industry retail >/dev/null
	crm-log add --account 1 --kind call 'he said his address is 1 Long Rd' >/dev/null
	run crm-account forget 1 -n
	assert_output "entity	id	found_by	erased
account	1	given	phone,email,notes
interaction	1	subject	summary"
	[ "$(db_query "SELECT phone || email || notes FROM accounts")" = 13800138000zw@example.comlives\ nearby ]
	crm-account forget 1
	run db_query "SELECT name, phone, email, notes, address, industry, phone_norm, forgotten_at FROM accounts"
	assert_output "Zhang Wei (private)||||1 Long Rd|retail||2026-03-02T09:00:00Z"
	run db_query "SELECT field, coalesce(new_value, '-') FROM audit
		WHERE entity = 'account' AND action = 'create' ORDER BY id"
	assert_output "name|Zhang Wei (private)
industry|retail
address|1 Long Rd
phone|-
email|-
notes|-"
	[ "$(db_query "SELECT coalesce(summary, '-') FROM interactions")" = - ]
	# a private person: the name and the address go too
	crm-account forget --person 1
	run db_query "SELECT coalesce(name, '-'), coalesce(address, '-'), CAST(name_norm IS NULL AS INTEGER) FROM accounts"
	assert_output "-|-|1"
	[ "$(db_query "SELECT count(*) FROM audit WHERE new_value LIKE '%Zhang%' OR new_value LIKE '%Long Rd%'")" = 0 ]
	[ "$(db_query "SELECT count(*) FROM audit WHERE action = 'forget'")" = 2 ]
	must_fail 1 crm-account forget 5
	must_fail 64 crm-contact forget --person 1
}

@test "crm-log and crm-task take accounts; handover moves accounts and their contacts" {
	people
	crm-account add --name A1 --owner ann >/dev/null
	crm-account add --name A2 --owner ann >/dev/null
	crm-contact add --name P1 --account 1 >/dev/null
	crm-log add --account 1 --kind visit 'site visit' >/dev/null
	[ "$(db_query "SELECT last_activity_at FROM accounts WHERE id = 1")" = 2026-03-02T09:00:00Z ]
	[ "$(crm-log list --account 1 | cut -f3-7 | sed -n 2p)" = "account	1	A1	visit	site visit" ]
	crm-task add --account 2 --title 'renewal' --due 2026-03-10 --owner ann >/dev/null
	run crm-assign handover --from ann --to bob
	assert_success
	assert_line "account	1	A1	ann	bob"
	assert_line "account	2	A2	ann	bob"
	assert_line "contact	1	P1	ann	bob"
	[ "$(crm-account list -H --fields owner | sort -u)" = bob ]
	[ "$(db_query "SELECT u.login FROM tasks t JOIN users u ON u.id = t.owner_id")" = bob ]
	[ "$(db_query "SELECT count(*) FROM audit WHERE action = 'handover' AND entity IN ('account', 'contact')")" = 3 ]
}

@test "import the maven-crm accounts: every row, sectors as they are, subsidiaries linked" {
	[ -d "$MAVEN" ] || skip "the maven-crm export is not at $MAVEN"
	run --separate-stderr crm-account import "$MAVEN/accounts.csv"
	assert_success
	rows=$(awk 'END { print NR - 1 }' "$MAVEN/accounts.csv")
	[ "$rows" -eq 85 ]
	[ "${#lines[@]}" -eq $((rows + 1)) ]
	assert_equal "$(sed -n '$p' <<<"$stderr")" "crm-account: imported $rows, duplicates 0, rejected 0"
	[ "$(db_query "SELECT count(*) FROM accounts")" -eq "$rows" ]
	# sectors per count, misspelt 'technolgy' kept as the data has it
	want=$(awk -F, 'NR > 1 { n[$2]++ } END { for (s in n) print s "|" n[s] }' "$MAVEN/accounts.csv" | sort)
	[ "$(db_query "SELECT industry, count(*) FROM accounts GROUP BY 1" | sort)" = "$want" ]
	# employees are the size, office_location the region
	want=$(awk -F, 'NR > 1 { print $1 "|" $5 "|" $6 }' "$MAVEN/accounts.csv" | sort)
	[ "$(db_query "SELECT name, size, region FROM accounts" | sort)" = "$want" ]
	# subsidiary_of links to the parent by name, also to rows further down
	want=$(awk -F, 'NR > 1 && $7 != "" { print $1 "|" $7 }' "$MAVEN/accounts.csv" | sort)
	[ -n "$want" ]
	[ "$(db_query "SELECT a.name, p.name FROM accounts a JOIN accounts p ON p.id = a.parent_id" | sort)" = "$want" ]
	# again: every row is a duplicate by name, nothing new
	run --separate-stderr crm-account import -q "$MAVEN/accounts.csv"
	assert_success
	[ "$(sed 1d <<<"$output" | cut -f2 | sort -u)" = duplicate ]
	[ "$(db_query "SELECT count(*) FROM accounts")" -eq "$rows" ]
}

@test "import: custom fields, aliases, --map, duplicates, and bad rows" {
	[ -d "$MAVEN" ] || skip "the maven-crm export is not at $MAVEN"
	cat >crm.yaml <<'EOF'
custom_fields:
  account:
    - {name: revenue, type: money}
    - {name: year_established, type: number}
EOF
	export CRM_CONFIG=$PWD/crm.yaml
	run crm-account import -q "$MAVEN/accounts.csv"
	assert_success
	want=$(awk -F, 'NR > 1 { s += $4 * 100 } END { printf "%d", s }' "$MAVEN/accounts.csv")
	[ "$(db_query "SELECT sum(CAST(round(CAST(json_extract(custom, '$.revenue') AS NUMERIC) * 100) AS BIGINT)) FROM accounts")" = "$want" ]
	[ "$(crm-account list -H --fields year_established --search Acme)" = 1996 ]
	printf '客户名称,行业,城市,电话\n长江电子有限公司,制造,武汉,027 8765 4321\n长江电子,制造,宜昌,\n' >cn.csv
	run --separate-stderr crm-account import cn.csv
	assert_success
	assert_output "id	status
86	new
86	duplicate"
	assert_equal "$stderr" "crm-account: cn.csv:3: duplicate of account 86 (same name), skipped
crm-account: imported 1, duplicates 1, rejected 0"
	# both rows are the account now in the database
	run crm-account import -q --on-duplicate update cn.csv
	assert_output "id	status
86	updated
86	updated"
	[ "$(crm-account list -H --fields city --search 长江)" = 宜昌 ]
	must_fail 65 crm-account import -q --on-duplicate error cn.csv
	assert_output "crm-account: cn.csv:2: duplicate of account 86 (same name)
crm-account: cn.csv:3: duplicate of account 86 (same name)
crm-account: 2 bad rows, nothing imported"
	printf 'Firma\tWeb\nNeu GmbH\tneu.example\n' >de.tsv
	run crm-account import -q --map Firma=name,Web=website de.tsv
	assert_success
	[ "$(crm-account list -H --fields website --search Neu)" = neu.example ]
	must_fail 64 crm-account import --map Firma=nope de.tsv
	assert_output "crm-account: unknown field 'nope' in --map
Try 'crm-account --help'."
	must_fail 64 crm-account import --on-duplicate allow de.tsv
	must_fail 64 crm-account import --reject r.csv de.tsv
}

@test "import: all or nothing by default; --skip-bad --reject keeps the rest" {
	printf 'name,phone,parent\nGood One,,\nOrphan,,Nowhere Ltd\nBad Phone,12-ab,\nGood Two,,Good One\n"Broken,\n' >in.csv
	run --separate-stderr crm-account import in.csv
	[ "$status" -eq 65 ]
	assert_equal "$stderr" "crm-account: in.csv:4: invalid phone '12-ab'
crm-account: in.csv:6: malformed CSV: error parsing data while strict checking enabled
crm-account: in.csv:3: unknown parent account 'Nowhere Ltd'
crm-account: 3 bad rows, nothing imported"
	assert_output ""
	[ "$(db_query "SELECT count(*) FROM accounts")" = 0 ]
	run --separate-stderr crm-account import --skip-bad --reject rej.csv in.csv
	assert_success
	[ "$(db_query "SELECT name FROM accounts ORDER BY id" | tr '\n' '|')" = "Good One|Orphan|Good Two|" ]
	[ "$(db_query "SELECT p.name FROM accounts a JOIN accounts p ON p.id = a.parent_id")" = "Good One" ]
	# (the CSV reader names a row it cannot parse whatever the mode)
	assert_equal "$stderr" "crm-account: in.csv:6: malformed CSV: error parsing data while strict checking enabled
crm-account: in.csv:3: unknown parent account 'Nowhere Ltd', imported without it
crm-account: imported 3, duplicates 0, rejected 2"
	[ "$(head -1 rej.csv)" = "$(printf 'name,phone,parent,error\r')" ]
	[ "$(sed -n 2p rej.csv)" = "$(printf "Bad Phone,12-ab,,invalid phone '12-ab'\r")" ]
	[ "$(wc -l <rej.csv)" -eq 3 ]
	must_fail 66 crm-account import missing.csv
	assert_output --partial "missing.csv: No such file or directory"
	printf 'name\n\377\n' >bad.tsv
	must_fail 65 crm-account import bad.tsv
	assert_output --partial "invalid UTF-8"
	printf 'colour\nred\n' >none.tsv
	must_fail 65 crm-account import none.tsv
	assert_output --partial "none.tsv:1: no column names an account field"
}

@test "a locked database: 69 after the busy timeout, nothing written" {
	crm-account add --name x >/dev/null
	hold_lock 5
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-account add --name y
	assert_output --partial "database is locked"
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-account update 1 --city z
	CRM_BUSY_TIMEOUT=100 run crm-account show 1
	assert_success
	kill "$LOCK_PID"
	wait "$LOCK_PID" 2>/dev/null || true
	[ "$(db_query "SELECT count(*), CAST(max(city) IS NULL AS INTEGER) FROM accounts")" = "1|1" ]
}

@test "--help and completion values" {
	run crm-account --help
	assert_success
	assert_line --index 0 "Usage:"
	run crm-account --complete=subcommands
	assert_line "show"
	assert_line "forget"
	run crm-account --complete=fields
	assert_line "parent_name"
	run crm-account --complete=duplicates
	assert_output "skip
update
error"
}
