#!/usr/bin/env bats
# crm-stage: deals through their pipeline (move, won, lost, reopen, bulk),
# list and its filters, stuck deals, custom pipelines, bad input, visibility,
# -n, a locked database, interactions on deals and the handover of deals.

load helper
bats_require_minimum_version 1.5.0

HEAD="id	title	account	pipeline	stage	status	amount	currency	close_date	owner"
REASONS="(price, competitor, no-budget, no-decision, timing, other)"

setup_team() {
	crm-user add --login root --name Root --role admin >/dev/null
	export CRM_USER=root
	crm-user add --login mgr --name 'East Boss' --role manager >/dev/null
	crm-user team add east --manager mgr
	crm-user team add west
	crm-user add --login rep1 --name 'Rep One' --team east --manager mgr >/dev/null
	crm-user add --login rep2 --name 'Rep Two' --team east --manager mgr >/dev/null
	crm-user add --login rep3 --name 'Rep Three' --team west >/dev/null
}

q() { db_query_tsv "$@"; }

@test "a converted lead's deal goes through every default stage to won; history has time and actor" {
	setup_team
	crm-lead add --name 王伟 --company 长江电子有限公司 --phone 13812345678 --source expo \
		--campaign spring --owner rep1 >/dev/null
	run --separate-stderr crm-lead convert 1 --amount 120000 --close-date 2026-04-30 --as rep1
	assert_success
	assert_output "lead_id	account_id	contact_id	deal_id	account_created	contact_created
1	1	1	1	1	1"
	run crm-stage list --fields id,title,stage,status,amount,owner,source,campaign,lead_id
	assert_output "id	title	stage	status	amount	owner	source	campaign	lead_id
1	长江电子有限公司	contact	open	120000.00	rep1	expo	spring	1"
	CRM_NOW=2026-03-04T02:00:00Z run crm-stage move 1 qualify --as rep1
	assert_success
	assert_output "id	title	from	to	status	amount
1	长江电子有限公司	contact	qualify	open	120000.00"
	CRM_NOW=2026-03-09T06:30:00Z crm-stage move 1 proposal --reason 'quote sent' --as rep1 >/dev/null
	CRM_NOW=2026-03-20T08:00:00Z crm-stage move 1 negotiation --as mgr >/dev/null
	CRM_NOW=2026-04-02T03:15:00Z run crm-stage won 1 --amount 115000 --as rep1
	assert_success
	assert_output "id	title	from	to	status	amount
1	长江电子有限公司	negotiation	won	won	115000.00"
	run crm-stage history 1
	assert_success
	assert_output "at	from	to	actor	reason
2026-03-02T09:00:00Z		contact	rep1	
2026-03-04T02:00:00Z	contact	qualify	rep1	
2026-03-09T06:30:00Z	qualify	proposal	rep1	quote sent
2026-03-20T08:00:00Z	proposal	negotiation	mgr	
2026-04-02T03:15:00Z	negotiation	won	rep1	"
	run crm-stage list -H --fields status,amount,closed_at,stage_changed_at
	assert_output "won	115000.00	2026-04-02T03:15:00Z	2026-04-02T03:15:00Z"
	[ "$(q "SELECT action, field, old_value, new_value FROM audit WHERE entity = 'deal' AND action = 'won'")" = \
"won	stage	negotiation	won
won	status	open	won
won	amount	120000.00	115000.00" ]
	[ "$(crm-lead list -H --fields status)" = converted ]
	# a won deal moves only after reopen
	must_fail 65 crm-stage move 1 proposal
	assert_output "crm-stage: deal 1 is won: reopen it first"
	must_fail 65 crm-stage won 1
	assert_output "crm-stage: deal 1 is won: reopen it first"
	[ "$(q "SELECT count(*) FROM deal_stages")" -eq 5 ]
}

@test "lost needs a configured reason (65); reopen goes back to the last open stage" {
	crm-stage add --title 'CNC 20 台' --amount 50000 -q
	crm-stage move 1 proposal -q
	must_fail 65 crm-stage lost 1
	assert_output "crm-stage: lost needs --reason $REASONS"
	must_fail 65 crm-stage lost 1 --reason cheap
	assert_output "crm-stage: unknown loss reason 'cheap' $REASONS"
	must_fail 65 crm-stage move 1 lost
	assert_output "crm-stage: lost needs --reason $REASONS"
	[ "$(crm-stage list -H --fields stage,status)" = "proposal	open" ]
	[ "$(q "SELECT count(*) FROM deal_stages")" -eq 2 ]
	# the config's reasons, by id or display name
	cat >crm.yaml <<'EOF'
loss_reasons:
  - {id: price, name: 价格太高}
  - budget
EOF
	export CRM_CONFIG=$PWD/crm.yaml
	must_fail 65 crm-stage lost 1 --reason competitor
	assert_output "crm-stage: unknown loss reason 'competitor' (price, budget)"
	CRM_NOW=2026-03-05T01:00:00Z run crm-stage lost 1 --reason 价格太高 --note 'a cheaper offer'
	assert_success
	assert_output "id	title	from	to	status	amount
1	CNC 20 台	proposal	lost	lost	50000.00"
	run crm-stage list -H --fields status,loss_reason,loss_note,closed_at
	assert_output "lost	price	a cheaper offer	2026-03-05T01:00:00Z"
	must_fail 65 crm-stage move 1 qualify
	assert_output "crm-stage: deal 1 is lost: reopen it first"
	# reopen: into the last open stage it was in, close and reason cleared
	CRM_NOW=2026-03-06T01:00:00Z run crm-stage reopen 1 --reason 'they came back'
	assert_success
	assert_output "id	title	from	to	status	amount
1	CNC 20 台	lost	proposal	open	50000.00"
	run crm-stage list -H --fields status,loss_reason,loss_note,closed_at
	assert_output "open			"
	must_fail 65 crm-stage reopen 1
	assert_output "crm-stage: deal 1 is open: nothing to reopen"
	CRM_NOW=2026-03-07T01:00:00Z crm-stage won 1 -q
	must_fail 65 crm-stage reopen 1 won
	assert_output "crm-stage: deal 1: reopen into an open stage, not 'won'"
	CRM_NOW=2026-03-08T01:00:00Z crm-stage reopen 1 qualify -q
	run crm-stage history 1 -H
	assert_output "2026-03-02T09:00:00Z		contact	tester	
2026-03-02T09:00:00Z	contact	proposal	tester	
2026-03-05T01:00:00Z	proposal	lost	tester	price
2026-03-06T01:00:00Z	lost	proposal	tester	they came back
2026-03-07T01:00:00Z	proposal	won	tester	
2026-03-08T01:00:00Z	won	qualify	tester	"
	[ "$(crm-stage list -H --fields stage,status,closed_at)" = "qualify	open	" ]
}

@test "with CRM_NOW moved forward, list --stuck 14 and stuck 14 find the deals that did not move" {
	crm-stage add --title A -q
	crm-stage add --title B -q
	crm-stage add --title C -q
	CRM_NOW=2026-03-03T09:00:00Z crm-stage add --title D -q
	CRM_NOW=2026-03-10T09:00:00Z crm-stage move 2 qualify -q
	CRM_NOW=2026-03-05T09:00:00Z crm-stage won 3 -q
	# 17 March: A has not moved for 15 days, D for exactly 14, B for 7; C is won
	export CRM_NOW=2026-03-17T09:00:00Z
	run crm-stage list --stuck 14 --fields id,title,stage,days_in_stage
	assert_success
	assert_output "id	title	stage	days_in_stage
1	A	contact	15
4	D	contact	14"
	run crm-stage stuck 14 -H --fields id
	assert_output "1
4"
	CRM_NOW=2026-03-17T08:59:59Z run crm-stage stuck 14 -H --fields id
	assert_output 1
	run crm-stage stuck 7 -H --fields id --sort -id
	assert_output "4
2
1"
	must_fail 64 crm-stage stuck
	assert_output "crm-stage: missing number of days
Try 'crm-stage --help'."
	must_fail 64 crm-stage list --stuck x
	assert_output "crm-stage: invalid number for --stuck 'x'
Try 'crm-stage --help'."
}

@test "a custom pipeline: its own stages, Chinese names, a stage of another pipeline refused" {
	cat >crm.yaml <<'EOF'
pipeline:
  - {id: contact, name: 初步接触, probability: 10}
  - {id: qualify, name: 需求确认, probability: 30}
  - {id: won, name: 赢单, kind: won}
  - {id: lost, name: 输单, kind: lost}
pipelines:
  project:
    - {id: site-survey, name: 现场勘查, probability: 10}
    - {id: design, name: 方案设计, probability: 30}
    - {id: tender, name: 投标, probability: 50}
    - {id: trial, name: 试机验收, probability: 85}
    - {id: signed, name: 签约, kind: won}
    - {id: dropped, name: 放弃, kind: lost}
EOF
	export CRM_CONFIG=$PWD/crm.yaml
	run crm-stage stages --pipeline project
	assert_success
	assert_output "order	id	name	probability	kind
1	site-survey	现场勘查	0.1000	open
2	design	方案设计	0.3000	open
3	tender	投标	0.5000	open
4	trial	试机验收	0.8500	open
5	signed	签约	1.0000	won
6	dropped	放弃	0.0000	lost"
	run crm-stage stages -H
	assert_output "1	contact	初步接触	0.1000	open
2	qualify	需求确认	0.3000	open
3	won	赢单	1.0000	won
4	lost	输单	0.0000	lost"
	run crm-stage add --title 产线改造 --pipeline project --amount 2000000
	assert_success
	assert_line "1	产线改造		project	site-survey	open	2000000.00	CNY		"
	crm-stage add --title 配件 -q
	for s in design tender trial; do crm-stage move 1 $s -q; done
	must_fail 65 crm-stage move 1 qualify
	assert_output "crm-stage: unknown stage 'qualify' in pipeline 'project'"
	must_fail 65 crm-stage move 2 tender
	assert_output "crm-stage: unknown stage 'tender' in pipeline 'default'"
	must_fail 65 crm-stage add --title x --pipeline project --stage contact
	assert_output "crm-stage: unknown stage 'contact' in pipeline 'project'"
	must_fail 65 crm-stage add --title x --pipeline nope
	assert_output "crm-stage: unknown pipeline 'nope'"
	must_fail 65 crm-stage add --title x --stage won
	assert_output "crm-stage: a new deal starts in an open stage, not 'won' (add it, then use won)"
	# won is the pipeline's own won stage; a stage by its display name
	run crm-stage won 1
	assert_output "id	title	from	to	status	amount
1	产线改造	trial	signed	won	2000000.00"
	crm-stage move 2 需求确认 -q
	run crm-stage list -H --fields id,pipeline,stage,status
	assert_output "1	project	signed	won
2	default	qualify	open"
	run crm-stage history 1 -H
	assert_output "2026-03-02T09:00:00Z		site-survey	tester	
2026-03-02T09:00:00Z	site-survey	design	tester	
2026-03-02T09:00:00Z	design	tender	tester	
2026-03-02T09:00:00Z	tender	trial	tester	
2026-03-02T09:00:00Z	trial	signed	tester	"
	[ "$(crm-stage list -H --pipeline project --fields id)" = 1 ]
	[ "$(crm-stage list -H --stage qualify --fields id)" = 2 ]
	must_fail 65 crm-stage list --pipeline project --stage qualify
	assert_output "crm-stage: unknown stage 'qualify' in pipeline 'project'"
	must_fail 65 crm-stage stages --pipeline nope
	assert_output "crm-stage: unknown pipeline 'nope'"
	# a pipeline the config no longer has
	fixture_sql "UPDATE deals SET pipeline = 'gone' WHERE id = 2"
	must_fail 78 crm-stage move 2 contact
	assert_output "crm-stage: deal 2: pipeline 'gone' is not in the config"
}

@test "bad input: unknown ids 1, unknown stages, bad amounts, dates and currencies 65; nothing written" {
	crm-stage add --title 'CNC' --amount 100 -q
	before=$(q "SELECT count(*) FROM audit")
	must_fail 1 crm-stage move 99 qualify
	assert_output "crm-stage: deal 99 not found"
	must_fail 1 crm-stage history 99
	assert_output "crm-stage: deal 99 not found"
	must_fail 1 crm-stage show 99
	must_fail 1 crm-stage update 99 --title x
	assert_output "crm-stage: deal 99 not found"
	must_fail 1 crm-stage add --title x --account 5
	assert_output "crm-stage: account 5 not found"
	must_fail 1 crm-stage add --title x --contact 7
	assert_output "crm-stage: contact 7 not found"
	must_fail 64 crm-stage move abc qualify
	assert_output "crm-stage: invalid deal id 'abc'"
	must_fail 65 crm-stage add --title x --account x1
	assert_output "crm-stage: invalid account id 'x1'"
	must_fail 65 crm-stage move 1 nope
	assert_output "crm-stage: unknown stage 'nope' in pipeline 'default'"
	must_fail 65 crm-stage add --title x --amount -5
	assert_output "crm-stage: negative amount '-5'"
	must_fail 65 crm-stage add --title x --amount 12.345
	assert_output "crm-stage: amount with more than two decimals '12.345'"
	must_fail 65 crm-stage add --title x --amount 12abc
	assert_output "crm-stage: invalid amount '12abc'"
	must_fail 65 crm-stage update 1 --amount=-0.01
	assert_output "crm-stage: negative amount '-0.01'"
	must_fail 65 crm-stage won 1 --amount -1
	assert_output "crm-stage: negative amount '-1'"
	must_fail 65 crm-stage move 1 qualify --amount 5
	assert_output "crm-stage: an amount is for a won deal (deal 1 goes to 'qualify')"
	must_fail 65 crm-stage add --title x --close-date 2026-02-30
	assert_output "crm-stage: invalid close date '2026-02-30'"
	must_fail 65 crm-stage update 1 --close-date 'next week'
	assert_output "crm-stage: invalid close date 'next week'"
	must_fail 65 crm-stage add --title x --currency US
	assert_output "crm-stage: invalid currency 'US'"
	must_fail 65 crm-stage add --title x --owner nobody
	assert_output "crm-stage: unknown user 'nobody'"
	must_fail 65 crm-stage update 1 --title ''
	assert_output "crm-stage: deal 1: title cannot be empty"
	must_fail 65 crm-stage add --title "$(printf 'bad\377')"
	assert_output "crm-stage: invalid UTF-8 in title"
	must_fail 64 crm-stage add --amount 5
	assert_output "crm-stage: add needs --title
Try 'crm-stage --help'."
	must_fail 64 crm-stage add --title x --set colour=red
	assert_output "crm-stage: unknown field 'colour'"
	must_fail 64 crm-stage update 1 --stage won
	must_fail 64 crm-stage won 1 --stage won
	assert_output "crm-stage: won: --stage does not apply
Try 'crm-stage --help'."
	# nothing of it was written
	[ "$(q "SELECT count(*) FROM deals")" -eq 1 ]
	[ "$(q "SELECT count(*) FROM deal_stages")" -eq 1 ]
	[ "$(q "SELECT count(*) FROM audit")" -eq "$before" ]
	[ "$(crm-stage list -H --fields stage,status,amount,close_date,title)" = "contact	open	100.00		CNC" ]
}

@test "bulk moves from TSV: all or nothing, every bad row named" {
	for t in A B C D; do crm-stage add --title $t -q; done
	crm-stage won 4 -q
	printf 'id\tstage\treason\tnote\tamount\n1\tqualify\tcalled\t\t\n2\tlost\tprice\ttoo dear\t\n3\twon\t\t\t8000\n' >moves.tsv
	run crm-stage move <moves.tsv
	assert_success
	assert_output "id	title	from	to	status	amount
1	A	contact	qualify	open	0.00
2	B	contact	lost	lost	0.00
3	C	contact	won	won	8000.00"
	[ "$(crm-stage list -H --fields stage,loss_reason,loss_note --status lost)" = "lost	price	too dear" ]
	# a bad row anywhere: nothing moves, each bad row is reported
	before=$(q "SELECT count(*) FROM deal_stages")
	printf 'stage\tid\tnote\nproposal\t1\t\nnope\t1\t\nqualify\t4\t\nproposal\t99\t\nproposal\tx\t\nqualify\t1\tsome note\n' >bad.tsv
	must_fail 65 crm-stage move <bad.tsv
	assert_output "crm-stage: stdin:3: unknown stage 'nope' in pipeline 'default'
crm-stage: stdin:4: deal 4 is won: reopen it first
crm-stage: deal 99 not found
crm-stage: stdin:6: invalid deal id 'x'
crm-stage: stdin:7: a note is for a lost deal (deal 1 goes to 'qualify')
crm-stage: 5 bad rows, nothing moved"
	[ "$(q "SELECT count(*) FROM deal_stages")" -eq "$before" ]
	[ "$(crm-stage list -H --fields stage --sort id | head -1)" = qualify ]
	# the later rows see what the earlier ones did: the second move of 1 is from proposal
	printf 'id\tstage\n1\tproposal\n1\tnegotiation\n' | crm-stage move -H >out.tsv
	[ "$(cut -f3,4 out.tsv)" = "qualify	proposal
proposal	negotiation" ]
	must_fail 65 crm-stage move <<<"$(printf 'id\treason\n1\tx')"
	assert_output "crm-stage: stdin:1: no column 'stage'"
	must_fail 64 crm-stage move --reason x </dev/null
}

@test "list: filters, --fields, --sort, --limit; csv; a table with the total amount" {
	setup_team
	crm-account add --name 长江电子 --owner rep1 >/dev/null
	crm-stage add --title A --amount 1000 --close-date 2026-03-31 --owner rep1 --account 1 -q
	crm-stage add --title B --amount 2500.50 --close-date 2026-04-15 --owner rep2 -q
	crm-stage add --title C --amount 300 --close-date 2026-05-01 --owner rep3 -q
	crm-stage add --title D --amount 99.99 --owner rep1 -q
	crm-stage won 2 -q
	run crm-stage list
	assert_output "$HEAD
1	A	长江电子	default	contact	open	1000.00	CNY	2026-03-31	rep1
2	B		default	won	won	2500.50	CNY	2026-04-15	rep2
3	C		default	contact	open	300.00	CNY	2026-05-01	rep3
4	D		default	contact	open	99.99	CNY		rep1"
	[ "$(crm-stage list -H --fields id --status open | tr '\n' ' ')" = "1 3 4 " ]
	[ "$(crm-stage list -H --fields id --owner rep1 | tr '\n' ' ')" = "1 4 " ]
	[ "$(crm-stage list -H --fields id --team east | tr '\n' ' ')" = "1 2 4 " ]
	[ "$(crm-stage list -H --fields id --close-before 2026-04-15 | tr '\n' ' ')" = "1 " ]
	[ "$(crm-stage list -H --fields id --close-after 2026-04-15 | tr '\n' ' ')" = "2 3 " ]
	[ "$(crm-stage list -H --fields id --min-amount 300 --max-amount 2500.50 | tr '\n' ' ')" = "1 2 3 " ]
	[ "$(crm-stage list -H --fields id --account 1)" = 1 ]
	[ "$(crm-stage list -H --fields id --stage won)" = 2 ]
	# amounts sort as numbers, not as text
	[ "$(crm-stage list -H --fields id,amount --sort -amount --limit 2)" = "2	2500.50
1	1000.00" ]
	[ "$(crm-stage list -H --fields title --sort amount | tr '\n' ' ')" = "D C A B " ]
	# CSV is RFC 4180: CRLF line ends
	[ "$(crm-stage list -f csv --fields id,title,amount --status open)" = "$(printf 'id,title,amount\r\n1,A,1000.00\r\n3,C,300.00\r\n4,D,99.99\r')" ]
	# the table ends with the sum of the amounts
	run crm-stage list -f table --fields id,title,amount
	total=$(awk 'BEGIN { printf "%.2f", 1000 + 2500.50 + 300 + 99.99 }')
	assert_line --index 0 --regexp '^ +id +title +amount$'
	[[ "${lines[${#lines[@]}-1]}" =~ ^total\ +${total}$ ]]
	must_fail 64 crm-stage list --status closed
	assert_output "crm-stage: unknown status 'closed' (open, won or lost)
Try 'crm-stage --help'."
	must_fail 65 crm-stage list --owner nobody
	assert_output "crm-stage: unknown user 'nobody'"
	must_fail 65 crm-stage list --team north
	assert_output "crm-stage: unknown team 'north'"
	must_fail 65 crm-stage list --min-amount -3
	assert_output "crm-stage: negative amount '-3'"
	must_fail 65 crm-stage list --stage nope
	assert_output "crm-stage: unknown stage 'nope'"
	must_fail 64 crm-stage list --fields id,colour
	assert_output "crm-stage: unknown field 'colour' in --fields
Try 'crm-stage --help'."
	must_fail 74 bash -c 'crm-stage list >/dev/full'
	assert_output "crm-stage: write error: No space left on device"
}

@test "update: changed fields audited; -n prints the changes; custom fields; show" {
	cat >crm.yaml <<'EOF'
custom_fields:
  deal:
    - {name: payment_terms, type: enum, values: [prepaid, net30]}
    - {name: budget, type: money}
EOF
	export CRM_CONFIG=$PWD/crm.yaml
	crm-stage add --title 'CNC' --amount 100 --set payment_terms=net30 -q
	run crm-stage -n update 1 --amount 150 --title 'CNC 20 台' --set budget=99.5 --product X1
	assert_success
	assert_output "id	field	old_value	new_value
1	title	CNC	CNC 20 台
1	amount	100.00	150.00
1	product		X1
1	budget		99.50"
	[ "$(crm-stage list -H --fields title,amount,budget)" = "CNC	100.00	" ]
	crm-stage update 1 --amount 150 --title 'CNC 20 台' --set budget=99.5 --product X1
	run crm-stage list -H --fields title,amount,product,payment_terms,budget
	assert_output "CNC 20 台	150.00	X1	net30	99.50"
	[ "$(q "SELECT field, old_value, new_value FROM audit WHERE action = 'update' ORDER BY id")" = "title	CNC	CNC 20 台
amount	100.00	150.00
product		X1
budget		99.50" ]
	# the same values again change nothing
	crm-stage update 1 --amount 150.00 --set budget=99.50
	[ "$(q "SELECT count(*) FROM audit WHERE action = 'update'")" -eq 4 ]
	must_fail 65 crm-stage update 1 --set payment_terms=cash
	assert_output "crm-stage: payment_terms: not one of the allowed values 'cash'"
	run crm-stage show 1
	assert_success
	assert_line --index 0 "# deal"
	[ "$(sed -n 4p <<<"$output")" = "" ]
	assert_line --index 3 "# history"
	assert_line --index 4 "at	from	to	actor	reason"
	[ "$(sed -n 2p <<<"$output" | cut -f1-7)" = "id	title	account	pipeline	stage	status	amount" ]
	run crm-stage show 1 -f table
	assert_line --regexp '^payment_terms +net30$'
	assert_line --regexp '^amount +150.00$'
}

@test "visibility: a rep sees and moves their deals, a manager the team's, an admin all (77)" {
	setup_team
	crm-account add --name 客户甲 --owner rep2 >/dev/null
	crm-stage add --title mine --as rep1 -q
	crm-stage add --title theirs --owner rep2 -q
	crm-stage add --title west --owner rep3 -q
	[ "$(crm-stage list -H --fields id,owner --as rep1)" = "1	rep1" ]
	[ "$(crm-stage list -H --fields id --as mgr | tr '\n' ' ')" = "1 2 " ]
	[ "$(crm-stage list -H --fields id --as rep3)" = 3 ]
	[ "$(crm-stage list -H --fields id | tr '\n' ' ')" = "1 2 3 " ]
	must_fail 77 crm-stage move 2 qualify --as rep1
	assert_output "crm-stage: permission denied: deal 2 is not visible to 'rep1'"
	must_fail 77 crm-stage history 2 --as rep1
	assert_output "crm-stage: permission denied: deal 2 is not visible to 'rep1'"
	must_fail 77 crm-stage update 3 --title x --as mgr
	assert_output "crm-stage: permission denied: deal 3 is not visible to 'mgr'"
	must_fail 77 crm-stage add --title x --owner rep2 --as rep1
	assert_output "crm-stage: permission denied: 'rep1' may not change deals of 'rep2'"
	must_fail 77 crm-stage add --title x --account 1 --as rep1
	assert_output "crm-stage: permission denied: account 1 is not visible to 'rep1'"
	must_fail 77 crm-stage update 1 --owner rep3 --as mgr
	assert_output "crm-stage: permission denied: 'mgr' may not change deals of 'rep3'"
	must_fail 77 crm-stage list --as ghost
	assert_output "crm-stage: unknown user 'ghost' (from --as)"
	crm-stage move 2 qualify --as mgr -q
	crm-stage move 1 qualify --as rep1 -q
	crm-stage update 1 --owner rep2 --as mgr
	[ "$(crm-stage list -H --fields owner --as rep2 | tr '\n' ' ')" = "rep2 rep2 " ]
	[ "$(q "SELECT actor FROM deal_stages WHERE from_stage IS NOT NULL ORDER BY id" | tr '\n' ' ')" = "mgr rep1 " ]
	[ "$(q "SELECT count(*) FROM deals")" -eq 3 ]
}

@test "-n writes nothing: add, move, won, lost, bulk move" {
	run crm-stage -n add --title x --amount 5
	assert_success
	assert_output "$HEAD
1	x		default	contact	open	5.00	CNY		"
	[ "$(q "SELECT count(*) FROM deals")" -eq 0 ]
	crm-stage add --title y -q
	# PostgreSQL's identity keeps the id the dry run spent; SQLite takes max + 1
	id=1
	on_pg && id=2
	[ "$(q "SELECT id FROM deals")" = "$id" ]
	audit=$(q "SELECT count(*) FROM audit")
	run crm-stage -n move $id proposal
	assert_output "id	title	from	to	status	amount
$id	y	contact	proposal	open	0.00"
	run crm-stage -n won $id --amount 9
	assert_line "$id	y	contact	won	won	9.00"
	crm-stage -n lost $id --reason price >/dev/null
	printf 'id\tstage\n%s\tqualify\n' $id | crm-stage -n move >/dev/null
	[ "$(q "SELECT count(*) FROM deal_stages")" -eq 1 ]
	[ "$(q "SELECT count(*) FROM audit")" -eq "$audit" ]
	[ "$(crm-stage list -H --fields stage,status,amount)" = "contact	open	0.00" ]
}

@test "a locked database: 69 after the busy timeout, nothing written; readers go on" {
	crm-stage add --title x -q
	hold_lock 5
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-stage move 1 qualify
	assert_output "crm-stage: $CRM_DB: cannot start transaction: database is locked (busy timeout expired)"
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-stage add --title y
	CRM_BUSY_TIMEOUT=100 run crm-stage list -H --fields stage
	assert_success
	assert_output contact
	kill "$LOCK_PID"
	[ "$(q "SELECT count(*) FROM deal_stages")" -eq 1 ]
}

@test "interactions on a deal: crm-log add --deal; a rep only on their own deals" {
	setup_team
	crm-stage add --title mine --as rep1 -q
	crm-stage add --title theirs --owner rep2 -q
	CRM_NOW=2026-03-03T02:00:00Z run crm-log add --deal 1 --kind call 'price talk' --as rep1
	assert_success
	assert_line "1	2026-03-03T02:00:00Z	deal	1	mine	call	price talk		rep1"
	[ "$(crm-stage list -H --fields last_activity_at --as rep1)" = 2026-03-03T02:00:00Z ]
	[ "$(crm-log list --deal 1 -H | cut -f3,4,6)" = "deal	1	call" ]
	must_fail 77 crm-log add --deal 2 --kind call x --as rep1
	must_fail 1 crm-log add --deal 9 --kind call x
}

@test "handover moves open deals (with their account's new owner) and tasks on them; closed deals stay" {
	setup_team
	crm-account add --name 客户甲 --owner rep1 >/dev/null
	crm-stage add --title open1 --owner rep1 -q
	crm-stage add --title open2 --owner rep1 --account 1 -q
	crm-stage add --title done --owner rep1 -q
	crm-stage won 3 -q
	crm-task add --title 'send quote' --due 3d --deal 2 --owner rep1 >/dev/null
	run --separate-stderr crm-assign handover --from rep1 --to rep2
	assert_success
	assert_line "account	1	客户甲	rep1	rep2"
	assert_line "deal	1	open1	rep1	rep2"
	assert_line "deal	2	open2	rep1	rep2"
	refute_line --partial "done"
	[ "$(crm-stage list -H --fields id,owner | tr '\n' ' ')" = "1	rep2 2	rep2 3	rep1 " ]
	[ "$(q "SELECT u.login FROM tasks t JOIN users u ON u.id = t.owner_id")" = rep2 ]
	[ "$(q "SELECT count(*) FROM audit WHERE entity = 'deal' AND action = 'handover'")" -eq 2 ]
}

@test "--help, --version and completion values" {
	run crm-stage --help
	assert_success
	assert_line --index 0 "Usage:"
	assert_line "See crm-stage(1)."
	run crm-stage --version
	assert_output --regexp '^crm-stage [0-9]'
	run crm-stage --complete=subcommands
	assert_output "add
update
move
won
lost
reopen
list
stuck
show
history
stages
import"
	run crm-stage --complete=stages
	assert_output "contact
qualify
proposal
negotiation
won
lost"
	run crm-stage --complete=pipelines
	assert_output default
	run crm-stage --complete=statuses
	assert_output "open
won
lost"
	run crm-stage --complete=loss_reasons
	assert_line price
	run crm-stage --complete=fields
	assert_line days_in_stage
	crm-user add --login ann --name Ann --role admin >/dev/null
	run crm-stage --complete=logins
	assert_output ann
	must_fail 64 crm-stage
	must_fail 64 crm-stage frobnicate
	assert_output "crm-stage: unknown command 'frobnicate'
Try 'crm-stage --help'."
}
