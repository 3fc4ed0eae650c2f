#!/usr/bin/env bats
# Odd and hostile input across the tools: a BOM on TSV, very wide and very
# long records, the same id twice in one update, read-only columns, money,
# spreadsheet formulas in CSV output, terminal controls in tables.

load helper

two_leads() {
	crm-lead add --name 王伟 --city 北京 >/dev/null
	crm-lead add --name 'Li Na' --city 上海 >/dev/null
}

@test "TSV with a BOM: the first column is found by name" {
	two_leads
	run bash -c "printf '\xef\xbb\xbfid\tcity\n2\t杭州\n' | crm-lead update"
	assert_success
	assert_output "crm-lead: updated 1 lead, 1 field"
	[ "$(db_query "SELECT city FROM leads WHERE id = 2")" = 杭州 ]
	# import too: the BOM does not become part of the first header
	printf '\xef\xbb\xbfname\tcity\n张三\t深圳\n' >bom.tsv
	run crm-lead import -q bom.tsv
	assert_success
	[ "$(db_query "SELECT name || city FROM leads WHERE id = 3")" = 张三深圳 ]
	# only at the very start: on a later line it is data
	must_fail 65 bash -c "printf 'id\tcity\n\xef\xbb\xbf1\tx\n' | crm-lead update"
	assert_output "$(printf "crm-lead: stdin:2: invalid lead id '\xef\xbb\xbf1'\ncrm-lead: 1 bad row, nothing updated")"
}

@test "100,000 columns import at once, CSV and TSV" {
	awk 'BEGIN { n = 100000; printf "name"; for (i = 1; i < n; i++) printf ",c%d", i; print ""
		printf "Wide"; for (i = 1; i < n; i++) printf ",x"; print "" }' >wide.csv
	tr , '\t' <wide.csv >wide.tsv
	run crm-lead import -q wide.csv
	assert_success
	run crm-lead import -q --on-duplicate allow wide.tsv
	assert_success
	[ "$(db_query "SELECT group_concat(name) FROM (SELECT name FROM leads ORDER BY id) l")" = Wide,Wide ]
	# a repeated name among them is still found, and it is the first repeat
	awk 'BEGIN { n = 100000; printf "name"; for (i = 1; i < n; i++) printf ",c%d", i % 99990; print "" }' >dup.csv
	must_fail 65 crm-lead import dup.csv
	assert_output "crm-lead: dup.csv:1: duplicate column 'c1'"
}

@test "a record over 2 MiB is refused with file and line, CSV and TSV" {
	awk 'BEGIN { s = "x"; while (length(s) < 2097152) s = s s
		print "name,notes"; print "a," s; print "b,ok" }' >long.csv
	must_fail 65 crm-lead import long.csv
	assert_output "crm-lead: long.csv:2: record longer than 2097152 bytes
crm-lead: 1 bad row, nothing imported"
	tr , '\t' <long.csv >long.tsv
	must_fail 65 crm-lead import long.tsv
	assert_output "crm-lead: long.tsv:2: record longer than 2097152 bytes
crm-lead: 1 bad row, nothing imported"
	[ "$(db_query "SELECT count(*) FROM leads")" = 0 ]
	# the same limit for update
	crm-lead add --name a >/dev/null
	awk 'BEGIN { s = "x"; while (length(s) < 2097152) s = s s
		print "id\tnotes"; print "1\t" s; print "1\tshort" }' >long-update.tsv
	must_fail 65 crm-lead update <long-update.tsv
	assert_output "crm-lead: stdin:2: record longer than 2097152 bytes
crm-lead: 1 bad row, nothing updated"
	[ "$(db_query "SELECT count(*) FROM leads WHERE notes IS NOT NULL")" = 0 ]
}

