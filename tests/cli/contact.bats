#!/usr/bin/env bats
# crm-contact: add, list, show, update (flags and TSV), tag, dupes, merge,
# forget and import, visibility, and every kind of bad input.

load helper
bats_require_minimum_version 1.5.0

HEADER="id	name	account	account_name	title	phone	email	wechat	tags	owner	created_at"

people() {
	crm-user add --login tester --name Tester --role admin >/dev/null
	crm-user team add a >/dev/null
	crm-user team add b >/dev/null
	crm-user add --login boss --name Boss --role manager --team a >/dev/null
	crm-user add --login ann --name Ann --team a --manager boss >/dev/null
	crm-user add --login bob --name Bob --team b >/dev/null
}

two_accounts() {
	crm-account add --name 长江电子有限公司 >/dev/null
	crm-account add --name 'Acme Inc.' >/dev/null
}

@test "add: a contact belongs to an account it takes its owner from" {
	people
	crm-account add --name 长江电子 --owner ann >/dev/null
	run crm-contact add --name ' 王伟 ' --account 1 --title 总经理 --phone '+86 138 0013 8000' \
		--wechat wangwei88 --tags 'vip，kp'
	assert_success
	assert_line --index 0 "$HEADER"
	assert_line --index 1 "1	王伟	1	长江电子	总经理	+86 138 0013 8000		wangwei88	vip,kp	ann	2026-03-02T09:00:00Z"
	run db_query "SELECT name_norm, phone_norm FROM contacts"
	assert_output "王伟|13800138000"
	# without an account, an admin's contact has no owner; a rep's is theirs
	[ "$(crm-contact add --name Solo -H | cut -f3,10)" = "	" ]
	[ "$(crm-contact add --name Mine --as ann -H | cut -f10)" = ann ]
	[ "$(crm-contact add --name Given --account 1 --owner bob -H | cut -f10)" = bob ]
	run db_query "SELECT field, new_value FROM audit WHERE entity = 'contact' AND entity_id = 1 ORDER BY id"
	assert_output "name|王伟
account|1
title|总经理
phone|+86 138 0013 8000
wechat|wangwei88
tags|vip,kp
owner|ann"
}

@test "add checks every value and writes nothing on error" {
	two_accounts
	must_fail 65 crm-contact add --account 1
	assert_output "crm-contact: contact has no name"
	must_fail 65 crm-contact add --name x --account 9
	assert_output "crm-contact: unknown account '9'"
	must_fail 65 crm-contact add --name x --account one
	assert_output "crm-contact: invalid account id 'one'"
	must_fail 65 crm-contact add --name x --phone 12
	assert_output "crm-contact: invalid phone '12'"
	must_fail 65 crm-contact add --name x --email a@b
	assert_output "crm-contact: invalid email 'a@b'"
	must_fail 65 crm-contact add --name "$(printf '\300\200')"
	assert_output "crm-contact: invalid UTF-8 in name"
	must_fail 64 crm-contact add --name x --industry y
	must_fail 64 crm-contact add --name x --set size=1
	assert_output "crm-contact: unknown field 'size'
Try 'crm-contact --help'."
	[ "$(db_query "SELECT count(*) FROM contacts")" = 0 ]
}

@test "custom fields: required, checked, and erased by forget" {
	cat >crm.yaml <<'EOF'
custom_fields:
  contact:
    - {name: birthday, type: date}
    - {name: level, type: enum, values: [a, b], required: true}
EOF
	export CRM_CONFIG=$PWD/crm.yaml
	must_fail 65 crm-contact add --name x
	assert_output "crm-contact: missing required field 'level'"
	must_fail 65 crm-contact add --name x --set level=c
	assert_output --partial "'c'"
	must_fail 65 crm-contact add --name x --set level=a --set birthday=1990-13-45
	assert_output --partial "'1990-13-45'"
	run crm-contact add --name x --set level=a --set birthday=1990-05-04 -H
	assert_success
	assert_output "1	x									2026-03-02T09:00:00Z	1990-05-04	a"
	crm-contact forget 1
	run db_query "SELECT coalesce(name, '-'), coalesce(custom, '-') FROM contacts"
	assert_output "-|-"
	[ "$(db_query "SELECT count(*) FROM audit WHERE new_value IN ('1990-05-04', 'a', 'x')")" = 0 ]
}

