#!/usr/bin/env bats
# crm-ticket: tickets from the command line and from mail, assignment by
# rules, SLA clocks in business hours (computed here by hand from the
# calendar of ticket_helper.bash), replies, the status flow, surveys,
# reminders, visibility, privacy and the service reports.

load ticket_helper
bats_require_minimum_version 1.5.0

WED=2026-09-30

@test "add: numbered, assigned by the rules (billing to fay, else round-robin in support)" {
	ticket_setup
	export CRM_NOW=$(at "$WED 10:00")
	run crm-ticket add --subject 打印机无法连接 --priority high --account 1 -H
	assert_success
	assert_output --regexp "^1	T-000001	打印机无法连接	email		high	new	1		sam	"
	crm-ticket add --subject 发票抬头错误 --category billing -q
	crm-ticket add --subject 三 -q
	crm-ticket add --subject 四 -q
	crm-ticket add --subject 五 --owner bob -q
	run db_query "SELECT number, u.login FROM tickets t JOIN users u ON u.id = t.owner_id ORDER BY t.id"
	assert_output "T-000001|sam
T-000002|fay
T-000003|sue
T-000004|sam
T-000005|bob"
	run db_query "SELECT actor, field, new_value FROM audit WHERE entity = 'ticket' AND entity_id = 2 AND action = 'assign'"
	assert_output "root|owner|fay"
}

@test "add and update: bad values are refused with the value, nothing written" {
	ticket_setup
	before=$(fingerprint)
	must_fail 65 crm-ticket add --subject x --channel fax
	assert_output "crm-ticket: unknown channel (email, phone, wechat, web, visit) 'fax'"
	must_fail 65 crm-ticket add --subject x --priority p1
	assert_output --partial "unknown priority (low, normal, high, urgent) 'p1'"
	must_fail 65 crm-ticket add --body 没有主题
	must_fail 65 crm-ticket add --subject x --account 99
	assert_output --partial "unknown account '99'"
	must_fail 65 crm-ticket add --subject x --email not-an-address
	[ "$(fingerprint)" = "$before" ]
	crm-ticket add --subject x -q
	before=$(fingerprint)
	must_fail 65 crm-ticket update 1 --status closed
	assert_output "crm-ticket: ticket 1: the status changes with open, pending, resolve, close or reopen"
	must_fail 1 crm-ticket show 9
	assert_output "crm-ticket: no such ticket '9'"
	must_fail 64 crm-ticket reply 1 ""
	[ "$(fingerprint)" = "$before" ]
}

@test "SLA: due times in business hours, a lunch break and the holiday week skipped" {
	ticket_setup
	export CRM_NOW=$(at "$WED 10:00")
	crm-ticket add --subject 高 --priority high -q
	crm-ticket add --subject 普通 -q
	# high: 2h first response -> 12:00 (the end of the morning); 8h
	# resolution: 2h + 5h on Wednesday, the week off, 1h on Thursday 10-08
	# normal: 4h -> 10-12 and 13-15; 16h: 7h, 8h on 10-08, 1h on 10-09
	run db_query "SELECT first_response_due, resolve_due FROM tickets ORDER BY id"
	assert_output "$(at "$WED 12:00")|$(at "2026-10-08 10:00")
$(at "$WED 15:00")|$(at "2026-10-09 10:00")"
	CRM_NOW=$(at "$WED 10:30") run crm-ticket queue -H
	assert_success
	# 90 business minutes left on the first, 3h30m = 210 on the second
	assert_equal "$(echo "$output" | cut -f2,12,13)" "T-000001	ok	90
T-000002	ok	210"
	CRM_NOW=$(at "$WED 11:10") run crm-ticket queue -H --approaching
	assert_equal "$(echo "$output" | cut -f2,12,13)" "T-000001	approaching	50"
	CRM_NOW=$(at "$WED 13:30") run crm-ticket queue -H --breached
	assert_equal "$(echo "$output" | cut -f2,12)" "T-000001	breached"
	# a lunch hour is no business time: 11:30 to 13:30 is 30 minutes
	CRM_NOW=$(at "$WED 13:30") run crm-ticket queue -H --priority normal
	assert_equal "$(echo "$output" | cut -f2,12,13)" "T-000002	ok	90"
}

