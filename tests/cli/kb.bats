#!/usr/bin/env bats
# crm-kb: the knowledge base (articles, their audited edits, publishing and
# import), its full-text search in English and Chinese, suggestions for a
# ticket, links to tickets, and the search of tickets and notes, each only
# as far as the actor may see.

bats_require_minimum_version 1.5.0
load helper

# admin ada, manager mia; reps rob (east) and wes (west)
setup_people() {
	crm-user add --login ada --name Ada --role admin >/dev/null
	export CRM_USER=ada
	crm-user team add east
	crm-user team add west
	crm-user add --login mia --name Mia --role manager --team east >/dev/null
	crm-user add --login rob --name Rob --team east >/dev/null
	crm-user add --login wes --name Wes --team west >/dev/null
}

# ticket ID OWNER SUBJECT BODY: a ticket put straight in (crm-ticket is
# another tool's); OWNER a login or "" for none.
ticket() {
	local owner=NULL
	[ -n "$2" ] && owner="(SELECT id FROM users WHERE login = '$2')"
	fixture_sql "INSERT INTO tickets (id, number, subject, body, owner_id, created_at, updated_at)
		VALUES ($1, 'T-$(printf %06d "$1")', '$3', '$4', $owner, '$CRM_NOW', '$CRM_NOW')"
}

@test "kb add: a draft from --body, --file or stdin; --publish; printed as list prints it" {
	run crm-kb add --title "Printer jams" --body "Open tray 2." --tags "hw, printer,hw"
	assert_success
	assert_output "$(printf 'id\ttitle\tstatus\tformat\ttags\tauthor\tupdated_at\n1\tPrinter jams\tdraft\ttext\thw,printer\t\t%s' "$CRM_NOW")"
	printf '# Reset\n\nHold *reset* for 10 s.\n' >reset.md
	run crm-kb add -H --title Reset --file reset.md --text-format markdown --publish
	assert_output "$(printf '2\tReset\tpublished\tmarkdown\t\t\t%s' "$CRM_NOW")"
	[ "$(db_query "SELECT body FROM kb_articles WHERE id = 2")" = "$(cat reset.md)" ]
	run crm-kb add -H --title 从标准输入 <<<"正文"
	assert_output --partial $'3\t从标准输入\tdraft'
	[ "$(db_query "SELECT body FROM kb_articles WHERE id = 3")" = 正文 ]
	# one create row for each value
	[ "$(db_query "SELECT count(*) FROM audit WHERE entity = 'article' AND entity_id = 2 AND action = 'create'")" = 4 ]
}

@test "kb add: bad input refused with the value, nothing written" {
	before=$(fingerprint)
	must_fail 64 crm-kb add --body x
	assert_output --partial "add needs --title"
	must_fail 65 crm-kb add --title T --body "   "
	assert_output "crm-kb: an article needs a body"
	must_fail 65 crm-kb add --title T --body x --text-format html
	assert_output "crm-kb: unknown format 'html' (text or markdown)"
	must_fail 65 crm-kb add --title "$(printf 'a%.0s' $(seq 501))" --body x
	assert_output "crm-kb: title too long (501 bytes, at most 500)"
	must_fail 66 crm-kb add --title T --file nowhere.txt
	must_fail 64 crm-kb add --title T --body x --file y
	[ "$(fingerprint)" = "$before" ]
}

@test "kb edit: from a file, audited field by field; an unchanged field writes nothing" {
	crm-kb add --title Old --body "old body" --tags a >/dev/null
	printf 'new body\nline 2\n' >body.txt
	run crm-kb edit 1 --title New --file body.txt --tags a
	assert_success
	assert_output --partial $'1\tNew\tdraft'
	run db_query_tsv "SELECT field, old_value, new_value FROM audit WHERE entity = 'article'
		AND action = 'update' ORDER BY id"
	assert_output "$(printf 'title\tOld\tNew\nbody\told body\tnew body\nline 2\n')"
	run crm-kb show 1
	assert_output --partial "$(printf '# body\nnew body\nline 2\n')"
	assert_output --partial $'update\ttitle\tOld\tNew'
	# clearing the tags
	crm-kb edit 1 --tags "" -q
	[ "$(db_query "SELECT CAST(tags IS NULL AS INTEGER) FROM kb_articles")" = 1 ]
	must_fail 64 crm-kb edit 1
	must_fail 1 crm-kb edit 9 --title x
	assert_output "crm-kb: no such article 9"
}