@test "list filters by account, owner, tag and text; show has the contact and its history" {
	people
	two_accounts
	crm-contact add --name 王伟 --account 1 --owner ann --tags kp >/dev/null
	crm-contact add --name 'Li Na' --account 2 --email li@acme.example >/dev/null
	crm-contact add --name 张三 --account 1 --phone 13900139000 >/dev/null
	ids() { crm-contact list -H --fields id "$@" | tr '\n' ' '; }
	[ "$(ids)" = "1 2 3 " ]
	[ "$(ids --account 1)" = "1 3 " ]
	[ "$(ids --owner ann)" = "1 " ]
	[ "$(ids --unowned)" = "2 3 " ]
	[ "$(ids --tag kp)" = "1 " ]
	[ "$(ids --search acme)" = "2 " ]
	[ "$(ids --search 139001)" = "3 " ]
	# names compare as UTF-8 bytes: 王 (e7) > 张 (e5) > L
	[ "$(ids --sort -name --limit 2)" = "1 3 " ]
	[ "$(ids --account 1 --as ann)" = "1 " ]
	must_fail 64 crm-contact list --account x
	must_fail 64 crm-contact list --title x
	assert_output "crm-contact: list: --title does not apply
Try 'crm-contact --help'."
	crm-contact update 3 --title 工程师
	run crm-contact show 3
	assert_success
	assert_line --index 0 "# contact"
	assert_line --index 1 "id	name	account	account_name	title	phone	email	wechat	region	city	tags	owner	notes	lead	created_at	updated_at	last_activity_at	forgotten_at"
	[ "$(crm-contact show 3 | sed -n 3p | cut -f1-6)" = "3	张三	1	长江电子有限公司	工程师	13900139000" ]
	assert_line --index 3 "# history"
	assert_line --index 8 "2026-03-02T09:00:00Z	tester	crm-contact	update	title		工程师	"
	[ "$(crm-contact show 3 | sed -n 4p)" = "" ]
	run crm-contact show 3 -f table
	assert_line --index 0 --regexp '^field +value$'
	assert_line --index 5 --regexp '^account_name +长江电子有限公司$'
	must_fail 1 crm-contact show 9
	assert_output "crm-contact: contact 9 not found"
	must_fail 77 crm-contact show 2 --as ann
	assert_output "crm-contact: permission denied: contact 2 is not visible to 'ann'"
}

@test "update: by flags and from TSV, moving between accounts; -n" {
	two_accounts
	crm-contact add --name 王伟 --account 1 >/dev/null
	crm-contact add --name 'Li Na' --account 2 >/dev/null
	run crm-contact update 1 --account 2 --title CEO -n
	assert_output "id	field	old_value	new_value
1	account	1	2
1	title		CEO"
	[ "$(db_query "SELECT account_id FROM contacts WHERE id = 1")" = 1 ]
	crm-contact update 1 --account 2
	[ "$(crm-contact list -H --fields account_name --search 王伟)" = "Acme Inc." ]
	must_fail 65 crm-contact update 1 --account 7
	assert_output "crm-contact: unknown account '7'"
	run crm-contact update <<<"$(printf 'id\taccount\twechat\n1\t1\twx1\n2\t\twx2\n')"
	assert_success
	assert_output "crm-contact: updated 2 contacts, 4 fields"
	run crm-contact list --fields id,account,wechat
	assert_output "id	account	wechat
1	1	wx1
2		wx2"
	must_fail 65 crm-contact update <<<"$(printf 'id\taccount\n1\t5\n3\t1\n')"
	assert_output "crm-contact: stdin:2: unknown account '5'
crm-contact: stdin:3: contact 3 not found
crm-contact: 2 bad rows, nothing updated"
	run bash -c "crm-contact list | crm-contact update"
	assert_output "crm-contact: updated 0 contacts, 0 fields"
	crm-contact tag 2 a b
	crm-contact untag 2 a
	[ "$(crm-contact list -H --fields tags --search Li)" = b ]
}

