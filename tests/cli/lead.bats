#!/usr/bin/env bats
# crm-lead: add, list, show, update (flags and TSV), tag, disqualify, dupes,
# merge, forget, and every kind of bad input with its message and status.

load helper

HEADER="id	name	company	title	phone	email	region	city	industry	source	campaign	tags	heat	score	status	owner	created_at"

custom_config() {
	cat >crm.yaml <<'EOF'
sources:
  - {id: expo, name: 展会}
  - web
custom_fields:
  lead:
    - {name: budget, type: money, required: true}
    - {name: size, type: enum, values: [small, large]}
EOF
	export CRM_CONFIG=$PWD/crm.yaml
}

three_leads() {
	crm-lead add --name 王伟 --company 北京百度网讯科技有限公司 --phone '138 0013 8000' \
		--email Wang@Example.com --region 北京 --source expo --tags 'vip，expo' --heat hot >/dev/null
	crm-lead add --name 'Li Na' --company Acme --phone 13900139000 --region 上海 \
		--source web --campaign spring >/dev/null
	crm-lead add --name 张三 --company 长江电子 --region 上海 --source web --heat cold >/dev/null
}

@test "add prints the new lead as TSV with canonical values" {
	run crm-lead add --name ' 王伟　' --company 北京百度网讯科技有限公司 --phone '138 0013 8000' \
		--tags 'b，a; b' --heat hot --notes 'met at the expo'
	assert_success
	assert_line --index 0 "$HEADER"
	assert_line --index 1 "1	王伟	北京百度网讯科技有限公司		138 0013 8000							b,a	hot	0	new		2026-03-02T09:00:00Z"
	# the duplicate keys are stored with it
	run db_query "SELECT phone_norm, company_norm, name_norm FROM leads"
	assert_output "13800138000|北京百度网讯科技|王伟"
	# one audit row per value, with the acting user
	run db_query "SELECT actor, action, field, new_value FROM audit ORDER BY id"
	assert_output "tester|create|name|王伟
tester|create|company|北京百度网讯科技有限公司
tester|create|phone|138 0013 8000
tester|create|tags|b,a
tester|create|heat|hot
tester|create|notes|met at the expo"
}

@test "add checks every value and writes nothing on error" {
	must_fail 65 crm-lead add --name x --phone 138-abc
	assert_output "crm-lead: invalid phone '138-abc'"
	must_fail 65 crm-lead add --name x --email 'no-at-sign'
	assert_output "crm-lead: invalid email 'no-at-sign'"
	must_fail 65 crm-lead add --name x --heat boiling
	assert_output "crm-lead: unknown heat level 'boiling'"
	must_fail 65 crm-lead add --name x --owner nobody
	assert_output "crm-lead: unknown user 'nobody'"
	must_fail 65 crm-lead add --title CEO
	assert_output "crm-lead: lead has no name, company, phone or email"
	must_fail 64 crm-lead add --name x --set colour=red
	assert_output "crm-lead: unknown field 'colour'
Try 'crm-lead --help'."
	must_fail 64 crm-lead add --name x --set novalue
	assert_output "crm-lead: --set wants FIELD=VALUE, not 'novalue'
Try 'crm-lead --help'."
	must_fail 64 crm-lead add --name x --fields id
	assert_output "crm-lead: add: --fields does not apply
Try 'crm-lead --help'."
	run db_query "SELECT count(*) FROM leads; SELECT count(*) FROM audit"
	assert_output "0
0"
}

@test "custom fields: declared in the config, checked, required, stored as JSON" {
	custom_config
	must_fail 65 crm-lead add --name x
	assert_output "crm-lead: missing required field 'budget'"
	must_fail 65 crm-lead add --name x --set budget=12abc
	assert_output --partial "'12abc'"
	must_fail 65 crm-lead add --name x --set budget=1 --set size=huge
	must_fail 65 crm-lead add --name x --set budget=1 --source tv
	assert_output "crm-lead: unknown source 'tv'"
	run crm-lead add --name x --set budget=1200 --set size=small --source 展会 -H
	assert_success
	assert_output "1	x								expo				0	new		2026-03-02T09:00:00Z	1200.00	small"
	run db_query "SELECT json_extract(custom, '$.budget'), json_extract(custom, '$.size') FROM leads"
	assert_output "1200.00|small"
	crm-lead update 1 --set size= --set budget=99
	run db_query "SELECT custom FROM leads"
	assert_output '{"budget":"99.00"}'
	must_fail 65 crm-lead update 1 --set budget=
	assert_output "crm-lead: lead 1: budget cannot be empty"
	# money sorts as a number, not as text
	crm-lead add --name y --set budget=1000 >/dev/null
	run crm-lead list -H --fields budget --sort -budget
	assert_output "1000.00
99.00"
}

