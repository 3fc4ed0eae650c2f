#!/usr/bin/env bats
# crm-lead import: header aliases, bad rows (all or nothing, or --skip-bad
# with a reject file), duplicates and their policies, ids on stdout,
# concurrent imports, an import killed half-way, and bad files.

load helper
bats_require_minimum_version 1.5.0

GEN=$TOP/bench/gen-leads.sh

# gen_bad N: N generated leads as leads.csv, with three bad rows, at file
# lines 102 (phone), 250 (e-mail) and 400 (no name, company, phone, email).
# (Every 50th generated company holds a comma: those rows are left alone.)
gen_bad() {
	DUPS=0 sh "$GEN" "$1" | awk -F, -v OFS=, '
		NR == 102 { $4 = "138-abc" }
		NR == 250 { $5 = "wang@@example" }
		NR == 400 { $1 = ""; $2 = "\"\""; $4 = ""; $5 = "" }
		{ print }' >leads.csv
}

count() { db_query "SELECT count(*) FROM leads"; }

@test "a CSV with Chinese headers imports with no flags; ids go to stdout" {
	run --separate-stderr crm-lead import "$FIXTURES/leads-expo.csv"
	assert_success
	assert_output "id
1
2
3
4"
	[ "$stderr" = "crm-lead: $FIXTURES/leads-expo.csv:7: duplicate of line 2 (same phone), skipped
crm-lead: imported 4, duplicates 1, rejected 0" ]
	run crm-lead list -H --fields name,company,title,phone,email,region,city,industry,source,notes
	assert_line --index 0 "王伟	北京百度网讯科技有限公司	采购经理	138 0013 8000	wang@example.com	北京	北京	软件	展会	"
	# a quoted field with a comma and one over two lines (CRLF kept) come through
	assert_line --index 1 '李娜	长江电子有限公司, 上海分公司	工程师	13900139000	lina@example.cn	上海	上海	电子		第一行\r\n第二行'
	# one audit row for the batch, not one per lead
	run db_query "SELECT entity, coalesce(CAST(entity_id AS TEXT), '-'), action, new_value FROM audit"
	assert_output "lead|-|import|4 leads, ids 1-4, from $FIXTURES/leads-expo.csv"
}

@test "500 rows with 3 bad ones: exit 65, every bad line named, nothing written" {
	gen_bad 499
	[ "$(wc -l <leads.csv)" -eq 500 ]
	must_fail 65 crm-lead import leads.csv
	assert_output "crm-lead: leads.csv:102: invalid phone '138-abc'
crm-lead: leads.csv:250: invalid email 'wang@@example'
crm-lead: leads.csv:400: lead has no name, company, phone or email
crm-lead: 3 bad rows, nothing imported"
	[ "$(count)" -eq 0 ]
	[ "$(db_query "SELECT count(*) FROM audit")" -eq 0 ]
}

@test "--skip-bad imports the good rows and rejects the bad ones unchanged, with an error column" {
	gen_bad 499
	run --separate-stderr crm-lead import --skip-bad --reject rejected.csv leads.csv
	assert_success
	[ "$stderr" = "crm-lead: imported 496, duplicates 0, rejected 3" ]
	[ "${#lines[@]}" -eq 497 ]		# the header and 496 ids
	[ "$(count)" -eq 496 ]
	# the reject file: the header, then each bad row with the values it had,
	# plus its error (compared as CSV: quoting may differ, values may not)
	python3 - leads.csv rejected.csv <<'PY'
import csv, sys
src = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
rej = list(csv.reader(open(sys.argv[2], newline='', encoding='utf-8')))
want = [src[0] + ['error'],
        src[101] + ["invalid phone '138-abc'"],
        src[249] + ["invalid email 'wang@@example'"],
        src[399] + ['lead has no name, company, phone or email']]
assert rej == want, (rej, want)
PY
	# without --reject they go to stderr
	fresh_db
	run --separate-stderr crm-lead import --skip-bad -q leads.csv
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 4 ]
	printf '%s\n' "$stderr" | sed -n 2p | grep -q "u101@example.com,.*,invalid phone '138-abc'"$'\r'"$"
}

