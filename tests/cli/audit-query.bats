#!/usr/bin/env bats
# crm audit: the audit rows for an admin, filtered and in id order, as
# TSV, CSV, a table or JSON Lines; crm audit head and verify anchor the
# chain against someone who recomputes it.

load helper

setup_team() {
	crm init -q
	crm-user add --login boss --name Boss --role admin >/dev/null
	export CRM_USER=boss
	crm-user add --login wang --name Wang --role rep >/dev/null
	crm-user add --login mgr --name Mgr --role manager >/dev/null
	crm-lead add --name 张伟 --phone 13812345678 --owner wang >/dev/null
	CRM_NOW=2026-03-05T09:00:00Z crm-lead update 1 --city 上海 >/dev/null
	CRM_NOW=2026-03-06T09:00:00Z crm-account add --name Acme >/dev/null
}

q() { db_query_tsv "$1"; }

@test "no filter: every row in id order, with the columns named" {
	setup_team
	run crm audit
	assert_success
	assert_line --index 0 "id	at	actor	real_actor	tool	entity	entity_id	action	field	old_value	new_value	erased"
	[ "$(crm audit -H | cut -f1 | paste -sd,)" = "$(q "SELECT group_concat(id) FROM (SELECT id FROM audit ORDER BY id) a")" ]
	[ "$(crm audit -H | wc -l)" = "$(q "SELECT count(*) FROM audit")" ]
}

@test "filters: entity and id, actor, tool, field, action, since and until" {
	setup_team
	run crm audit --entity lead --id 1 --field city
	assert_output "id	at	actor	real_actor	tool	entity	entity_id	action	field	old_value	new_value	erased
$(q "SELECT id FROM audit WHERE field = 'city'")	2026-03-05T09:00:00Z	boss	boss	crm-lead	lead	1	update	city		上海	0"
	[ "$(crm audit -H --entity account | wc -l)" = "$(q "SELECT count(*) FROM audit WHERE entity = 'account'")" ]
	[ "$(crm audit -H --entity user --action create | wc -l)" = "$(q "SELECT count(*) FROM audit WHERE entity = 'user' AND action = 'create'")" ]
	[ "$(crm audit -H --tool crm-account | cut -f5 | sort -u)" = crm-account ]
	[ "$(crm audit -H --actor boss | wc -l)" = "$(q "SELECT count(*) FROM audit WHERE actor = 'boss'")" ]
	[ "$(crm audit -H --actor nobody | wc -l)" = 0 ]
	# local dates (Asia/Shanghai): 2026-03-05 starts at 2026-03-04T16:00:00Z
	[ "$(crm audit -H --since 2026-03-05 --until 2026-03-06 | cut -f8,9)" = "update	city" ]
	[ "$(crm audit -H --since 2026-03-06 | cut -f6 | sort -u)" = account ]
	# relative: 7d before CRM_NOW (2026-03-10) is 2026-03-03, after the users and the lead
	CRM_NOW=2026-03-10T09:00:00Z run crm audit -H --since 7d --until 2026-03-10
	assert_success
	[ "$(cut -f2 <<<"$output" | sort -u | paste -sd,)" = "2026-03-05T09:00:00Z,2026-03-06T09:00:00Z" ]
}

@test "formats: csv, table, json lines; erased values are marked" {
	setup_team
	crm-lead forget 1 >/dev/null
	run crm audit --entity lead --field phone -f json
	assert_success
	assert_output "{\"id\":$(q "SELECT id FROM audit WHERE field = 'phone'"),\"at\":\"2026-03-02T09:00:00Z\",\"actor\":\"boss\",\"real_actor\":\"boss\",\"tool\":\"crm-lead\",\"entity\":\"lead\",\"entity_id\":1,\"action\":\"create\",\"field\":\"phone\",\"old_value\":null,\"new_value\":null,\"erased\":1}"
	run bash -c "crm audit --entity lead --field city -f csv | tr -d '\r'"
	assert_line --index 0 "id,at,actor,real_actor,tool,entity,entity_id,action,field,old_value,new_value,erased"
	assert_line --index 1 --regexp '^[0-9]+,2026-03-05T09:00:00Z,boss,boss,crm-lead,lead,1,update,city,,上海,0$'
	run crm audit --entity lead --action forget -f table
	assert_line --index 0 --regexp '^id +at +actor +real_actor +tool +entity +entity_id +action +field +old_value +new_value +erased$'
	# a JSON string escapes quotes, backslashes and control characters
	crm-lead add --name 'a"b\c' --notes "$(printf 'x\ty')" >/dev/null
	run crm audit --entity lead --id 2 --field notes -f json
	assert_output --partial '"new_value":"x\ty"'
	run crm audit --entity lead --id 2 --field name -f json
	assert_output --partial '"new_value":"a\"b\\c"'
	# only crm audit offers json
	must_fail 64 crm-lead list -f json
	assert_output "crm-lead: -f json is not offered by this command
Try 'crm-lead --help'."
}