@test "list filters by status, owner, source, campaign, region, tag, heat and text" {
	three_leads
	crm-lead update 2 --status contacted
	ids() { crm-lead list -H --fields id "$@" | tr '\n' ' '; }
	[ "$(ids)" = "1 2 3 " ]
	[ "$(ids --region 上海)" = "2 3 " ]
	[ "$(ids --status contacted)" = "2 " ]
	[ "$(ids --source web --region 上海)" = "2 3 " ]
	[ "$(ids --campaign spring)" = "2 " ]
	[ "$(ids --tag expo)" = "1 " ]
	[ "$(ids --tag exp)" = "" ]
	[ "$(ids --heat cold)" = "3 " ]
	[ "$(ids --search acm)" = "2 " ]
	[ "$(ids --search 百度)" = "1 " ]
	[ "$(ids --unassigned)" = "1 2 3 " ]
	# names compare as UTF-8 bytes: 王 (e7) > 张 (e5) > L
	[ "$(ids --sort -name --limit 2)" = "1 3 " ]
	[ "$(ids --sort region)" = "2 3 1 " ]	# 上 (e4) < 北 (e5); ties by id
	[ "$(ids --since 2026-03-02 --until 2026-03-03)" = "1 2 3 " ]
	[ "$(ids --since 2026-03-03)" = "" ]
	[ "$(ids --until today)" = "" ]
}

@test "list: default columns, chosen fields, csv and a table aligned by display width" {
	three_leads
	run crm-lead list --region 上海
	assert_success
	assert_line --index 0 "$HEADER"
	assert_line --index 1 "2	Li Na	Acme		13900139000		上海			web	spring			0	new		2026-03-02T09:00:00Z"
	run crm-lead list --fields name,notes,updated_at -f csv --limit 1
	assert_success
	assert_output "$(printf 'name,notes,updated_at\r\n王伟,,2026-03-02T09:00:00Z\r')"
	run crm-lead list --fields id,name,region -f table
	assert_success
	assert_line --index 0 "id  name   region"
	assert_line --index 2 " 1  王伟   北京"
	assert_line --index 3 " 2  Li Na  上海"
}

@test "show: every field, then the history, in sections a script can split" {
	three_leads
	crm-lead update 3 --city 上海 --heat warm
	run crm-lead show 3
	assert_success
	assert_line --index 0 "# lead"
	assert_line --index 1 "$HEADER	notes	updated_at	assigned_at	first_contact_at	last_activity_at	disqualify_reason	claimed_at	created_by	forgotten_at"
	assert_line --index 2 "3	张三	长江电子				上海	上海		web			warm	0	new		2026-03-02T09:00:00Z		2026-03-02T09:00:00Z						tester	"
	assert_line --index 3 "# history"
	assert_line --index 4 "at	actor	tool	action	field	old_value	new_value	merged_from"
	assert_line --index 10 "2026-03-02T09:00:00Z	tester	crm-lead	update	city		上海	"
	assert_line --index 11 "2026-03-02T09:00:00Z	tester	crm-lead	update	heat	cold	warm	"
	# (bats drops the empty line between the sections from lines[])
	[ "$(crm-lead show 3 | sed -n 4p)" = "" ]
	# the sections split with awk: the lead is the 3 lines before the blank one
	[ "$(crm-lead show 3 | awk 'NF == 0 { exit } NR == 3' | cut -f2)" = 张三 ]
	run crm-lead show 3 -f table
	assert_success
	assert_line --index 0 --regexp '^field +value$'
	assert_line --index 4 --regexp '^company +长江电子$'
	assert_line --index 14 --regexp '^heat +warm$'
	must_fail 1 crm-lead show 42
	assert_output "crm-lead: lead 42 not found"
	must_fail 64 crm-lead show x1
	assert_output "crm-lead: invalid lead id 'x1'"
}