@test "500 generated rows import in full and match the file" {
	DUPS=0 sh "$GEN" 500 >leads.csv
	crm-lead import -q leads.csv >ids.tsv
	[ "$(count)" -eq 500 ]
	[ "$(sed -n '2p;$p' ids.tsv | tr '\n' ' ')" = "1 500 " ]
	# the phones and cities, compared with awk's reading of the file (counted
	# from the end: some companies hold a comma)
	crm-lead list -H --fields phone,city >got.tsv
	awk -F, 'NR > 1 { print $(NF - 6) "\t" $(NF - 3) }' leads.csv >want.tsv
	cmp got.tsv want.tsv
}

@test "--source and --campaign fill rows that lack them; --map names columns" {
	printf 'Full Name,Cell,来源,Booth\nAnn,13800000001,web,A1\nBen,13800000002,,B2\n' >in.csv
	run --separate-stderr crm-lead import --source expo --campaign fair-2026 \
		--map 'Cell=phone,Booth=notes' in.csv
	assert_success
	run crm-lead list -H --fields name,phone,source,campaign,notes
	assert_output "Ann	13800000001	web	fair-2026	A1
Ben	13800000002	expo	fair-2026	B2"
	must_fail 64 crm-lead import --map 'Cell=mobile' in.csv
	assert_output "crm-lead: unknown field 'mobile' in --map
Try 'crm-lead --help'."
	must_fail 65 crm-lead import --map 'Handy=phone' in.csv
	assert_output "crm-lead: in.csv: ignoring column 'Cell'
crm-lead: in.csv: ignoring column 'Booth'
crm-lead: in.csv:1: no column 'Handy' (named in --map)"
}

@test "TSV by extension or --tsv, CSV by --csv, stdin when no file" {
	printf 'name\tphone\tnotes\n王伟\t13800000001\ta\\tb\n' >a.tsv
	printf 'name,phone\nAnn,13800000002\n' >b.txt
	crm-lead import -q a.tsv >/dev/null
	crm-lead import -q --csv b.txt >/dev/null
	printf 'name\tphone\nCat\t13800000003\n' | crm-lead import -q >/dev/null
	run crm-lead list -H --fields name,notes
	assert_output '王伟	a\tb
Ann	
Cat	'
	[ "$(db_query "SELECT notes FROM leads WHERE id = 1")" = $'a\tb' ]
	must_fail 64 crm-lead import --csv --tsv b.txt
}