@test "update: the same id twice in one batch is an error naming both lines" {
	two_leads
	must_fail 65 bash -c "printf 'id\tcity\n1\t杭州\n2\t广州\n1\t深圳\n' | crm-lead update"
	assert_output "crm-lead: stdin:4: id 1 already updated on line 2
crm-lead: 1 bad row, nothing updated"
	[ "$(db_query "SELECT group_concat(city) FROM (SELECT city FROM leads ORDER BY id) l")" = 北京,上海 ]
	# -n says the same
	must_fail 65 bash -c "printf 'id\tcity\n2\tx\n2\tx\n' | crm-lead update -n 2>&1 >/dev/null"
	assert_output "crm-lead: stdin:3: id 2 already updated on line 2
crm-lead: 1 bad row, nothing updated"
	# accounts and contacts
	crm-account add --name Acme >/dev/null
	crm-contact add --name 张三 --account 1 >/dev/null
	must_fail 65 bash -c "printf 'id\tcity\n1\tx\n1\ty\n' | crm-account update"
	assert_output "crm-account: stdin:3: id 1 already updated on line 2
crm-account: 1 bad row, nothing updated"
	must_fail 65 bash -c "printf 'id\ttitle\n1\tCEO\n1\tCTO\n' | crm-contact update"
	assert_output "crm-contact: stdin:3: id 1 already updated on line 2
crm-contact: 1 bad row, nothing updated"
	[ "$(db_query "SELECT count(*) FROM audit WHERE action = 'update'")" = 0 ]
}

@test "update: a batch of 200,000 ids is checked for repeats in linear time" {
	awk 'BEGIN { print "name"; for (i = 1; i <= 200000; i++) print "n" i }' >leads.tsv
	crm-lead import -q --on-duplicate allow leads.tsv >/dev/null
	awk 'BEGIN { print "id\tcity"; for (i = 1; i <= 200000; i++) print i "\tx"; print "199999\ty" }' >big.tsv
	must_fail 65 crm-lead update <big.tsv
	assert_output "crm-lead: stdin:200002: id 199999 already updated on line 200000
crm-lead: 1 bad row, nothing updated"
	[ "$(db_query "SELECT count(*) FROM leads WHERE city IS NOT NULL")" = 0 ]
}

@test "update: read-only columns from list are accepted unchanged, refused when edited" {
	two_leads
	crm-lead update 1 --owner '' >/dev/null
	all=id,name,company,title,phone,email,region,city,industry,source,campaign,tags,heat,score,status,owner,created_at,notes,updated_at,assigned_at,first_contact_at,last_activity_at,disqualify_reason,claimed_at,created_by,forgotten_at
	run bash -c "crm-lead list --fields $all | crm-lead update"
	assert_success
	assert_output "crm-lead: updated 0 leads, 0 fields"
	# the README tour: list, edit, read back
	crm-lead list --fields id,city,tags,created_at | sed 's/上海/杭州/' >edit.tsv
	run crm-lead update <edit.tsv
	assert_success
	assert_output "crm-lead: updated 1 lead, 1 field"
	# an edited timestamp, creator or id-like column is an error, not ignored
	crm-lead list --fields id,name,created_at,created_by | sed '3s/2026-/2025-/; 2s/tester$/eve/' >bad.tsv
	must_fail 65 crm-lead update <bad.tsv
	assert_output "crm-lead: stdin:2: lead 1: column 'created_by' is read-only
crm-lead: stdin:3: lead 2: column 'created_at' is read-only
crm-lead: 2 bad rows, nothing updated"
	# an empty cell for a stored value is an edit too
	must_fail 65 bash -c "printf 'id\tcity\tcreated_at\n1\tx\t\n' | crm-lead update"
	assert_output "crm-lead: stdin:2: lead 1: column 'created_at' is read-only
crm-lead: 1 bad row, nothing updated"
	[ "$(db_query "SELECT group_concat(city) FROM (SELECT city FROM leads ORDER BY id) l")" = 北京,杭州 ]
	# columns that are neither fields nor list columns are still ignored
	run bash -c "printf 'id\tcolour\tcity\n1\t红\t南京\n' | crm-lead update"
	assert_output "crm-lead: updated 1 lead, 1 field"
}

