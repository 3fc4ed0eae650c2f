#!/usr/bin/env bats
# Privacy: forget erases the person everywhere (every record of theirs found
# by link or by phone and e-mail key, titles, notes, audit values, custom
# fields marked personal) so that not even strings(1) on the database and
# its WAL finds them, and crm-privacy export gathers it all for them.

load helper
bats_require_minimum_version 1.5.0

personal_config() {
	export CRM_CONFIG=$BATS_TEST_TMPDIR/crm.yaml
	cat >"$CRM_CONFIG" <<'EOF'
custom_fields:
  lead:
    - {name: wechat_id, type: text, personal: true}
    - {name: budget, type: money}
EOF
}

# Lead 1, 司马相如, imported, with a personal custom field; converted (a
# private customer: account 1 and contact 1 and deal 1 carry the name);
# a task titled with the name and a call logged about him.
sima() {
	personal_config
	crm init -q
	printf 'name\tphone\temail\twechat_id\tbudget\tnotes\n司马相如\t+86 (159) 8765-4321\tSiMa.XiangRu@Example.COM\tsima_wx_777\t5000.00\t喜欢古琴\n' |
		crm-lead import --tsv -q >/dev/null
	crm-lead convert 1 >/dev/null
	crm-task add --lead 1 --title '给司马相如回电话 15987654321' --due 2026-03-05 >/dev/null
	crm-log add --contact 1 --kind call '司马相如 wants a quote at SiMa.XiangRu@Example.COM' >/dev/null
}

# Every stored form of every value, searched in the files themselves.
leaks() {
	local f
	for f in "$CRM_DB" "$CRM_DB-wal" "$CRM_DB-shm"; do
		[ -e "$f" ] && strings "$f"
	done | grep -c -e 司马相如 -e 司马 -e 15987654321 -e '8765-4321' -e '(159)' \
		-e SiMa.XiangRu -e sima.xiangru -e sima_wx_777 -e 喜欢古琴
}

@test "forget a converted lead: every record of the person, none of the values left in the files" {
	sima
	# on PostgreSQL the files are the server's, which keeps old versions
	# of rows until VACUUM (forget says so): only the rows are searched
	on_pg || [ "$(leaks)" -gt 0 ]
	run crm-lead forget 1
	assert_success
	assert_output "entity	id	found_by	erased
lead	1	given	name,phone,email,notes,wechat_id
contact	1	phone	name,phone,email
account	1	phone	name,phone,email
deal	1	link	title
task	1	subject	title
interaction	1	subject	summary$(forget_notice crm-lead)"
	run leaks
	assert_output 0
	# the WAL is emptied after the commit
	[ ! -s "$CRM_DB-wal" ]
	run crm check
	assert_success
	assert_line "audit	ok"
	# what is not personal stays: the budget, the rows, the deal, the task
	run db_query "SELECT custom, status, forgotten_at FROM leads"
	assert_output '{"budget":"5000.00"}|converted|2026-03-02T09:00:00Z'
	run db_query "SELECT t.title, d.title, d.stage, coalesce(i.summary, '-')
		FROM tasks t, deals d, interactions i"
	assert_output "给***回电话 ***|***|contact|-"
	run db_query "SELECT count(*) FROM contacts WHERE forgotten_at IS NOT NULL AND name IS NULL
		UNION ALL SELECT count(*) FROM accounts WHERE forgotten_at IS NOT NULL AND name IS NULL"
	assert_output "1
1"
	run db_query "SELECT entity || ' ' || entity_id FROM audit WHERE action = 'forget' ORDER BY id"
	assert_output "contact 1
account 1
lead 1"
}