@test "kb publish, unpublish, list --status --tag, show" {
	crm-kb add --title A --body a --tags x,y >/dev/null
	crm-kb add --title B --body b --tags yy >/dev/null
	run crm-kb publish 1 -H
	assert_output --partial $'1\tA\tpublished'
	run crm-kb list --status published -H
	assert_output --partial $'1\tA'
	refute_output --partial $'2\tB'
	run crm-kb list --tag y -H
	assert_output --partial $'1\tA'
	refute_output --partial $'2\tB'
	crm-kb unpublish 1 -q
	run crm-kb list --status draft -H
	[ "${#lines[@]}" = 2 ]
	run crm-kb show 1
	assert_line --index 0 "# article"
	assert_output --partial $'status\tdraft'
	assert_output --partial $'update\tstatus\tpublished\tdraft'
	must_fail 64 crm-kb list --status gone
	# -n shows and writes nothing
	before=$(fingerprint)
	run crm-kb publish 2 -n -H
	assert_output --partial $'2\tB\tpublished'
	run crm-kb add -n -H --title C --body c
	assert_output --partial $'3\tC\tdraft'
	crm-kb edit 1 -n -q --title changed
	[ "$(fingerprint)" = "$before" ]
}

@test "kb permissions: reps add and edit their own drafts, read published articles only" {
	setup_people
	CRM_USER=mia crm-kb add --title Published --body p --publish -q
	CRM_USER=mia crm-kb add --title "Mia's draft" --body d -q
	CRM_USER=rob crm-kb add --title "Rob's draft" --body r -q
	must_fail 77 env CRM_USER=rob crm-kb add --title X --body x --publish
	run env CRM_USER=rob crm-kb list -H
	assert_output --partial $'1\tPublished'
	refute_output --partial "Mia's draft"
	assert_output --partial $'3\tRob\'s draft\tdraft\ttext\t\trob'
	must_fail 1 env CRM_USER=rob crm-kb show 2
	must_fail 1 env CRM_USER=wes crm-kb edit 3 --title mine
	CRM_USER=rob crm-kb edit 3 --title "Rob's own" -q
	must_fail 77 env CRM_USER=rob crm-kb edit 1 --title x
	must_fail 77 env CRM_USER=rob crm-kb publish 3
	must_fail 77 env CRM_USER=rob crm-kb search --all draft
	CRM_USER=mia crm-kb publish 3 -q
	# published, the author may no longer change it alone
	must_fail 77 env CRM_USER=rob crm-kb edit 3 --title again
	run env CRM_USER=wes crm-kb list -H
	[ "${#lines[@]}" = 2 ]
}

@test "kb import: all or nothing, --skip-bad with a reject file" {
	printf 'title,body,tags,status,format\n甲,正文一,a,published,\n乙,正文二,,,markdown\n' >good.csv
	run --separate-stderr crm-kb import good.csv
	assert_success
	[ "$stderr" = "crm-kb: imported 2, rejected 0" ]
	assert_output "$(printf 'id\n1\n2')"
	run db_query_tsv "SELECT title, status, format, coalesce(tags, '-') FROM kb_articles ORDER BY id"
	assert_output "$(printf '甲\tpublished\ttext\ta\n乙\tdraft\tmarkdown\t-')"
	printf 'title\tbody\tstatus\n丙\tx\tdraft\n\tno title\tdraft\n丁\ty\tgone\n' >bad.tsv
	before=$(fingerprint)
	must_fail 65 crm-kb import bad.tsv
	assert_output --partial "bad.tsv:3: an article needs a title"
	assert_output --partial "bad.tsv:4: unknown status 'gone' (draft or published)"
	[ "$(fingerprint)" = "$before" ]
	run --separate-stderr crm-kb import --skip-bad --reject rej.tsv bad.tsv -H
	assert_success
	assert_output 3
	[ "$(wc -l <rej.tsv)" = 3 ]
	grep -q "unknown status" rej.tsv
	printf 'title,body,colour\nA,b,red\n' >cols.csv
	must_fail 65 crm-kb import cols.csv
	assert_output --partial "unknown column 'colour'"
}

