#!/usr/bin/env bats
# The service scenario of issue 12, end to end from the tools: a customer
# mails a problem in Chinese; the piped message opens a ticket linked to
# their account and assigned by rule; suggest finds the article by a
# Chinese phrase; the first response comes within the SLA, the resolution
# misses it (business hours and the National Day week counted as the
# calendar says) and the manager is warned; on resolve a survey is listed,
# the customer rates 2, and the account shows up in crm-report churn with
# the low rating among its reasons.  Times are worked out here by hand.

load ticket_helper
bats_require_minimum_version 1.5.0

@test "service: from a Chinese mail to a churn warning, every step from the tools" {
	ticket_setup
	# the customer bought in the spring (churn looks at accounts that buy)
	CRM_NOW=2026-04-01T02:00:00Z crm-stage add --title 打印机采购 --account 1 --amount 50000 \
		--owner bob >/dev/null
	CRM_NOW=2026-04-01T02:00:00Z crm-stage won 1 >/dev/null
	crm-kb add --title 打印机驱动错误的解决办法 --body "卸载旧驱动，安装 2.1 版驱动后重启打印机。" \
		--tags 打印机 --publish --as mgr >/dev/null

	# Wednesday 10:00: the mail comes in (normal: first response in 4h,
	# resolution in 16 business hours)
	export CRM_NOW=$(at "2026-09-30 10:00")
	gb2312_mail 打印机驱动错误 "你好，我们的打印机显示驱动错误，无法打印。" \
		"Message-ID: <s1@cj.example.cn>" >s1.eml
	run crm-ticket mail -H s1.eml --as mgr
	assert_success
	assert_output "1	T-000001	new	1	1	sam	new"

	run crm-kb suggest --ticket T-000001 --as sam -H
	assert_success
	assert_line --index 0 --regexp "^1	打印机驱动错误的解决办法	"
	crm-kb link T-000001 1 --as sam >/dev/null

	# 11:00: the first response, due at 15:00
	CRM_NOW=$(at "2026-09-30 11:00") crm-ticket reply 1 "请按知识库文章 1 重装驱动" --as sam -q
	run db_query "SELECT CAST(first_response_at <= first_response_due AS INTEGER), first_response_due FROM tickets"
	assert_output "1|$(at "2026-09-30 15:00")"
	# resolution: 7h on Wednesday, the week of 10-01..07 off, 8h on Thursday
	# 10-08, the 16th hour ends at 10:00 on Friday 10-09
	run db_query "SELECT resolve_due FROM tickets"
	assert_output "$(at "2026-10-09 10:00")"

	# Friday 10:30: missed; the owner and the manager are told
	CRM_NOW=$(at "2026-10-09 10:30") run crm-task remind -H
	assert_line "sam	sam@example.com	ticket	1	T-000001	sla_breached	0	resolution due $(at "2026-10-09 10:00"): 打印机驱动错误"
	assert_line "mgr	mgr@example.com	ticket	1	T-000001	sla_escalation	0	resolution due $(at "2026-10-09 10:00"): 打印机驱动错误 (sam)"

	CRM_NOW=$(at "2026-10-09 15:00") crm-ticket resolve 1 --as sam -q
	run db_query "SELECT status, breached_at FROM tickets"
	assert_output "resolved|$(at "2026-10-09 10:00")"

	# the survey is due; the customer answers 2
	export CRM_NOW=$(at "2026-10-09 16:00")
	run crm-ticket surveys -H --as mgr
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	code=$(cut -f1 <<<"$output")
	assert_equal "$(cut -f2-4 <<<"$output")" "T-000001	王伟	wangwei@cj.example.cn"
	run crm-ticket rate "$code" 2 驱动装了还是不行
	assert_success

	# the account is at risk: the rating and the breach among its reasons
	run --separate-stderr crm-report churn -H --as bob
	assert_success
	assert_output --regexp "^1	长江电子	bob	[0-9]+	(high|medium|low)	.*rated 2/5 on T-000001"
	assert_output --partial "1 SLA breach"
	run --separate-stderr crm-report service -H --as mgr
	# one ticket: answered in 1h, resolved after 7 + 8 + 5 = 20 business
	# hours (Friday 09:00-12:00 and 13:00-15:00), SLA missed, CSAT 2
	assert_output "1	1	0	1.00	20.00	1	0	0.0000	1	2.00	"

	# the 360 view shows the ticket with its rating, and the churn risk
	run crm-account show 1 --as bob
	assert_output --partial "1	T-000001	resolved	normal	打印机驱动错误	$(at "2026-09-30 10:00")	$(at "2026-10-09 15:00")	breached	2	sam"
	assert_output --partial "rated 2/5 on T-000001"
	# its lifetime value to date: the one won deal of the spring
	assert_output --partial "$(printf '# value\nrevenue\tpurchases\taverage_order\tfirst_purchase\tlast_purchase\n50000.00\t1\t50000.00\t2026-04-01\t2026-04-01')"
}