@test "update by flags writes only what changed, each with an audit row; -n writes nothing" {
	three_leads
	run crm-lead update 2 --city 上海 --score 5 --region 上海 -n
	assert_success
	assert_output "id	field	old_value	new_value
2	city		上海
2	score	0	5"
	run db_query "SELECT CAST(city IS NULL AS INTEGER), score FROM leads WHERE id = 2"
	assert_output "1|0"
	run crm-lead update 2 --city 上海 --score 5 --region 上海
	assert_success
	assert_output ""
	run db_query "SELECT field, old_value, new_value FROM audit WHERE action = 'update'"
	assert_output "city||上海
score|0|5"
	must_fail 65 crm-lead update 2 --status won
	assert_output "crm-lead: unknown status 'won'"
	must_fail 65 crm-lead update 2 --status ''
	assert_output "crm-lead: lead 2: status cannot be empty"
	must_fail 1 crm-lead update 9 --city x
	assert_output "crm-lead: lead 9 not found"
	must_fail 64 crm-lead update 2
	assert_output "crm-lead: update: nothing to change (give a field option or --set)
Try 'crm-lead --help'."
}

@test "tabs, newlines, backslashes and CJK survive list | update, which changes nothing" {
	crm-lead add --name '王伟' --company $'A\tB\\C 公司' --notes $'第一行\n第二行\\n\t缩进' \
		--title 'back\slash' >/dev/null
	three_leads
	audit=$(db_query "SELECT count(*) FROM audit")
	before=$(db_query "SELECT hex(company), hex(notes), hex(title) FROM leads WHERE id = 1")
	run bash -c "crm-lead list | crm-lead update"
	assert_success
	assert_output "crm-lead: updated 0 leads, 0 fields"
	run bash -c "crm-lead list --fields id,name,company,title,notes,tags,status | crm-lead update"
	assert_output "crm-lead: updated 0 leads, 0 fields"
	[ "$(db_query "SELECT count(*) FROM audit")" = "$audit" ]
	[ "$(db_query "SELECT hex(company), hex(notes), hex(title) FROM leads WHERE id = 1")" = "$before" ]
	# the stored bytes are exactly what was given
	[ "$(db_query "SELECT notes FROM leads WHERE id = 1")" = $'第一行\n第二行\\n\t缩进' ]
}

@test "list | awk -F'\\t' sees one field per column, escapes and all" {
	crm-lead add --name '王伟' --company $'A\tB' --notes $'x\ny' >/dev/null
	run bash -c "crm-lead list --fields id,company,notes,name | awk -F'\t' 'NR > 1 { print NF, \$2, \$3, \$4 }'"
	assert_success
	assert_output '4 A\tB x\ny 王伟'
	# an edit made with awk goes back in
	crm-lead list --fields id,name,city | awk -F'\t' -v OFS='\t' 'NR > 1 { $3 = "上海" } 1' |
		crm-lead update -q
	[ "$(db_query "SELECT city FROM leads")" = 上海 ]
}

@test "update from TSV: id plus any columns, empty cells clear, unknown columns ignored" {
	three_leads
	printf 'colour\tid\tcity\theat\ttags\n红\t1\t北京\t\ta,b\n蓝\t3\t\tcold\t\n' | crm-lead update -n >out
	assert_equal "$(cat out)" "id	field	old_value	new_value
1	city		北京
1	tags	vip,expo	a,b
1	heat	hot	"
	run bash -c "printf 'colour\tid\tcity\theat\ttags\n红\t1\t北京\t\ta,b\n蓝\t3\t\tcold\t\n' | crm-lead update"
	assert_success
	assert_output "crm-lead: updated 1 lead, 3 fields"
	run db_query "SELECT city, CAST(heat IS NULL AS INTEGER), tags FROM leads WHERE id = 1"
	assert_output "北京|1|a,b"
}