@test "kb search: English and Chinese of 3+ characters through the index, 2 by a scan" {
	crm-kb add --title "Printer jams" --body "If the printer jams, open tray 2." --publish -q
	crm-kb add --title 打印机卡纸 --body "请打开纸盒，取出卡住的纸。" --publish -q
	crm-kb add --title "Draft printer" --body "printer notes" -q
	run crm-kb search PRINTER -H
	assert_success
	[ "$(cut -f1 <<<"$output" | sort | tr '\n' ' ')" = "1 " ]
	assert_output --partial "[Printer] jams"
	run crm-kb search --all printer -H
	[ "${#lines[@]}" = 2 ]
	run crm-kb search 卡纸 -H
	assert_output --partial $'2\t打印机卡纸'
	[ "${#lines[@]}" = 1 ]
	run crm-kb search 打印机 -H
	assert_output --partial "[打印机]"
	# a rank through MATCH, none through the scan
	[ -n "$(crm-kb search -H 打印机 | cut -f6)" ]
	[ -z "$(crm-kb search -H 打印 | cut -f6)" ]
	# every word required
	run crm-kb search printer 纸盒 -H
	assert_output ""
	run crm-kb search --limit 1 --all printer -H
	[ "${#lines[@]}" = 1 ]
}

@test "kb search: bm25 puts the article that is about the word first" {
	# 1: the word once in a long body; 2: in the title and often in a
	# short body; 3: twice in a middling body
	long=$(printf 'lorem ipsum dolor sit amet %.0s' $(seq 60))
	crm-kb add --title Misc --body "$long toner $long" --publish -q
	crm-kb add --title "Toner" --body "toner toner: replace the toner" --publish -q
	crm-kb add --title Other --body "$(printf 'words %.0s' $(seq 20)) toner, toner" --publish -q
	run crm-kb search toner -H
	[ "$(cut -f1 <<<"$output" | tr '\n' ' ')" = "2 3 1 " ]
	# the ranks ascend (bm25: lower is better)
	cut -f6 <<<"$output" | awk 'NR > 1 && $1 < prev { exit 1 } { prev = $1 }'
}

@test "kb search: hostile query text is searched for, never an FTS syntax error" {
	crm-kb add --title 'Quote "x" and NEAR(a b)' --body 'col:val -flag (paren) a*b' --publish -q
	for q in '"' '""' 'NEAR(a b)' 'NEAR' '*' 'a*b' '-flag' -- 'col:val' '(paren)' '(((' \
		'AND OR NOT' '"x" OR' "'; DROP TABLE kb_articles; --" '^col' '{title}: x'; do
		[ "$q" = -- ] && continue
		run crm-kb search -H -- "$q"
		if [ "$status" -ne 0 ]; then echo "query <$q>: $output" >&2; return 1; fi
		run crm-kb suggest -H -- "$q"
		if [ "$status" -ne 0 ]; then echo "suggest <$q>: $output" >&2; return 1; fi
	done
	run crm-kb search -H -- '"x"'
	assert_output --partial $'1\tQuote'
	run crm-kb search -H -- 'NEAR(a'
	assert_output --partial $'1\tQuote'
	run crm-kb search -H -- '(paren)'
	assert_output --partial $'1\tQuote'
	run crm-kb search -H -- 'a*b'
	assert_output --partial $'1\tQuote'
	# a LIKE wildcard is a character too
	run crm-kb search -H -- '%'
	assert_output ""
	[ "$(db_query 'SELECT count(*) FROM kb_articles')" = 1 ]
}