@test "only an admin reads the audit" {
	setup_team
	for who in wang mgr; do
		CRM_USER=$who must_fail 77 crm audit
		assert_output "crm: permission denied: only an admin may read the audit"
		CRM_USER=$who must_fail 77 crm audit head
		CRM_USER=$who must_fail 77 crm audit verify "1:$(printf '%064d' 0)"
	done
	run crm audit --as boss -H --entity lead --id 1 --field city
	assert_success
}

@test "bad filters: 64 with the value named" {
	setup_team
	must_fail 64 crm audit --since 2026-13-01
	assert_output "crm: invalid date for --since '2026-13-01'
Try 'crm --help'."
	must_fail 64 crm audit --until soon
	assert_output "crm: invalid date for --until 'soon'
Try 'crm --help'."
	must_fail 64 crm audit --entity leads
	assert_output "crm: unknown entity 'leads' (account, article, contact, contract, cost, deal, forecast_snapshot, instalment, interaction, invoice, lead, order, payment, product, quote, reminder, survey, task, team, ticket, user)
Try 'crm --help'."
	must_fail 64 crm audit --id 1
	assert_output "crm: --id needs --entity
Try 'crm --help'."
	must_fail 64 crm audit --entity lead --id 0
	assert_output "crm: invalid --id '0'
Try 'crm --help'."
	must_fail 64 crm audit -f yaml
	must_fail 64 crm audit tail
	assert_output "crm: unknown audit command 'tail'
Try 'crm --help'."
	must_fail 64 crm audit head --entity lead
	must_fail 64 crm audit verify
	must_fail 64 crm audit lead
}

@test "head and verify: ok, a mismatch, a missing row, a recomputed chain" {
	setup_team
	run crm audit head
	assert_success
	n=$(q "SELECT max(id) FROM audit")
	h=$(q "SELECT lower(hex(hash)) FROM audit WHERE id = $n")
	assert_output "id	$n
hash	$h"
	run crm audit verify "$n:$h"
	assert_success
	assert_output "audit	ok
audit_rows	$n
anchor	ok"
	# later rows do not disturb an older anchor
	crm-lead update 1 --city 杭州 >/dev/null
	run crm audit verify "$n:$h"
	assert_success
	# someone alters a row and recomputes every hash after it: check passes,
	# the anchor does not
	fixture_sql "UPDATE audit SET new_value = '北京' WHERE field = 'city' AND new_value = '上海'"
	crm-lead update 1 --city 深圳 >/dev/null
	must_fail 65 crm check
	must_fail 65 crm audit verify "$n:$h"
	assert_line "audit	failed"
	# a wrong hash, a row that is gone, a malformed anchor
	bad=$(printf '%064d' 0)
	must_fail 65 crm audit verify "2:$bad"
	assert_line "crm: $CRM_DB: audit row 2 does not have the anchored hash"
	assert_line "anchor	failed"
	must_fail 65 crm audit verify "999:$h"
	assert_line "crm: $CRM_DB: audit row 999 is missing"
	for a in "$n" "$n:" ":$h" "x:$h" "$n:${h^^}" "$n:${h}0" "0:$h" "1x:$h"; do
		must_fail 64 crm audit verify "$a"
		assert_output "crm: invalid anchor '$a' (ID:HASH as 'crm audit head' prints)
Try 'crm --help'."
	done
}

@test "an empty audit has head 0 and nothing to list" {
	crm init -q
	run crm audit -H
	assert_success
	assert_output ""
	run crm audit head
	assert_output "id	0
hash	"
}

@test "a write error on stdout fails with 74" {
	setup_team
	must_fail 74 bash -c 'crm audit >/dev/full'
	assert_output "crm: write error: No space left on device"
}