@test "duplicates against the database and within the file, with each policy" {
	crm-lead add --name 王伟 --phone 13800138000 --email wang@example.com >/dev/null
	printf 'name,phone,email,company,city\n' >d.csv
	printf 'Wang,+86 138 0013 8000,,,上海\n' >>d.csv			# line 2: lead 1 by phone
	printf 'Ann,13900000001,ann@example.com,Acme,\n' >>d.csv		# line 3: new
	printf 'Ann B,,ANN@example.com,,北京\n' >>d.csv				# line 4: line 3 by email
	printf 'ann,13900000009,,ACME Inc.,\n' >>d.csv				# line 5: line 3 by company+name
	cp d.csv d0.csv
	run --separate-stderr crm-lead import d.csv
	assert_success
	[ "$stderr" = "crm-lead: d.csv:2: duplicate of lead 1 (same phone), skipped
crm-lead: d.csv:4: duplicate of line 3 (same email), skipped
crm-lead: d.csv:5: duplicate of line 3 (same company and name), skipped
crm-lead: imported 1, duplicates 3, rejected 0" ]
	assert_output "id
3"
	[ "$(count)" -eq 2 ]

	fresh_db
	crm-lead add --name 王伟 --phone 13800138000 --email wang@example.com >/dev/null
	must_fail 65 crm-lead import --on-duplicate error d.csv
	assert_output "crm-lead: d.csv:2: duplicate of lead 1 (same phone)
crm-lead: d.csv:4: duplicate of line 3 (same email)
crm-lead: d.csv:5: duplicate of line 3 (same company and name)
crm-lead: 3 duplicates, nothing imported"
	[ "$(count)" -eq 1 ]

	run --separate-stderr crm-lead import --on-duplicate allow -q d.csv
	[ "$(count)" -eq 5 ]

	fresh_db
	crm-lead add --name 王伟 --phone 13800138000 --email wang@example.com >/dev/null
	run --separate-stderr crm-lead import --on-duplicate update d.csv
	assert_success
	[ "$(printf '%s\n' "$stderr" | sed -n 1p)" = "crm-lead: d.csv:2: duplicate of lead 1 (same phone), merged" ]
	# lead 1 takes the row's non-empty values; line 3's lead takes lines 4 and 5
	run db_query "SELECT id, name, phone, coalesce(email, '-'), coalesce(company, '-'), coalesce(city, '-') FROM leads"
	assert_output "1|Wang|+86 138 0013 8000|wang@example.com|-|上海
3|ann|13900000009|ANN@example.com|ACME Inc.|北京"
	run db_query "SELECT entity_id, action, field, old_value, new_value FROM audit WHERE action = 'import' AND field = 'city'"
	assert_output "1|import|city||上海
3|import|city||北京"
	cmp d.csv d0.csv
}

@test "-n checks and reports but writes nothing and prints no ids" {
	crm-lead add --name 王伟 --phone 13800138000 >/dev/null
	printf 'name,phone\nWang,13800138000\nAnn,13900000001\n' >d.csv
	run --separate-stderr crm-lead import -n d.csv
	assert_success
	assert_output ""
	[ "$stderr" = "crm-lead: d.csv:2: duplicate of lead 1 (same phone), skipped
crm-lead: would import 1, duplicates 1, rejected 0" ]
	[ "$(count)" -eq 1 ]
}

@test "ids on stdout pipe into another tool; -q keeps stderr quiet" {
	DUPS=0 sh "$GEN" 20 >leads.csv
	crm-lead list >/dev/null	# both ends would create the database at once
	run --separate-stderr bash -c "crm-lead import -q leads.csv | crm-lead update -q"
	assert_success
	[ -z "$stderr" ]
	run bash -c "crm-lead import -q -H leads.csv 2>/dev/null | wc -l"
	assert_output "0"	# all duplicates now, and no header
}

@test "two imports started together both succeed" {
	sh "$GEN" 3000 1 >a.csv
	sh "$GEN" 3000 2 >b.csv
	crm-lead list >/dev/null
	crm-lead import -q --on-duplicate allow a.csv >a.ids 2>a.err &
	pa=$!
	crm-lead import -q --on-duplicate allow b.csv >b.ids 2>b.err &
	pb=$!
	wait "$pa"
	wait "$pb"
	[ ! -s a.err ] && [ ! -s b.err ]
	[ "$(count)" -eq 6000 ]
	# each got its own ids, one block each
	[ "$(sort -u a.ids b.ids | grep -vc id)" -eq 6000 ]
	run crm check
	assert_success
}

@test "an import killed half-way leaves all or none of its rows" {
	sh "$GEN" 300000 >big.csv
	crm-lead list >/dev/null
	idx=$(indexes leads)
	on_pg || [ "$idx" -eq 10 ]	# PostgreSQL counts its primary key's too
	crm-lead import -q big.csv >/dev/null 2>&1 &
	pid=$!
	# wait until it has written a fair part of the load, then kill it
	for i in $(seq 100); do
		[ "$(stat -c %s "$CRM_DB-wal" 2>/dev/null || echo 0)" -gt 4000000 ] && break
		sleep 0.05
	done
	kill -9 "$pid"
	wait "$pid" || true
	n=$(count)
	[ "$n" -eq 0 ] || [ "$n" -eq "$(db_query "SELECT max(id) FROM leads")" ]
	run crm check
	assert_success
	# the indexes are all there either way
	[ "$(indexes leads)" -eq "$idx" ]
	# and the next import works
	DUPS=0 sh "$GEN" 10 3 | crm-lead import -q --csv --on-duplicate allow >/dev/null
}

@test "a rep's imported leads are their own; a rep may not import for others" {
	crm-user add --login root --name Root --role admin >/dev/null
	export CRM_USER=root
	crm-user add --login rita --name Rita >/dev/null
	crm-user add --login sam --name Sam >/dev/null
	printf 'name,phone\nAnn,13900000001\n' >a.csv
	crm-lead import -q --as rita a.csv >/dev/null
	[ "$(db_query "SELECT u.login FROM leads l JOIN users u ON u.id = l.owner_id")" = rita ]
	printf 'name,phone,owner\nBen,13900000002,sam\n' >b.csv
	must_fail 77 crm-lead import --as rita b.csv
	assert_output "crm-lead: permission denied: 'rita' may not change b.csv:2: leads of 'sam'"
	[ "$(count)" -eq 1 ]
}

@test "bad files: malformed CSV, wrong field counts, invalid UTF-8, NUL, huge fields" {
	printf '姓名,公司,手机\n王伟,"Acme,13800138000\n' >m.csv
	must_fail 65 crm-lead import m.csv
	assert_output "crm-lead: m.csv:2: malformed CSV: error parsing data while strict checking enabled
crm-lead: 1 bad row, nothing imported"
	printf '姓名,公司,手机\n王伟,Acme\n张三,B,13900139000,x\n李四,\xff,13700137000\n赵六,x\0y,13600136000\n' >w.csv
	must_fail 65 crm-lead import w.csv
	assert_output "crm-lead: w.csv:2: expected 3 fields, got 2
crm-lead: w.csv:3: expected 3 fields, got 4
crm-lead: w.csv:4: invalid UTF-8 in column '公司'
crm-lead: w.csv:5: NUL byte
crm-lead: 4 bad rows, nothing imported"
	{ printf 'name,notes\nx,'; head -c 100000 /dev/zero | tr '\0' n; printf '\n'; } >h.csv
	must_fail 65 crm-lead import h.csv
	assert_output "crm-lead: h.csv:2: too long (100000 bytes, at most 65536) '$(head -c 80 /dev/zero | tr '\0' n)...'
crm-lead: 1 bad row, nothing imported"
	[ "$(count)" -eq 0 ]
}

@test "bad invocations: missing file, unmapped or doubled columns, options" {
	must_fail 66 crm-lead import nosuch.csv
	assert_output "crm-lead: nosuch.csv: No such file or directory"
	printf 'foo,bar\n1,2\n' >n.csv
	must_fail 65 crm-lead import -q n.csv
	assert_output "crm-lead: n.csv:1: no column names a lead field"
	printf '姓名,name\n1,2\n' >d.csv
	must_fail 65 crm-lead import d.csv
	assert_output "crm-lead: d.csv:1: columns '姓名' and 'name' both give 'name'"
	must_fail 64 crm-lead import --on-duplicate merge d.csv
	assert_output "crm-lead: unknown --on-duplicate policy 'merge' (skip, update, error, allow)
Try 'crm-lead --help'."
	must_fail 64 crm-lead import --reject r.csv d.csv
	assert_output "crm-lead: --reject goes with --skip-bad
Try 'crm-lead --help'."
	must_fail 73 crm-lead import --skip-bad --reject /nonexistent/dir/r.csv d.csv
	assert_output "crm-lead: cannot create '/nonexistent/dir/r.csv': No such file or directory"
	must_fail 65 crm-lead import --source '' --campaign "$(head -c 300 /dev/zero | tr '\0' c)" d.csv
	assert_output --partial "crm-lead: too long (300 bytes, at most 200)"
	[ "$(count)" -eq 0 ]
}