@test "SLA: pending time does not count; the first response stops its clock" {
	ticket_setup
	export CRM_NOW=$(at "$WED 10:00")
	crm-ticket add --subject 等客户 --account 1 --contact 1 -q
	CRM_NOW=$(at "$WED 11:00") crm-ticket reply 1 请提供型号 --as sam -q
	CRM_NOW=$(at "$WED 11:00") crm-ticket pending 1 --as sam -q
	run db_query "SELECT first_response_at, status FROM tickets"
	assert_output "$(at "$WED 11:00")|pending"
	CRM_NOW=$(at "2026-10-09 17:00") run crm-ticket queue -H
	assert_equal "$(echo "$output" | cut -f2,12)" "T-000001	paused"
	# the customer answers on Thursday 10-08 at 10:00: pending for 1h + 5h
	# on Wednesday and 1h on Thursday = 7h, so the 16h resolution is due
	# 23 business hours after 10:00 Wednesday: 7h, 8h (10-08), 8h (10-09)
	gb2312_mail "Re: [T-000001] 等客户" "型号是 HP 1020" "Message-ID: <r1@cj.example.cn>" >r.eml
	CRM_NOW=$(at "2026-10-08 10:00") run crm-ticket mail r.eml -H
	assert_output "1	T-000001	open	1	1	sam	reply"
	run db_query "SELECT resolve_due, CAST(breached_at IS NULL AS INTEGER) FROM tickets"
	assert_output "$(at "2026-10-09 18:00")|1"
	CRM_NOW=$(at "2026-10-09 17:00") crm-ticket resolve 1 --as sam -q
	run db_query "SELECT status, CAST(breached_at IS NULL AS INTEGER) FROM tickets"
	assert_output "resolved|1"
}

@test "mail: a gb2312 message opens a ticket linked to its sender's contact and account" {
	ticket_setup
	export CRM_NOW=$(at "$WED 10:00")
	gb2312_mail 打印机驱动错误 "你好，打印机显示驱动错误。" "Message-ID: <m1@cj.example.cn>" >m1.eml
	run crm-ticket mail -H <m1.eml
	assert_success
	assert_output "1	T-000001	new	1	1	sam	new"
	run db_query "SELECT subject, body, channel, sender_name, sender_email, message_id FROM tickets"
	assert_output "打印机驱动错误|你好，打印机显示驱动错误。|email|王伟|wangwei@cj.example.cn|m1@cj.example.cn"
	# delivered twice: taken once
	run crm-ticket mail -H <m1.eml
	assert_output "1	T-000001	new	1	1	sam	duplicate"
	[ "$(db_query "SELECT count(*) FROM tickets")" = 1 ]
	# a reply by In-Reply-To, and one by the tag in its subject, join the thread
	gb2312_mail "回复: 打印机驱动错误" "补充：型号 HP 1020" "Message-ID: <m2@cj.example.cn>" \
		"In-Reply-To: <m1@cj.example.cn>" >m2.eml
	run crm-ticket mail -H <m2.eml
	assert_output "1	T-000001	new	1	1	sam	reply"
	gb2312_mail "[T-000001] 还有问题" "重启后还是不行" "Message-ID: <m3@cj.example.cn>" >m3.eml
	crm-ticket mail -q <m3.eml
	run db_query "SELECT kind, summary, CAST(user_id IS NULL AS INTEGER) FROM interactions WHERE subject_type = 'ticket' ORDER BY id"
	assert_output "email|补充：型号 HP 1020|1
email|重启后还是不行|1"
	# after it is closed, a mail opens a new ticket
	crm-ticket close 1 -q
	gb2312_mail "[T-000001] 又坏了" "又坏了" "Message-ID: <m4@cj.example.cn>" >m4.eml
	run crm-ticket mail -H <m4.eml
	assert_output "2	T-000002	new	1	1	sue	new"
}