@test "forget -n lists the same records and writes nothing" {
	sima
	before=$(db_query "SELECT * FROM leads; SELECT * FROM contacts; SELECT * FROM accounts;
		SELECT * FROM deals; SELECT * FROM tasks; SELECT * FROM interactions; SELECT * FROM audit")
	run crm-contact forget 1 -n
	assert_success
	assert_output "entity	id	found_by	erased
lead	1	phone	name,phone,email,notes,wechat_id
contact	1	given	name,phone,email
account	1	phone	name,phone,email
deal	1	link	title
task	1	subject	title
interaction	1	subject	summary"
	[ "$(db_query "SELECT * FROM leads; SELECT * FROM contacts; SELECT * FROM accounts;
		SELECT * FROM deals; SELECT * FROM tasks; SELECT * FROM interactions; SELECT * FROM audit")" = "$before" ]
}

@test "forget follows the phone and e-mail keys, not a company, and leaves other people alone" {
	crm-lead add --name 王伟 --company 'Acme 有限公司' --phone 13800138000 --email ww@acme.example >/dev/null
	crm-lead add --name 'Wang Wei' --phone '138 0013 8000' >/dev/null
	crm-lead add --name 李娜 --company 'Acme 有限公司' --phone 13700137000 >/dev/null
	crm-contact add --name 'W. Wang' --email WW@acme.example >/dev/null
	crm-lead convert 1 >/dev/null
	run crm-lead forget 2
	assert_success
	assert_output "entity	id	found_by	erased
lead	1	phone	name,phone,email
lead	2	given	name,phone
contact	1	link	name,email
account	1	phone	phone,email$(forget_notice crm-lead)"
	# the contact conversion linked by e-mail; the deal's title is the company's;
	# the company keeps its name and is not forgotten; 李娜 is untouched
	run db_query "SELECT name, coalesce(phone, '-'), coalesce(email, '-'), coalesce(forgotten_at, '-') FROM accounts"
	assert_output "Acme 有限公司|-|-|-"
	run db_query "SELECT name, phone, company, coalesce(forgotten_at, '-') FROM leads WHERE id = 3"
	assert_output "李娜|13700137000|Acme 有限公司|-"
	run db_query "SELECT count(*) FROM audit WHERE old_value LIKE '%13800138000%'
		OR new_value LIKE '%13800138000%' OR new_value LIKE '%acme.example%' OR new_value LIKE '%王伟%'"
	assert_output 0
	[ "$(db_query "SELECT title FROM deals")" = 'Acme 有限公司' ]
	run crm check
	assert_line "audit	ok"
}

@test "forget refuses with 77 when another record of the person is not the actor's, and changes nothing" {
	crm-user add --login ada --name Ada --role admin >/dev/null
	export CRM_USER=ada
	crm-user team add east
	crm-user team add west
	crm-user add --login mia --name Mia --role manager --team east >/dev/null
	crm-user add --login wes --name Wes --team west >/dev/null
	crm-lead add --name 周杰 --phone 13600136000 --owner mia >/dev/null
	crm-contact add --name 周杰 --phone 13600136000 --owner wes >/dev/null
	before=$(db_query "SELECT * FROM leads; SELECT * FROM contacts; SELECT count(*) FROM audit")
	CRM_USER=mia must_fail 77 crm-lead forget 1
	# PostgreSQL's row-level security hides wes's contact from mia: admins only forget there
	if on_pg; then
		assert_output "crm-lead: forget: lead 1: on PostgreSQL only an admin may forget: row-level security hides the person's other records from 'mia'"
	else
		assert_output "crm-lead: forget: lead 1: 1 other record of this person is not yours to change; ask an admin"
	fi
	[ "$(db_query "SELECT * FROM leads; SELECT * FROM contacts; SELECT count(*) FROM audit")" = "$before" ]
	CRM_USER=ada run crm-lead forget 1
	assert_success
	assert_line "contact	1	phone	name,phone"
}

@test "forget: a missing record is 1, a bad id 64, a locked database 69" {
	crm-lead add --name 王伟 --phone 13800138000 >/dev/null
	must_fail 1 crm-lead forget 9
	assert_output "crm-lead: lead 9 not found"
	must_fail 64 crm-lead forget x
	hold_lock 3
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-lead forget 1
	kill "$LOCK_PID" 2>/dev/null || true
	wait "$LOCK_PID" 2>/dev/null || true
	[ "$(db_query "SELECT name FROM leads")" = 王伟 ]
}

@test "export: one JSON document with every kind, found by phone in any form" {
	sima
	run --separate-stderr crm privacy export --phone '159 8765 4321'
	assert_success
	echo "$output" >"$BATS_TEST_TMPDIR/out.json"
	run python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
print(d["asked_for"], *(len(d[k]) for k in ("leads", "contacts", "accounts", "deals", "interactions", "tasks")))
print(d["leads"][0]["name"], d["leads"][0]["custom"]["wechat_id"], d["accounts"][0]["person"], d["tasks"][0]["title"])
print(sorted({(a["entity"], a["field"]) for a in d["audit"] if a["action"] == "create" and a["entity"] != "task"})[:4])
' "$BATS_TEST_TMPDIR/out.json"
	assert_success
	assert_output "[{'phone': '159 8765 4321'}] 1 1 1 1 1 1
司马相如 sima_wx_777 True 给司马相如回电话 15987654321
[('account', 'email'), ('account', 'name'), ('account', 'phone'), ('contact', 'account')]"
	# the same person by e-mail or name, and as text
	run crm-privacy export --email sima.xiangru@example.com
	assert_success
	run crm-privacy export --name '司马 相如' --text
	assert_success
	assert_line --index 0 "Personal data held in crm"
	assert_line "  lead 1"
	assert_line "    custom.wechat_id: sima_wx_777"
	assert_line "    summary: 司马相如 wants a quote at SiMa.XiangRu@Example.COM"
}

@test "export: admins only; bad and missing options; nobody found; a write error" {
	crm-user add --login ada --name Ada --role admin >/dev/null
	CRM_USER=ada crm-user add --login mia --name Mia --role manager >/dev/null
	CRM_USER=ada crm-lead add --name 王伟 --phone 13800138000 >/dev/null
	CRM_USER=mia must_fail 77 crm-privacy export --phone 13800138000
	assert_output "crm-privacy: permission denied: only an admin may export a person's data"
	export CRM_USER=ada
	must_fail 65 crm-privacy export --phone 12ab
	assert_output "crm-privacy: export: invalid phone '12ab'"
	must_fail 65 crm-privacy export --email nobody
	assert_output "crm-privacy: export: invalid e-mail 'nobody'"
	must_fail 64 crm-privacy export
	assert_output "crm-privacy: export: give --phone, --email or --name
Try 'crm-privacy --help'."
	must_fail 64 crm-privacy export --phone 13800138000 -f csv
	must_fail 64 crm-privacy export --phone 13800138000 extra
	must_fail 1 crm-privacy export --email someone@else.example
	assert_output "crm-privacy: export: no record holds this person's data"
	must_fail 74 bash -c 'crm-privacy export --phone 13800138000 >/dev/full'
	assert_output "crm-privacy: write error: No space left on device"
}