@test "update: a computed score is read-only; without scoring it is a field" {
	two_leads
	run bash -c "printf 'id\tscore\n1\t7\n' | crm-lead update"
	assert_output "crm-lead: updated 1 lead, 1 field"
	cat >score.yaml <<'YAML'
scoring:
  fields:
    - {field: city, value: 北京, points: 10}
YAML
	export CRM_CONFIG=$PWD/score.yaml
	crm-lead rescore >/dev/null
	[ "$(db_query "SELECT group_concat(score) FROM (SELECT score FROM leads ORDER BY id) l")" = 10,0 ]
	run bash -c "crm-lead list --fields id,city,score | crm-lead update"
	assert_output "crm-lead: updated 0 leads, 0 fields"
	must_fail 65 bash -c "printf 'id\tscore\n1\t99\n' | crm-lead update"
	assert_output "crm-lead: stdin:2: lead 1: column 'score' is read-only
crm-lead: 1 bad row, nothing updated"
	must_fail 65 crm-lead update 1 --score 99
	assert_output "crm-lead: update: field 'score' is read-only (computed by the scoring rules)"
	[ "$(db_query "SELECT group_concat(score) FROM (SELECT score FROM leads ORDER BY id) l")" = 10,0 ]
}

@test "update: accounts and contacts check their read-only columns" {
	crm-account add --name Acme >/dev/null
	crm-account add --name Beta --parent 1 >/dev/null
	crm-contact add --name 张三 --account 1 >/dev/null
	run bash -c "crm-account list --fields id,name,parent,parent_name,contacts,lead,created_at | crm-account update"
	assert_output "crm-account: updated 0 accounts, 0 fields"
	run bash -c "crm-contact list | crm-contact update"
	assert_output "crm-contact: updated 0 contacts, 0 fields"
	must_fail 65 bash -c "crm-contact list | sed 's/Acme/Acme Ltd/' | crm-contact update"
	assert_output "crm-contact: stdin:2: contact 1: column 'account_name' is read-only
crm-contact: 1 bad row, nothing updated"
	must_fail 65 bash -c "crm-account list --fields id,contacts | sed '2s/1\$/5/' | crm-account update"
	assert_output "crm-account: stdin:2: account 1: column 'contacts' is read-only
crm-account: 1 bad row, nothing updated"
}

@test "update: a read-only column of a record the actor may not see says nothing about it" {
	crm-user add --login ada --name Ada --role admin >/dev/null
	export CRM_USER=ada
	crm-user add --login rob --name Rob >/dev/null
	crm-user add --login wes --name Wes >/dev/null
	crm-lead add --name x --owner wes >/dev/null
	must_fail 77 bash -c "printf 'id\tcreated_at\n1\tnonsense\n' | CRM_USER=rob crm-lead update"
	assert_output "crm-lead: permission denied: lead 1 is not visible to 'rob'"
}

money_config() {
	cat >crm.yaml <<'YAML'
custom_fields:
  lead:
    - {name: budget, type: money}
  account:
    - {name: revenue, type: money}
  deal:
    - {name: budget, type: money}
YAML
	export CRM_CONFIG=$PWD/crm.yaml
}