@test "mail: garbage, a message with no sender, bad charsets are refused; nothing written" {
	ticket_setup
	before=$(fingerprint)
	must_fail 65 crm-ticket mail < <(printf 'not a message\n')
	assert_output "crm-ticket: standard input: not a mail message: no From or Subject header"
	printf 'From: x@example.com\nSubject: =?x-nonsense?B?5omT?=\n\nbody\n' >bad.eml
	must_fail 65 crm-ticket mail bad.eml
	assert_output --partial "bad.eml: Subject header: unknown charset 'x-nonsense'"
	printf 'From: x@example.com\nSubject: hi\nContent-Type: text/plain; charset=gb2312\n\n\xff\xff\xff\n' >gbk.eml
	must_fail 65 crm-ticket mail gbk.eml
	must_fail 66 crm-ticket mail no-such-file.eml
	[ "$(fingerprint)" = "$before" ]
}

@test "mail: attachments are listed by name, a Chinese RFC 2231 file name decoded" {
	ticket_setup
	cat >a.eml <<'EOF'
From: Wang Wei <wangwei@cj.example.cn>
Subject: =?UTF-8?B?5oql5ZGK?=
Message-ID: <a1@cj.example.cn>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

见附件
--b
Content-Type: application/pdf
Content-Disposition: attachment; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--b--
EOF
	crm-ticket mail -q <a.eml
	run db_query "SELECT t.subject, t.body, a.filename, a.content_type, a.size FROM tickets t JOIN ticket_attachments a ON a.ticket_id = t.id"
	assert_output "报告|见附件|报告.pdf|application/pdf|9"
	run crm-ticket show 1
	assert_output --partial "$(printf '# attachments\nfilename\tcontent_type\tsize\n报告.pdf\tapplication/pdf\t9')"
}

