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
	[ "$(sqlite3 "$CRM_DB" "SELECT city FROM leads WHERE id = 2")" = 杭州 ]
	# import too: the BOM does not become part of the first header
	printf '\xef\xbb\xbfname\tcity\n张三\t深圳\n' >bom.tsv
	run crm-lead import -q bom.tsv
	assert_success
	[ "$(sqlite3 "$CRM_DB" "SELECT name || city FROM leads WHERE id = 3")" = 张三深圳 ]
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
	[ "$(sqlite3 "$CRM_DB" "SELECT group_concat(name) FROM leads")" = Wide,Wide ]
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
	[ "$(sqlite3 "$CRM_DB" "SELECT count(*) FROM leads")" = 0 ]
	# the same limit for update
	crm-lead add --name a >/dev/null
	awk 'BEGIN { s = "x"; while (length(s) < 2097152) s = s s
		print "id\tnotes"; print "1\t" s; print "1\tshort" }' >long-update.tsv
	must_fail 65 crm-lead update <long-update.tsv
	assert_output "crm-lead: stdin:2: record longer than 2097152 bytes
crm-lead: 1 bad row, nothing updated"
	[ "$(sqlite3 "$CRM_DB" "SELECT count(*) FROM leads WHERE notes IS NOT NULL")" = 0 ]
}
