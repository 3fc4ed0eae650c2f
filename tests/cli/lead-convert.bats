#!/usr/bin/env bats
# crm-lead convert: a lead becomes an account, a contact and a deal, or is
# linked to the account and contact it duplicates; bulk conversion from TSV;
# bad input, visibility, -n and a locked database.

load helper
bats_require_minimum_version 1.5.0

OUT_HEAD="lead_id	account_id	contact_id	deal_id	account_created	contact_created"

setup_team() {
	crm-user add --login root --name Root --role admin >/dev/null
	export CRM_USER=root
	crm-user add --login mgr --name 'East Boss' --role manager >/dev/null
	crm-user team add east --manager mgr
	crm-user add --login rep1 --name 'Rep One' --team east --manager mgr >/dev/null
	crm-user add --login rep2 --name 'Rep Two' --team east --manager mgr >/dev/null
	crm-user add --login rep3 --name 'Rep Three' >/dev/null
}

q() { db_query_tsv "$@"; }

@test "a lead becomes an account, a contact and a deal that inherits owner, source and campaign" {
	setup_team
	crm-lead add --name 王伟 --company 长江电子有限公司 --title 采购经理 --phone 13812345678 \
		--email ww@cj.example --region 湖北 --city 武汉 --industry 制造 --source expo \
		--campaign spring --owner rep1 >/dev/null
	CRM_NOW=2026-03-05T02:00:00Z run --separate-stderr crm-lead convert 1 --title '数控机床 20 台' \
		--amount 480000 --close-date 2026-06-30 --as rep1
	assert_success
	assert_output "$OUT_HEAD
1	1	1	1	1	1"
	[ "$(q "SELECT name, industry, region, city, phone, email, source, lead_id FROM accounts")" = \
		"长江电子有限公司	制造	湖北	武汉	13812345678	ww@cj.example	expo	1" ]
	[ "$(crm-contact list -H --fields name,account,title,phone,email,owner)" = \
		"王伟	1	采购经理	13812345678	ww@cj.example	rep1" ]
	run crm-stage list -H --fields title,account,contact,stage,amount,close_date,owner,source,campaign,lead_id
	assert_output "数控机床 20 台	长江电子有限公司	王伟	contact	480000.00	2026-06-30	rep1	expo	spring	1"
	[ "$(q "SELECT status, converted_at, account_id, contact_id, deal_id FROM leads")" = \
		"converted	2026-03-05T02:00:00Z	1	1	1" ]
	[ "$(q "SELECT field, old_value, new_value, actor FROM audit WHERE entity = 'lead' AND action = 'convert'")" = \
"status	new	converted	rep1
account_id		1	rep1
contact_id		1	rep1
deal_id		1	rep1" ]
	[ "$(crm-stage history 1 -H)" = "2026-03-05T02:00:00Z		contact	rep1	" ]
	# converted once is enough
	must_fail 65 crm-lead convert 1
	assert_output "crm-lead: lead 1 is already converted"
	crm-lead add --name 李四 --company 某厂 >/dev/null
	crm-lead disqualify 2 --reason spam
	must_fail 65 crm-lead convert 2
	assert_output "crm-lead: lead 2 is disqualified"
	[ "$(q "SELECT count(*) FROM deals")" -eq 1 ]
}

@test "two leads of the same company are linked to one account; a contact by phone to itself" {
	crm-lead add --name 王伟 --company 长江电子有限公司 --phone 13812345678 >/dev/null
	crm-lead add --name 李娜 --company '长江电子（武汉）有限公司' --email ln@cj.example >/dev/null
	crm-lead add --name 'W. Wang' --company 其他公司 --phone '+86 138 1234 5678' >/dev/null
	run crm-lead convert 1
	assert_output "$OUT_HEAD
1	1	1	1	1	1"
	run crm-lead convert 2 -H
	assert_output "2	1	2	2	0	1"
	# the phone is the first account's, and the person the first contact
	run crm-lead convert 3 -H
	assert_output "3	1	1	3	0	0"
	[ "$(q "SELECT count(*) FROM accounts")" -eq 1 ]
	[ "$(crm-stage list -H --fields id,account_id,contact_id | tr '\n' ' ')" = "1	1	1 2	1	2 3	1	1 " ]
	# an account made by hand is found by its phone
	crm-account add --name 黄河机械 --phone 027-8765-4321 >/dev/null
	crm-lead add --company 黄河机械厂 --phone '(027) 87654321' >/dev/null
	run crm-lead convert 4 -H
	assert_output "4	2	3	4	0	1"
	# a contact with no name goes by the phone
	[ "$(crm-contact list -H --fields name,account --search 027)" = "(027) 87654321	2" ]
}

@test "a lead without a company is a private customer; --stage and --pipeline; bad input writes nothing" {
	cat >crm.yaml <<'EOF'
pipelines:
  project:
    - {id: site-survey, name: 现场勘查, probability: 10}
    - {id: tender, name: 投标, probability: 50}
    - {id: signed, name: 签约, kind: won}
    - {id: dropped, name: 放弃, kind: lost}
EOF
	export CRM_CONFIG=$PWD/crm.yaml
	crm-lead add --name 张三 --phone 13900001111 >/dev/null
	crm-lead add --company 大桥水泥 >/dev/null
	run crm-lead convert 1 -H
	assert_output "1	1	1	1	1	1"
	[ "$(crm-stage list -H --fields title,account,contact)" = "张三	张三	张三" ]
	before=$(q "SELECT count(*) FROM audit")
	must_fail 1 crm-lead convert 9
	assert_output "crm-lead: lead 9 not found"
	must_fail 65 crm-lead convert 2 --stage tender
	assert_output "crm-lead: unknown stage 'tender' in pipeline 'default'"
	must_fail 65 crm-lead convert 2 --pipeline project --stage signed
	assert_output "crm-lead: a new deal starts in an open stage, not 'signed'"
	must_fail 65 crm-lead convert 2 --pipeline nope
	assert_output "crm-lead: unknown pipeline 'nope'"
	must_fail 65 crm-lead convert 2 --amount -100
	assert_output "crm-lead: negative amount '-100'"
	must_fail 65 crm-lead convert 2 --amount 1.2.3
	assert_output "crm-lead: invalid amount '1.2.3'"
	must_fail 65 crm-lead convert 2 --close-date 2026-13-01
	assert_output "crm-lead: invalid close date '2026-13-01'"
	must_fail 64 crm-lead convert x
	assert_output "crm-lead: invalid lead id 'x'"
	must_fail 64 crm-lead convert 2 --owner rep1
	[ "$(q "SELECT count(*) FROM audit")" -eq "$before" ]
	[ "$(q "SELECT count(*) FROM accounts")" -eq 1 ]
	[ "$(crm-lead list -H --fields status --search 大桥)" = new ]
	# only a company: an account and a deal, no contact
	run crm-lead convert 2 --pipeline project --stage tender -H
	assert_output "2	2		2	1	0"
	[ "$(crm-stage list -H --fields id,pipeline,stage,contact_id --pipeline project)" = "2	project	tender	" ]
}

@test "bulk conversion from TSV: all or nothing, every bad row named, options as defaults" {
	for c in 甲 乙 丙; do crm-lead add --name "客户$c" --company "公司$c" >/dev/null; done
	crm-lead add --name 丁 --company 公司丁 >/dev/null
	crm-lead disqualify 4 --reason spam
	printf 'id\tamount\tstage\nx\t\t\n1\t-5\t\n2\t\tnope\n4\t\t\n9\t\t\n' >bad.tsv
	must_fail 65 crm-lead convert <bad.tsv
	assert_output "crm-lead: stdin:2: invalid lead id 'x'
crm-lead: stdin:3: negative amount '-5'
crm-lead: stdin:4: unknown stage 'nope' in pipeline 'default'
crm-lead: stdin:5: lead 4 is disqualified
crm-lead: stdin:6: lead 9 not found
crm-lead: 5 bad rows, nothing converted"
	[ "$(q "SELECT count(*) FROM accounts") $(q "SELECT count(*) FROM deals")" = "0 0" ]
	printf 'id\ttitle\tamount\tstage\n1\t首单\t1000\t\n2\t\t\tqualify\n3\t\t\t\n' >good.tsv
	run --separate-stderr crm-lead convert --stage proposal --amount 50 <good.tsv
	assert_success
	assert_output "$OUT_HEAD
1	1	1	1	1	1
2	2	2	2	1	1
3	3	3	3	1	1"
	run crm-stage list -H --fields id,title,stage,amount
	assert_output "1	首单	proposal	1000.00
2	公司乙	qualify	50.00
3	公司丙	proposal	50.00"
	# the same rows again: each lead is converted already
	must_fail 65 crm-lead convert <good.tsv
	assert_line "crm-lead: stdin:2: lead 1 is already converted"
	assert_line "crm-lead: 3 bad rows, nothing converted"
	must_fail 65 crm-lead convert <<<"$(printf 'lead\n1')"
	assert_output "crm-lead: stdin:1: no column 'id'"
}

@test "visibility: a rep converts their own leads only; a manager the team's (77)" {
	setup_team
	crm-lead add --company A --owner rep1 >/dev/null
	crm-lead add --company B --owner rep2 >/dev/null
	crm-lead add --company C >/dev/null
	must_fail 77 crm-lead convert 2 --as rep1
	assert_output "crm-lead: permission denied: lead 2 is not visible to 'rep1'"
	must_fail 77 crm-lead convert 3 --as rep1
	assert_output "crm-lead: permission denied: 'rep1' may not change lead 3"
	must_fail 77 crm-lead convert 1 --as rep3
	[ "$(q "SELECT count(*) FROM accounts")" -eq 0 ]
	run crm-lead convert 1 --as rep1 -H
	assert_output "1	1		1	1	0"
	run crm-lead convert 2 --as mgr -H
	assert_output "2	2		2	1	0"
	# a pool lead's deal is the converting manager's
	crm-lead convert 3 --as mgr -q
	[ "$(crm-stage list -H --fields id,owner | tr '\n' ' ')" = "1	rep1 2	rep2 3	mgr " ]
	[ "$(crm-stage list -H --fields id --as rep1)" = 1 ]
}

@test "-n converts nothing; a locked database is 69" {
	crm-lead add --name 王伟 --company 长江电子 >/dev/null
	run crm-lead -n convert 1 --amount 10
	assert_success
	assert_output "$OUT_HEAD
1	1	1	1	1	1"
	[ "$(q "SELECT count(*) FROM accounts") $(q "SELECT count(*) FROM contacts") $(q "SELECT count(*) FROM deals")" = "0 0 0" ]
	[ "$(crm-lead list -H --fields status)" = new ]
	hold_lock 5
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-lead convert 1
	assert_output "crm-lead: $CRM_DB: cannot start transaction: database is locked (busy timeout expired)"
	kill "$LOCK_PID"
	[ "$(crm-lead list -H --fields status)" = new ]
}