@test "update from TSV: every bad row is named and nothing is written" {
	three_leads
	must_fail 65 bash -c "printf 'id\tphone\tcity\n1\t139\tx\n2\t13900139001\ty\n3\t138-abc\tz\nx\t\t\n' | crm-lead update"
	assert_output "crm-lead: stdin:2: invalid phone '139'
crm-lead: stdin:4: invalid phone '138-abc'
crm-lead: stdin:5: invalid lead id 'x'
crm-lead: 3 bad rows, nothing updated"
	must_fail 65 bash -c "printf 'name\tcity\nx\ty\n' | crm-lead update"
	assert_output "crm-lead: stdin:1: missing column 'id'"
	must_fail 1 bash -c "printf 'id\tcity\n9\ty\n' | crm-lead update"
	assert_output "crm-lead: stdin:2: lead 9 not found"
	run db_query "SELECT count(*) FROM leads WHERE city IS NOT NULL"
	assert_output "0"
}

@test "tag, untag and disqualify are audited" {
	three_leads
	crm-lead tag 2 '重点' 'vip，重点'
	crm-lead tag 2 vip
	[ "$(db_query "SELECT tags FROM leads WHERE id = 2")" = "重点,vip" ]
	crm-lead untag 2 重点 nothere
	[ "$(db_query "SELECT tags FROM leads WHERE id = 2")" = "vip" ]
	must_fail 64 crm-lead tag 2
	assert_output "crm-lead: missing tag
Try 'crm-lead --help'."
	must_fail 64 crm-lead disqualify 2
	assert_output "crm-lead: disqualify needs --reason
Try 'crm-lead --help'."
	crm-lead disqualify 2 --reason '没有预算'
	run db_query "SELECT action, field, coalesce(old_value, ''), coalesce(new_value, '') FROM audit
		WHERE entity_id = 2 AND action != 'create' ORDER BY id"
	assert_output "tag|tags||重点,vip
untag|tags|重点,vip|vip
disqualify|status|new|disqualified
disqualify|disqualify_reason||没有预算"
	run crm-lead list --status disqualified --fields id,disqualify_reason -H
	assert_output "2	没有预算"
}

@test "dupes groups leads by normalised phone, e-mail, or company and name" {
	crm-lead add --name 王伟 --company 北京百度网讯科技有限公司 --phone 13800138000 >/dev/null
	crm-lead add --name 'Wang Wei' --phone '+86 138-0013-8000' --email w@x.cn >/dev/null
	crm-lead add --name '王 伟' --company '北京百度网讯科技（北京）有限公司' >/dev/null
	crm-lead add --name Other --email W@X.CN >/dev/null
	crm-lead add --name Alone --phone 13911112222 >/dev/null
	run crm-lead dupes
	assert_success
	assert_output "group	id	name	company	phone	email	match
1	1	王伟	北京百度网讯科技有限公司	13800138000		phone
1	2	Wang Wei		+86 138-0013-8000	w@x.cn	phone
2	1	王伟	北京百度网讯科技有限公司	13800138000		company+name
2	3	王 伟	北京百度网讯科技（北京）有限公司			company+name
3	2	Wang Wei		+86 138-0013-8000	w@x.cn	email
3	4	Other			W@X.CN	email"
}