@test "visibility: 77 and nothing changed for what a rep may not touch" {
	people
	crm-account add --name A --owner ann >/dev/null
	crm-account add --name B --owner bob >/dev/null
	crm-contact add --name P1 --account 1 >/dev/null
	crm-contact add --name P2 --account 2 >/dev/null
	crm-contact add --name P3 >/dev/null
	ids() { crm-contact list -H --fields id --as "$1" | tr '\n' ' '; }
	[ "$(ids ann)" = "1 " ]
	[ "$(ids boss)" = "1 3 " ]
	[ "$(ids bob)" = "2 " ]
	[ "$(ids tester)" = "1 2 3 " ]
	audit=$(db_query "SELECT count(*) FROM audit")
	must_fail 77 crm-contact update 2 --title x --as ann
	assert_output "crm-contact: permission denied: contact 2 is not visible to 'ann'"
	must_fail 77 crm-contact update 1 --account 2 --as ann
	assert_output "crm-contact: permission denied: account 2 is not visible to 'ann'"
	must_fail 77 crm-contact update 3 --title x --as ann
	must_fail 77 crm-contact update 1 --owner bob --as ann
	must_fail 77 crm-contact forget 2 --as boss
	must_fail 77 crm-contact merge 1 2 --as boss
	must_fail 77 crm-contact tag 2 x --as ann
	must_fail 77 crm-log add --contact 2 --kind call x --as ann
	[ "$(db_query "SELECT count(*) FROM audit")" = "$audit" ]
	crm-contact update 3 --title CTO --as boss
	crm-log add --contact 1 --kind wechat hi --as ann >/dev/null
	[ "$(crm-log list --contact 1 --as ann | cut -f3-7 | sed -n 2p)" = "contact	1	P1	wechat	hi" ]
}

@test "dupes and merge: deals, leads, interactions and tasks follow the kept contact" {
	two_accounts
	crm-contact add --name 王伟 --account 1 --phone 13800138000 >/dev/null
	crm-contact add --name 'Wang Wei' --phone '138-0013-8000' --email ww@cj.example >/dev/null
	crm-contact add --name '王 伟' --account 1 >/dev/null
	crm-contact add --name 王伟 --account 2 >/dev/null
	run crm-contact dupes
	assert_output "group	id	name	phone	email	match
1	1	王伟	13800138000		phone
1	2	Wang Wei	138-0013-8000	ww@cj.example	phone
2	1	王伟	13800138000		account+name
2	3	王 伟			account+name"
	crm-lead add --name x >/dev/null
	crm-log add --contact 2 --kind call 'talked' >/dev/null
	crm-task add --contact 2 --title 'call back' --due 2026-03-05 >/dev/null
	fixture_sql "UPDATE leads SET contact_id = 2"
	crm-stage add --title d --contact 2 -q
	crm-contact merge 1 2 3
	run db_query "SELECT id, name, email FROM contacts ORDER BY id"
	assert_output "1|王伟|ww@cj.example
4|王伟|"
	run db_query "SELECT (SELECT contact_id FROM deals), (SELECT contact_id FROM leads),
		(SELECT subject_id FROM interactions), (SELECT subject_id FROM tasks)"
	assert_output "1|1|1|1"
	[ "$(db_query "SELECT count(*) FROM audit WHERE entity = 'contact' AND action = 'merge' AND field = 'merged_into'")" = 2 ]
	must_fail 64 crm-contact merge 1 4 4
	assert_output "crm-contact: merge: contact 4 given twice
Try 'crm-contact --help'."
}