@test "mail: every message of shared/data/mail-zh opens a ticket or is refused with a reason" {
	dir=$TOP/../shared/data/mail-zh
	[ -d "$dir" ] || skip "the mail-zh data is not at $dir"
	ticket_setup
	for f in "$dir"/real/*.eml "$dir"/fixtures/*.eml; do
		before=$(db_query "SELECT count(*) FROM tickets")
		run crm-ticket mail -H "$f"
		if [ "$status" -eq 0 ]; then
			[[ "$output" =~ 	(new|duplicate)$ ]] || { echo "$f: $output"; false; }
		else
			[ "$status" -eq 65 ] || { echo "$f: status $status: $output"; false; }
			[[ "$output" == "crm-ticket: $f: "* ]] || { echo "$f: $output"; false; }
			[ "$(db_query "SELECT count(*) FROM tickets")" = "$before" ]
		fi
	done
	# the two real Outlook messages in gb2312 decode to their Chinese
	run db_query "SELECT count(*) FROM tickets WHERE subject LIKE '%答复%' OR sender_name = '谢 昆明'"
	assert_output 2
	# every stored text is valid UTF-8 (sqlite3 would show U+FFFD otherwise)
	run db_query "SELECT count(*) FROM tickets WHERE subject LIKE '%�%' OR body LIKE '%�%'"
	assert_output 0
}

@test "reply and note: the first reply is the first response and opens a new ticket; a note is neither" {
	ticket_setup
	export CRM_NOW=$(at "$WED 10:00")
	crm-ticket add --subject 问题 -q
	CRM_NOW=$(at "$WED 10:20") crm-ticket note 1 内部：先查日志 --as sam -q
	run db_query "SELECT status, CAST(first_response_at IS NULL AS INTEGER) FROM tickets"
	assert_output "new|1"
	echo "您好，请重启路由器" >reply.txt
	CRM_NOW=$(at "$WED 10:40") run crm-ticket reply 1 --file reply.txt --as sam -H
	assert_output "1	T-000001	open	sam"
	CRM_NOW=$(at "$WED 11:00") crm-ticket reply 1 还有别的吗 --as sam -q
	run db_query "SELECT first_response_at FROM tickets"
	assert_output "$(at "$WED 10:40")"
	run db_query "SELECT kind, summary, (SELECT login FROM users WHERE id = user_id) FROM interactions WHERE subject_type = 'ticket' ORDER BY id"
	assert_output "note|内部：先查日志|sam
reply|您好，请重启路由器|sam
reply|还有别的吗|sam"
	# the database, or text that is not UTF-8, is no reply
	before=$(fingerprint)
	f=$CRM_DB
	if on_pg; then	# the database is no file there: a SQLite file's first bytes
		printf 'SQLite format 3\0' >crm.db
		f=crm.db
	fi
	must_fail 65 crm-ticket reply 1 --file "$f"
	assert_output --regexp "^crm-ticket: .*crm.db: a NUL byte at offset [0-9]+: not text$"
	printf '\xb4\xf2\xd3\xa1\n' >gbk.txt
	must_fail 65 crm-ticket note 1 - <gbk.txt
	assert_output "crm-ticket: standard input: invalid UTF-8 at byte 0 (convert it with iconv)"
	must_fail 66 crm-ticket reply 1 --file no-such.txt
	must_fail 64 crm-ticket reply 1 text --file reply.txt
	[ "$(fingerprint)" = "$before" ]
	crm-ticket close 1 -q
	must_fail 65 crm-ticket reply 1 迟到的回复
	assert_output "crm-ticket: ticket T-000001 is closed: it takes no more replies"
}

@test "the status flow, every wrong move 65 naming the status, each change audited" {
	ticket_setup
	crm-ticket add --subject 流程 -q
	crm-ticket open 1 -q
	crm-ticket pending 1 --comment 等客户回复 -q
	crm-ticket open 1 -q
	crm-ticket resolve 1 -q
	must_fail 65 crm-ticket pending 1
	assert_output "crm-ticket: ticket T-000001 is resolved: it cannot be pending"
	crm-ticket reopen 1 -q
	crm-ticket resolve 1 -q
	crm-ticket close 1 -q
	must_fail 65 crm-ticket reopen 1
	assert_output "crm-ticket: ticket T-000001 is closed: only a resolved ticket is reopened"
	must_fail 65 crm-ticket open 1
	run db_query "SELECT group_concat(to_status, ',') FROM (SELECT to_status FROM ticket_events ORDER BY id) e"
	assert_output "new,open,pending,open,resolved,open,resolved,closed"
	run db_query "SELECT summary FROM interactions WHERE kind = 'note'"
	assert_output "等客户回复"
	[ "$(db_query "SELECT count(*) FROM audit WHERE entity = 'ticket' AND field = 'status'")" = 7 ]
}

@test "surveys: due once when resolved, listed with the link for cron, answered by code" {
	ticket_setup
	crm-ticket add --subject 一 --contact 1 --account 1 -q
	crm-ticket add --subject 二 --email li@example.org --sender 李 -q
	crm-ticket resolve 1 -q
	crm-ticket resolve 2 -q
	crm-ticket reopen 1 -q
	crm-ticket resolve 1 -q
	run crm-ticket surveys -H
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	code1=$(echo "${lines[0]}" | cut -f1)
	code2=$(echo "${lines[1]}" | cut -f1)
	[[ "$code1" =~ ^[a-z2-9]{12}$ ]] && [ "$code1" != "$code2" ]
	assert_equal "$(echo "${lines[0]}" | cut -f2-6)" "T-000001	王伟	wangwei@cj.example.cn	$CRM_NOW	https://survey.example.com/s/$code1?t=T-000001"
	assert_equal "$(echo "${lines[1]}" | cut -f2-4)" "T-000002	李	li@example.org"
	crm-ticket surveys --mark -q >/dev/null
	run crm-ticket surveys -H
	assert_output ""
	run crm-ticket rate "$code1" 2 还是不行
	assert_output "$code1	csat	2"
	crm-ticket rate "$code1" 3 --nps -q
	run db_query "SELECT csat, nps, comment FROM surveys WHERE code = '$code1'"
	assert_output "2|3|还是不行"
	before=$(fingerprint)
	must_fail 65 crm-ticket rate "$code2" 6
	assert_output "crm-ticket: csat score '6' out of range 1-5"
	must_fail 65 crm-ticket rate "$code2" 11 --nps
	must_fail 65 crm-ticket rate "$code2" 2.5
	must_fail 1 crm-ticket rate nosuchcode 4
	assert_output "crm-ticket: no such survey code 'nosuchcode'"
	printf 'code,csat,nps,comment\n%s,5,10,好\nbogus,4,,\n%s,9,,\n' "$code2" "$code2" >answers.csv
	must_fail 65 crm-ticket answers answers.csv
	assert_output "crm-ticket: answers.csv:3: no such survey code 'bogus'
crm-ticket: answers.csv:4: csat score '9' out of range 1-5
crm-ticket: 2 bad rows: nothing imported"
	[ "$(fingerprint)" = "$before" ]
	printf 'code,csat,nps,comment\n%s,5,10,好\n' "$code2" >good.csv
	run crm-ticket answers good.csv
	assert_output "1 answer recorded"
	[ "$(db_query "SELECT csat || '/' || nps FROM surveys WHERE code = '$code2'")" = "5/10" ]
}

@test "remind: an approaching SLA reminds the owner, a missed one the owner and the manager" {
	ticket_setup
	export CRM_NOW=$(at "$WED 10:00")
	crm-ticket add --subject 紧急 --priority urgent -q
	sla() { crm-task remind -H | awk -F'\t' '$6 ~ /^sla_/ { print $1 "\t" $6 "\t" $8 }'; }
	due=$(at "$WED 11:00")
	# warn_before 1h is all of the first response's hour: from the start
	CRM_NOW=$(at "$WED 10:05") run sla
	assert_output "sam	sla_approaching	first response due $due: 紧急"
	CRM_NOW=$(at "$WED 11:00") run sla
	assert_output "mgr	sla_escalation	first response due $due: 紧急 (sam)
sam	sla_breached	first response due $due: 紧急"
	# answered: the resolution clock (4h: 10-12, 13-15) is the one that runs
	CRM_NOW=$(at "$WED 11:30") crm-ticket reply 1 在处理 --as sam -q
	CRM_NOW=$(at "$WED 11:30") run sla
	assert_output ""
	CRM_NOW=$(at "$WED 14:00") run sla
	assert_output "sam	sla_approaching	resolution due $(at "$WED 15:00"): 紧急"
	[ "$(db_query "SELECT breached_at FROM tickets")" = "$due" ]
}

@test "visibility: agents see their own tickets; a team queue opens the team's; others get 77" {
	ticket_setup
	crm-ticket add --subject 一 -q		# sam
	crm-ticket add --subject 二 -q		# sue
	run crm-ticket list --fields number -H --as sam
	assert_output "T-000001"
	before=$(fingerprint)
	must_fail 77 crm-ticket show 2 --as sam
	assert_output "crm-ticket: permission denied: ticket '2' is not visible to 'sam'"
	must_fail 77 crm-ticket reply T-000002 x --as sam
	must_fail 77 crm-ticket resolve 2 --as sam
	must_fail 77 crm-ticket show 1 --as bob
	[ "$(fingerprint)" = "$before" ]
	run crm-ticket queue -H --as mgr
	[ "${#lines[@]}" -eq 2 ]
	QUEUE="queue: team" ticket_setup_config
	run crm-ticket list --fields number -H --as sam
	assert_output "T-000001
T-000002"
	crm-ticket reply 2 我来帮忙 --as sam -q
	must_fail 77 crm-ticket show 1 --as bob
}

@test "reports: service levels and the backlog, figures computed from the tickets" {
	ticket_setup
	export CRM_NOW=$(at "$WED 10:00")
	crm-ticket add --subject a --priority high -q		# sam
	crm-ticket add --subject b -q				# sue
	crm-ticket add --subject c --category billing -q	# fay
	# a: answered after 1h, resolved at 17:00 (6 business hours), in time
	CRM_NOW=$(at "$WED 11:00") crm-ticket reply 1 ok --as sam -q
	CRM_NOW=$(at "$WED 17:00") crm-ticket resolve 1 --as sam -q
	# b: answered at 15:30, after its 4h (due 15:00): missed
	CRM_NOW=$(at "$WED 15:30") crm-ticket reply 2 ok --as sue -q
	code=$(CRM_NOW=$(at "$WED 17:00") crm-ticket surveys -H | cut -f1)
	crm-ticket rate "$code" 4 -q
	crm-ticket rate "$code" 9 --nps -q
	export CRM_NOW=$(at "2026-10-08 10:00")
	run --separate-stderr crm-report service --by owner -H
	assert_success
	# first response: a 1h, b 4.5h (10-12, 13-15:30); resolution: a 6h
	assert_output "fay	1	0	1			1	0	0.0000	0		
sam	1	1	0	1.00	6.00	1	1	1.0000	1	4.00	100.0
sue	1	0	1	4.50		1	0	0.0000	0		"
	run --separate-stderr crm-report service -H
	assert_output "3	1	2	2.75	6.00	3	1	0.3333	1	4.00	100.0"
	# backlog on 10-08: b and c are 8 days old; c is past its first
	# response (b missed its own but is answered, and resolves by 10-09)
	run --separate-stderr crm-report backlog -H
	assert_output "0	0	0	2	0	2	0	1	8"
	must_fail 64 crm-report service --by stage
	must_fail 77 crm-report service --owner sue --as sam
}

@test "privacy: a person's tickets and surveys are exported and erased" {
	ticket_setup
	gb2312_mail 发票问题 "我的电话 13800138000" "Message-ID: <p1@cj.example.cn>" >p.eml
	crm-ticket mail -q <p.eml
	crm-ticket reply 1 好的 -q
	crm-ticket resolve 1 -q
	code=$(crm-ticket surveys -H | cut -f1)
	crm-ticket rate "$code" 1 服务太慢 -q
	run crm-privacy export --email wangwei@cj.example.cn
	assert_success
	assert_output --partial '"subject":"发票问题"'
	assert_output --partial '"comment":"服务太慢"'
	crm-contact forget 1 -q
	run db_query "SELECT coalesce(body, '-'), coalesce(sender_name, '-'), coalesce(sender_email, '-'), CAST(forgotten_at IS NOT NULL AS INTEGER) FROM tickets"
	assert_output "-|-|-|1"
	run db_query "SELECT coalesce(email, '-'), coalesce(comment, '-'), csat FROM surveys"
	assert_output "-|-|1"
	[ "$(db_query "SELECT count(*) FROM audit WHERE new_value LIKE '%13800138000%' OR new_value LIKE '%wangwei%'")" = 0 ]
	if on_pg; then	# no FTS5 table there: the search reads the rows (pg_trgm)
		[ "$(db_query "SELECT count(*) FROM tickets WHERE coalesce(subject, '') || coalesce(body, '') LIKE '%13800138000%'")" = 0 ]
	else
		[ "$(db_query "SELECT count(*) FROM ticket_fts WHERE ticket_fts MATCH '13800138000'")" = 0 ]
	fi
}

@test "the 360 view lists the account's tickets with their SLA state and rating" {
	ticket_setup
	export CRM_NOW=$(at "$WED 10:00")
	crm-ticket add --subject 网络故障 --account 1 -q
	crm-ticket resolve 1 -q
	crm-ticket rate "$(crm-ticket surveys -H | cut -f1)" 2 -q
	crm-ticket reply 1 已重启交换机 -q
	run crm-account show 1
	# the reply is in the account's timeline
	assert_output --partial "$(printf 'reply\tticket\t1\tT-000001 网络故障\t已重启交换机')"
	assert_output --partial "$(printf '# tickets\nid\tnumber\tstatus\tpriority\tsubject\tcreated_at\tresolved_at\tsla\tcsat\towner\n1\tT-000001\tresolved\tnormal\t网络故障\t%s\t%s\tdone\t2\tsam' "$CRM_NOW" "$CRM_NOW")"
}