@test "kb suggest: the likely articles for a ticket's subject and body, or for text" {
	crm-kb add --title 打印机卡纸怎么办 --body 打开纸盒取出纸张 --publish -q
	crm-kb add --title 无法登录 --body 重置密码后再试 --publish -q
	crm-kb add --title "VPN drops" --body "Reconnect the VPN client" --publish -q
	crm-kb add --title 打印机草稿 --body 草稿 -q
	ticket 1 "" "我的打印机又卡纸了" "昨天开始，每次打印都卡"
	run crm-kb suggest --ticket 1 -H
	assert_success
	[ "$(cut -f1 <<<"$output" | tr '\n' ' ')" = "1 " ]
	run crm-kb suggest -H "the vpn keeps dropping"
	[ "$(cut -f1 <<<"$output" | tr '\n' ' ')" = "3 " ]
	run crm-kb suggest -H 登录
	assert_output ""
	run crm-kb suggest --ticket T-000001 -H
	[ "$(cut -f1 <<<"$output" | tr '\n' ' ')" = "1 " ]
	must_fail 1 crm-kb suggest --ticket 9
	assert_output "crm-kb: no such ticket '9'"
	must_fail 64 crm-kb suggest
}

@test "kb link: an article that helped with a ticket, audited, once" {
	setup_people
	crm-kb add --title A --body a --publish -q
	ticket 1 rob "Printer" "jams"
	ticket 2 wes "Other" "x"
	run env CRM_USER=rob crm-kb link T-000001 1
	assert_success
	assert_output "$(printf 'ticket\tarticle\tstatus\n1\t1\tlinked')"
	run env CRM_USER=rob crm-kb link 1 1 -H
	assert_output $'1\t1\talready linked'
	[ "$(db_query "SELECT count(*) FROM ticket_articles")" = 1 ]
	[ "$(db_query "SELECT count(*) FROM audit WHERE entity = 'ticket' AND action = 'link'")" = 1 ]
	# another rep's ticket is not there for rob
	must_fail 77 env CRM_USER=rob crm-kb link T-000002 1
	assert_output "crm-kb: permission denied: ticket 'T-000002' is not visible to 'rob'"
	run crm-kb show 1
	assert_output --partial $'tickets\t1'
}

@test "kb search --tickets: only the tickets the actor sees" {
	setup_people
	ticket 1 rob "打印机卡纸" "每次都卡"
	ticket 2 wes "打印机坏了" "不能开机"
	ticket 3 "" "打印机没墨" "换墨盒"
	run env CRM_USER=rob crm-kb search --tickets 打印机 -H
	assert_success
	[ "$(cut -f1 <<<"$output" | tr '\n' ' ')" = "1 " ]
	assert_output --partial $'T-000001\tnew\t打印机卡纸'
	run env CRM_USER=rob crm-kb search --tickets 打印 -H
	[ "$(cut -f1 <<<"$output" | tr '\n' ' ')" = "1 " ]
	run env CRM_USER=mia crm-kb search --tickets 打印机 -H
	[ "$(cut -f1 <<<"$output" | sort | tr '\n' ' ')" = "1 3 " ]
	run env CRM_USER=ada crm-kb search --tickets 打印机 -H
	[ "$(cut -f1 <<<"$output" | sort | tr '\n' ' ')" = "1 2 3 " ]
	must_fail 64 crm-kb search --tickets --notes x
	must_fail 64 crm-kb search --tickets "  "
	# another rep's ticket is no ticket to suggest for
	must_fail 77 env CRM_USER=rob crm-kb suggest --ticket 2
	must_fail 1 env CRM_USER=rob crm-kb suggest --ticket 99
}

@test "kb search --notes: interactions on the subjects the actor sees" {
	setup_people
	CRM_USER=ada crm-lead add --name 甲 --phone 13800000001 --owner rob >/dev/null
	CRM_USER=ada crm-lead add --name 乙 --phone 13800000002 --owner wes >/dev/null
	CRM_USER=rob crm-log add --lead 1 --kind call "客户说打印机卡纸" >/dev/null
	CRM_USER=wes crm-log add --lead 2 --kind call "打印机报价已发" >/dev/null
	run env CRM_USER=rob crm-kb search --notes 打印机 -H
	assert_success
	[ "$(cut -f1 <<<"$output" | tr '\n' ' ')" = "1 " ]
	assert_output --partial "[打印机]"
	run env CRM_USER=ada crm-kb search --notes 打印机 -H
	[ "$(cut -f1 <<<"$output" | sort | tr '\n' ' ')" = "1 2 " ]
	run env CRM_USER=wes crm-kb search --notes 报价 -H
	[ "$(cut -f1 <<<"$output" | tr '\n' ' ')" = "2 " ]
}