@test "forget erases the person: name, phone, email, WeChat, notes, audit values, notes of calls" {
	two_accounts
	crm-contact add --name 王伟 --account 1 --phone 13800138000 --email ww@cj.example \
		--wechat ww88 --notes '住在附近' --title CEO >/dev/null
	crm-contact update 1 --phone 13900139000
	crm-log add --contact 1 --kind call '王伟 said call him at home' >/dev/null
	run crm-contact forget 1 -n
	assert_output "entity	id	found_by	erased
contact	1	given	name,phone,email,wechat,notes
interaction	1	subject	summary"
	[ "$(db_query "SELECT name || phone || email || wechat || notes FROM contacts")" = 王伟13900139000ww@cj.exampleww88住在附近 ]
	crm-contact forget 1
	run db_query "SELECT coalesce(name, '-'), coalesce(phone, '-'), coalesce(email, '-'),
		coalesce(wechat, '-'), coalesce(notes, '-'), title, account_id, CAST(name_norm IS NULL AS INTEGER),
		CAST(phone_norm IS NULL AS INTEGER), forgotten_at FROM contacts"
	assert_output "-|-|-|-|-|CEO|1|1|1|2026-03-02T09:00:00Z"
	[ "$(db_query "SELECT count(*) FROM audit WHERE old_value LIKE '%138%' OR new_value LIKE '%139%' OR new_value LIKE '%王伟%'")" = 0 ]
	[ "$(db_query "SELECT count(*) FROM audit WHERE entity = 'contact' AND new_value = 'CEO'")" = 1 ]
	[ "$(db_query "SELECT coalesce(summary, '-') FROM interactions")" = - ]
	# a forgotten contact is no longer a duplicate of anything
	crm-contact add --name 王伟 --account 1 >/dev/null
	run crm-contact dupes -H
	assert_output ""
	must_fail 1 crm-contact forget 7
	must_fail 64 crm-contact forget
}

@test "import: account by name, duplicates by phone, e-mail or name at the account" {
	two_accounts
	printf '姓名,公司,职位,手机,邮箱,微信\n王伟,长江电子,总经理,13800138000,,wx1\nLi Na,acme inc,CTO,,li@acme.example,\n王伟,长江电子有限公司,,,,\n' >c.csv
	run --separate-stderr crm-contact import c.csv
	assert_success
	assert_output "id	status
1	new
2	new
1	duplicate"
	assert_equal "$stderr" "crm-contact: c.csv:4: duplicate of contact 1 (same name at the same account), skipped
crm-contact: imported 2, duplicates 1, rejected 0"
	run crm-contact list --fields name,account_name,title,phone,email,wechat
	assert_output "name	account_name	title	phone	email	wechat
王伟	长江电子有限公司	总经理	13800138000		wx1
Li Na	Acme Inc.	CTO		li@acme.example	"
	printf 'name\taccount\temail\nLi Na 2\t2\tLI@acme.example\n' >d.tsv
	run --separate-stderr crm-contact import -q --on-duplicate update d.tsv
	assert_output "id	status
2	updated"
	[ "$(crm-contact list -H --fields name --search acme)" = "Li Na 2" ]
	printf 'name,company\nX,Nowhere\nY,Acme Inc.\n' >e.csv
	must_fail 65 crm-contact import e.csv
	assert_output "crm-contact: e.csv:2: unknown account 'Nowhere'
crm-contact: 1 bad row, nothing imported"
	run --separate-stderr crm-contact import -q --skip-bad --reject rej.csv e.csv
	assert_success
	[ "$(cat rej.csv)" = "$(printf "name,company,error\r\nX,Nowhere,unknown account 'Nowhere'\r")" ]
	[ "$(crm-contact list -H --fields name --account 2 | tr '\n' ' ')" = "Li Na 2 Y " ]
	must_fail 66 crm-contact import nope.csv
	printf 'name\tphone\nA\t1\tx\n' >bad.tsv
	must_fail 65 crm-contact import bad.tsv
	assert_output "crm-contact: bad.tsv:2: expected 2 fields, got 3
crm-contact: 1 bad row, nothing imported"
	printf 'name\n\xff\n' | must_fail 65 crm-contact import -
}

@test "a locked database: 69 after the busy timeout, nothing written" {
	crm-contact add --name x >/dev/null
	hold_lock 5
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-contact add --name y
	assert_output --partial "database is locked"
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-contact forget 1
	kill "$LOCK_PID"
	wait "$LOCK_PID" 2>/dev/null || true
	[ "$(db_query "SELECT count(*), min(name) FROM contacts")" = "1|x" ]
}

@test "--help and completion values" {
	run crm-contact --help
	assert_success
	assert_line "See crm-contact(1)."
	run crm-contact --complete=fields
	assert_line "account_name"
	assert_line "wechat"
	run crm-contact --complete=subcommands
	assert_line "merge"
}