@test "money: a custom money field follows the rule of every amount" {
	money_config
	must_fail 65 crm-lead add --name x --set budget=-5
	assert_output "crm-lead: negative amount '-5'"
	must_fail 65 crm-lead add --name x --set budget=-0
	assert_output "crm-lead: negative amount '-0'"
	must_fail 65 crm-lead add --name x --set budget=92233720368547758.08
	assert_output "crm-lead: amount too large '92233720368547758.08'"
	must_fail 65 crm-lead add --name x --set budget=99999999999999999999999.5
	assert_output "crm-lead: amount too large '99999999999999999999999.5'"
	must_fail 65 crm-lead add --name x --set budget=12.345
	assert_output "crm-lead: amount with more than two decimals '12.345'"
	must_fail 65 crm-account add --name x --set revenue=-1
	assert_output "crm-account: negative amount '-1'"
	must_fail 65 crm-account add --name x --set revenue=92233720368547758.08
	assert_output "crm-account: amount too large '92233720368547758.08'"
	must_fail 65 crm-stage add --title t --amount 1 --set budget=-1
	assert_output "crm-stage: budget: negative amount '-1'"
	printf 'title,amount,budget\nA,1,-3\nB,1,92233720368547758.08\n' >d.csv
	must_fail 65 crm-stage import d.csv
	assert_output "crm-stage: d.csv:2: budget: negative amount '-3'
crm-stage: d.csv:3: budget: amount too large '92233720368547758.08'
crm-stage: 2 bad rows, nothing imported"
	[ "$(db_query "SELECT (SELECT count(*) FROM leads) + (SELECT count(*) FROM accounts) + (SELECT count(*) FROM deals)")" = 0 ]
	# what is accepted is stored as all money is
	crm-lead add --name x --set budget='¥1,000.5' >/dev/null
	crm-account add --name x --set revenue=' 7' >/dev/null
	printf 'title,amount,budget\nA,1,1200\n' >ok.csv
	crm-stage import -q ok.csv >/dev/null
	[ "$(db_query "SELECT json_extract(custom, '$.budget') FROM leads")" = 1000.50 ]
	[ "$(db_query "SELECT json_extract(custom, '$.revenue') FROM accounts")" = 7.00 ]
	[ "$(db_query "SELECT json_extract(custom, '$.budget') FROM deals")" = 1200.00 ]
}

@test "money: deal amounts and costs refuse overflow with the value quoted" {
	must_fail 65 crm-stage add --title t --amount 92233720368547758.08
	assert_output "crm-stage: amount too large '92233720368547758.08'"
	must_fail 65 crm-stage add --title t --amount -0
	assert_output "crm-stage: negative amount '-0'"
	must_fail 65 crm-roi cost add --source web --period 2026-02 --amount 1e5
	assert_output "crm-roi: invalid amount '1e5'"
	must_fail 65 crm-roi cost add --source web --period 2026-02 --amount 99999999999999999999
	assert_output "crm-roi: amount too large '99999999999999999999'"
}

@test "csv: formulas in text cells get a leading quote; --csv-raw writes them as stored" {
	crm-lead add --name '=HYPERLINK("http://x")' --phone '+86 138 0013 8000' >/dev/null
	crm-lead add --name "+cmd|' /C calc'!A0" --company '-12.50' >/dev/null
	crm-lead add --name '@SUM(1)' --company 'a=b' >/dev/null
	run crm-lead list -f csv --fields id,name,company,phone,score,created_at
	assert_success
	assert_output "$(printf '%s\r\n' 'id,name,company,phone,score,created_at' \
		"1,\"'=HYPERLINK(\"\"http://x\"\")\",,'+86 138 0013 8000,0,2026-03-02T09:00:00Z" \
		"2,'+cmd|' /C calc'!A0,-12.50,,0,2026-03-02T09:00:00Z" \
		"3,'@SUM(1),a=b,,0,2026-03-02T09:00:00Z")"
	run crm-lead list -f csv --csv-raw --fields id,name,phone
	assert_output "$(printf '%s\r\n' 'id,name,phone' \
		'1,"=HYPERLINK(""http://x"")",+86 138 0013 8000' \
		"2,+cmd|' /C calc'!A0," \
		'3,@SUM(1),')"
	# TSV is for programs: never changed
	[ "$(crm-lead list -H --fields name --limit 1)" = '=HYPERLINK("http://x")' ]
	# a negative figure in a report stays a number
	crm-roi cost add --source web --period 2026-02 --amount 100 -q
	run crm-roi -f csv --since 2026-02-01 --until 2026-02-28
	assert_line --index 1 "$(printf 'web,0,0,,0.00,100.00,inf,inf,0.0000,-1.0000\r')"
}

@test "table: terminal control characters in a cell are shown escaped" {
	crm-lead add --name $'\e]0;pwned\a' --company $'a\xc2\x9b2Jb' --city 北京 >/dev/null
	run crm-lead list -f table --fields id,name,company,city
	assert_success
	assert_output 'id  name              company   city
--  ----------------  --------  ----
 1  \x1b]0;pwned\x07  a\x9b2Jb  北京'
	[[ "$output" != *$'\e'* && "$output" != *$'\a'* && "$output" != *$'\xc2\x9b'* ]]
}