@test "merge fills KEEP's gaps from DUP, unites tags, re-points references but not the audit, deletes DUP" {
	crm-lead add --name 王伟 --phone 13800138000 --tags a --region 北京 >/dev/null
	crm-lead add --name 'Wang Wei' --phone 13800138000 --email w@x.cn --tags b,a --region 上海 \
		--notes 'dup notes' >/dev/null
	crm-log add --lead 2 --kind call --at 2026-03-01T00:00:00Z called -q </dev/null
	crm-task add --lead 2 --title 'call back' --due 2026-03-05 -q
	# no tool writes a release of a lead to the pool
	fixture_sql "INSERT INTO pool_events (lead_id, action, at) VALUES (2, 'release', '2026-03-01T00:00:00Z')"
	run crm-lead merge 1 2 -n
	assert_success
	assert_output "id	field	old_value	new_value
1	email		w@x.cn
1	tags	a	a,b
1	notes		dup notes
2	merged_into		1"
	[ "$(db_query "SELECT count(*) FROM leads")" = 2 ]
	crm-lead merge 1 2
	run db_query "SELECT id, name, email, tags, region, notes FROM leads"
	assert_output "1|王伟|w@x.cn|a,b|北京|dup notes"
	run db_query "SELECT (SELECT subject_id FROM interactions), (SELECT subject_id FROM tasks),
		(SELECT lead_id FROM pool_events)"
	assert_output "1|1|1"
	# audit rows are never re-pointed: DUP's history and its snapshot stay
	# on DUP's id, the merge is recorded on both (merge-history.bats)
	run db_query "SELECT json_extract(old_value, '$.name'), new_value FROM audit
		WHERE entity_id = 2 AND action = 'merge'"
	assert_output "Wang Wei|1"
	run db_query "SELECT entity_id, count(*) FROM audit WHERE action = 'create' AND field = 'notes' GROUP BY 1"
	assert_output "2|1"
	must_fail 1 crm-lead merge 1 2
	assert_output "crm-lead: lead 2 not found"
	must_fail 64 crm-lead merge 1 1
	assert_output "crm-lead: merge: lead 1 cannot be merged into itself
Try 'crm-lead --help'."
}

@test "forget erases personal data, keys, interaction summaries and audit values" {
	crm-lead add --name 王伟 --company Acme --phone 13800138000 --email w@x.cn --notes 秘密 \
		--source expo --region 北京 >/dev/null
	crm-lead update 1 --phone 13900139000
	crm-log add --lead 1 --kind call --at 2026-03-01T00:00:00Z --next 再打 聊了预算 -q </dev/null
	run crm-lead forget 1 -n
	assert_output "entity	id	found_by	erased
lead	1	given	name,phone,email,notes
interaction	1	subject	summary,next_step"
	[ "$(db_query "SELECT name || phone || email || notes FROM leads")" = 王伟13900139000w@x.cn秘密 ]
	crm-lead forget 1
	run db_query "SELECT coalesce(name, '-'), coalesce(phone, '-'), coalesce(email, '-'),
		coalesce(notes, '-'), coalesce(phone_norm, coalesce(email_norm, coalesce(name_norm, '-'))),
		company, source, region, forgotten_at FROM leads"
	assert_output "-|-|-|-|-|Acme|expo|北京|2026-03-02T09:00:00Z"
	run db_query "SELECT coalesce(summary, '-'), coalesce(next_step, '-') FROM interactions"
	assert_output "-|-"
	# no personal value is left in the audit trail; the company stays
	run db_query "SELECT count(*) FROM audit WHERE old_value LIKE '%138%' OR new_value LIKE '%139%'
		OR new_value IN ('王伟', 'w@x.cn', '秘密')"
	assert_output "0"
	run db_query "SELECT action, coalesce(field, '-'), coalesce(new_value, '-') FROM audit ORDER BY id DESC LIMIT 1"
	assert_output "forget|-|-"
	[ "$(db_query "SELECT new_value FROM audit WHERE field = 'company'")" = Acme ]
}

@test "a write error on stdout fails with 74" {
	three_leads
	must_fail 74 bash -c 'crm-lead list >/dev/full'
	assert_output "crm-lead: write error: No space left on device"
}

@test "bad option values: dates, fields, statuses, formats" {
	three_leads
	must_fail 64 crm-lead list --since 2026-13-45
	assert_output "crm-lead: invalid date for --since '2026-13-45'
Try 'crm-lead --help'."
	must_fail 64 crm-lead list --until yesteryear
	assert_output "crm-lead: invalid date for --until 'yesteryear'
Try 'crm-lead --help'."
	must_fail 64 crm-lead list --fields id,bogus
	assert_output "crm-lead: unknown field 'bogus' in --fields
Try 'crm-lead --help'."
	must_fail 64 crm-lead list --sort -bogus
	assert_output "crm-lead: unknown field 'bogus' in --sort
Try 'crm-lead --help'."
	must_fail 64 crm-lead list --status won
	assert_output "crm-lead: unknown status 'won'
Try 'crm-lead --help'."
	must_fail 64 crm-lead list --limit -3
	assert_output "crm-lead: invalid number for --limit '-3'
Try 'crm-lead --help'."
	must_fail 64 crm-lead list -f xml
	must_fail 65 crm-lead list --owner ghost
	assert_output "crm-lead: unknown user 'ghost'"
	must_fail 64 crm-lead frobnicate
	assert_output "crm-lead: unknown command 'frobnicate'
Try 'crm-lead --help'."
}

@test "bad values: invalid UTF-8, huge fields" {
	must_fail 65 crm-lead add --name $'\xe7\x8e'
	assert_output "crm-lead: invalid UTF-8 in name"
	big=$(head -c 300 /dev/zero | tr '\0' x)
	must_fail 65 crm-lead add --name "$big"
	assert_output "crm-lead: too long (300 bytes, at most 200) '$(head -c 80 /dev/zero | tr '\0' x)...'"
	huge=$(head -c 70000 /dev/zero | tr '\0' y)
	must_fail 65 crm-lead add --name x --notes "$huge"
	assert_output --partial "crm-lead: too long (70000 bytes, at most 65536) 'yyyy"
	[ "$(db_query "SELECT count(*) FROM leads")" = 0 ]
}

@test "bad TSV on stdin: wrong field count, invalid UTF-8, NUL bytes, CRLF" {
	three_leads
	must_fail 65 bash -c "printf 'id\tcity\n1\n2\tx\ty\n' | crm-lead update"
	assert_output "crm-lead: stdin:2: expected 2 fields, got 1
crm-lead: stdin:3: expected 2 fields, got 3
crm-lead: 2 bad rows, nothing updated"
	must_fail 65 bash -c "printf 'id\tcity\n1\t\xff\xfe\n' | crm-lead update"
	assert_output "crm-lead: stdin:2: invalid UTF-8 in column 'city'
crm-lead: 1 bad row, nothing updated"
	must_fail 65 bash -c "printf 'id\tcity\n1\tx\0y\n' | crm-lead update"
	assert_output "crm-lead: stdin:2: NUL byte
crm-lead: 1 bad row, nothing updated"
	must_fail 65 bash -c "printf 'id\tcity\r\n1\tx\r\n' | crm-lead update"
	assert_output "crm-lead: stdin:1: CR at end of line (convert CRLF with dos2unix)"
	must_fail 65 bash -c "crm-lead update </dev/null"
	assert_output "crm-lead: stdin: empty input"
	[ "$(db_query "SELECT count(*) FROM leads WHERE city IS NOT NULL")" = 0 ]
}

@test "a locked database: 69 after the busy timeout, nothing written" {
	crm-lead list >/dev/null
	hold_lock 5
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-lead add --name x
	assert_output "crm-lead: $CRM_DB: cannot start transaction: database is locked (busy timeout expired)"
	# readers are not held up by a writer (WAL)
	CRM_BUSY_TIMEOUT=100 run crm-lead list
	assert_success
	kill "$LOCK_PID"
	wait "$LOCK_PID" 2>/dev/null || true
	[ "$(db_query "SELECT count(*) FROM leads")" = 0 ]
}

@test "a missing config is 66, a bad one 78" {
	must_fail 66 crm-lead -c /nonexistent list
	assert_output "crm-lead: /nonexistent: No such file or directory"
	printf 'heat: [hot, hot]\n' >bad.yaml
	must_fail 78 crm-lead -c bad.yaml list
	assert_output "crm-lead: bad.yaml:1:13: duplicate heat level 'hot'"
	CRM_CONFIG=bad.yaml must_fail 78 crm-lead add --name x
}

@test "--complete lists subcommands, fields, statuses, sources, heat and owners" {
	custom_config
	run crm-lead --complete=subcommands
	assert_line --index 0 add
	assert_line --index 10 forget
	run crm-lead --complete=statuses
	assert_output "new
contacted
qualified
converted
disqualified"
	run crm-lead --complete=sources
	assert_output "expo
web"
	run crm-lead --complete=heat
	assert_output "hot
warm
cold"
	run crm-lead --complete=fields
	assert_line budget
	assert_line notes
	crm-user add --login root --name Root --role admin >/dev/null
	CRM_USER=root run crm-lead --complete=owners
	assert_output "root"
}
