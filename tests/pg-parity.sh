#!/bin/sh
# The same work on both engines, and the same bytes out: each scenario
# below runs against a fresh SQLite file and a fresh PostgreSQL database
# (in a scratch cluster of tests/pg.sh), and everything the tools print
# (stdout, stderr and exit statuses) must be identical but for the line
# of crm check that names the database.  Skips (exit 0 with a message)
# when no PostgreSQL server can be started here.
# usage: tests/pg-parity.sh [BUILD]
me=pg-parity
. "$(dirname "$0")/pg-scenario.sh"

# n NOW command...: one step of a scenario, its output and status
n() {
	CRM_NOW=$1
	export CRM_NOW
	shift
	"$B/bin/$@" 2>&1
	echo "status $?"
}

# lead to deal: import, assign, log, convert, move, win, the reports,
# then the privacy export and forget of a lead and of a contact (the
# normalisers are SQL functions in C on SQLite, plpgsql on PostgreSQL)
sales() {
	n 2026-03-02T01:00:00Z crm-user add --login root --name Root --role admin
	n 2026-03-02T01:00:00Z crm-user team add east
	n 2026-03-02T01:00:00Z crm-user add --login a1 --name A1 --team east
	n 2026-03-02T01:00:00Z crm-user add --login a2 --name A2 --team east
	n 2026-03-02T01:00:00Z crm-lead import "$top/tests/fixtures/leads-expo.csv"
	# assigned set-wise: the audit rows' ids given, the sequence told
	n 2026-03-02T01:00:00Z crm-assign --unassigned --to a1
	printf 'id\n2\n' | n 2026-03-02T01:30:00Z crm-assign --reassign --to a2
	n 2026-03-02T01:40:00Z crm-assign handover --from a1 --team east
	n 2026-03-02T02:00:00Z crm-log add --lead 1 --kind call 电话沟通
	n 2026-03-02T03:00:00Z crm-lead convert 1 --title 大单 --amount 120000
	n 2026-03-03T03:00:00Z crm-stage move 1 proposal
	n 2026-03-05T03:00:00Z crm-stage won 1
	n 2026-03-06T03:00:00Z crm-lead list
	n 2026-03-06T03:00:00Z crm-stage list
	n 2026-03-06T03:00:00Z crm-report funnel --since 2026-03-01
	n 2026-03-06T03:00:00Z crm-report kpi --since 2026-03-01
	n 2026-03-06T03:00:00Z crm-report leaderboard --since 2026-03-01
	# 17:00 UTC on the 31st is April in Shanghai: the month keys follow
	# crm's zone on both engines (PostgreSQL's session TimeZone is set)
	n 2026-03-31T17:00:00Z crm-stage add --title 边界单 -q
	n 2026-04-02T03:00:00Z crm-report kpi --by month --since 2026-03-01
	n 2026-03-06T03:00:00Z crm-account show 1
	n 2026-03-07T01:00:00Z crm-contact add --name 赵敏 --phone "+86 139-0013-9000" --email Zm@Example.CN
	n 2026-03-07T02:00:00Z crm-privacy export --phone "139 0013 9000" --email zm@example.cn
	n 2026-03-07T02:00:00Z crm-privacy export --text --name 赵敏
	n 2026-03-07T03:00:00Z crm-lead forget 2
	n 2026-03-07T03:00:00Z crm-contact forget 1
	# last of what writes: PostgreSQL does not give back the ids the rows
	# of a rolled-back transaction took (nor those of the duplicate the
	# import skipped: no lead is added after it)
	n 2026-03-07T03:00:00Z crm-lead forget --dry-run 3
	n 2026-03-07T04:00:00Z crm-privacy export --phone 13900139000
	n 2026-03-07T04:00:00Z crm-lead list
	n 2026-03-07T04:00:00Z crm audit
	n 2026-03-07T04:00:00Z crm check
}

# won to cash to service: quote, contract, order, plan, payment, ageing,
# a ticket through its SLA, the service and churn reports, reminders
cash() {
	n 2026-03-02T01:00:00Z crm-user add --login root --name Root --role admin
	n 2026-03-02T01:00:00Z crm-account add --name 长江电子 --email it@cj.example.cn
	n 2026-03-02T01:00:00Z crm-contact add --name 王伟 --account 1 --email ww@cj.example.cn
	n 2026-03-02T01:00:00Z crm-stage add --title 服务器 --account 1
	n 2026-03-02T01:00:00Z crm-product add --sku SRV --name 服务器 --price 80000
	n 2026-03-02T01:00:00Z crm-quote new --deal 1
	n 2026-03-02T01:00:00Z crm-quote line 1 --product SRV --qty 10
	n 2026-03-02T01:00:00Z crm-quote send 1
	n 2026-03-02T01:00:00Z crm-quote accept 1
	n 2026-03-02T01:00:00Z crm-stage won 1
	n 2026-03-02T01:00:00Z crm-contract new --quote 1 --start 2026-03-02
	n 2026-03-02T01:00:00Z crm-contract submit 1
	n 2026-03-02T01:00:00Z crm-contract sign 1 --on 2026-03-02
	n 2026-03-02T01:00:00Z crm-order new --contract 1
	n 2026-03-02T01:00:00Z crm-pay plan 1 --split 30,70:30
	n 2026-03-02T01:00:00Z crm-pay record 1 100000
	n 2026-04-15T01:00:00Z crm-report ageing
	n 2026-04-15T01:00:00Z crm-ticket add --subject 打印机坏了 --account 1 --contact 1 --priority high
	n 2026-04-15T02:00:00Z crm-ticket reply 1 请重启
	n 2026-04-15T03:00:00Z crm-ticket queue
	n 2026-04-15T03:00:00Z crm-ticket resolve 1
	n 2026-04-15T03:00:00Z crm-report service
	n 2026-04-15T03:00:00Z crm-report churn
	n 2026-04-15T03:00:00Z crm-report rfm
	n 2026-04-15T03:00:00Z crm-task remind
	n 2026-04-15T03:00:00Z crm-account show 1
	n 2026-04-15T03:00:00Z crm check
}

# r NOW command...: a ranked search (3+ characters: FTS5 on SQLite, the
# pg_trgm indexes on PostgreSQL), its rows without their last two
# columns, sorted.  The two engines find the same rows, but of each row
# the snippet and the rank legitimately differ: SQLite's are FTS5's
# snippet() (its window counted in tokens) and bm25 (a float, weighted by
# the rarity of the term and the length of the text), PostgreSQL's are
# crm_search_snippet_best (12 characters either side of the first term)
# and crm_search_rank (minus the weighted count of occurrences, an
# integer); and where bm25's length and rarity outweigh the counts the
# order differs too.  So the set of rows is compared, not the order.
r() {
	CRM_NOW=$1
	export CRM_NOW
	shift
	"$B/bin/$@" >"$tmp/r.out" 2>&1
	echo "status $?"
	awk -F '\t' '{ s = $1; for (i = 2; i <= NF - 2; i++) s = s "\t" $i; print s }' \
		"$tmp/r.out" | sort
}

# o NOW command...: the order of a ranked search's ids, where the counts
# and bm25 agree (the word in the title first, then more often in a body)
o() {
	CRM_NOW=$1
	export CRM_NOW
	shift
	"$B/bin/$@" -H 2>&1 | cut -f1 | tr '\n' ' '
	echo
}

# full-text search: articles (English and Chinese), tickets and notes
# through the tools; crm-kb search (3+ characters ranked, 1-2 by a scan),
# --tickets, --notes, suggest; hostile query text (quotes, %, _,
# backslash, FTS syntax) never an error.  The admin is ada, not root:
# run as root, CRM_USER could name no one else (SPEC §4 "Identity").
search() {
	t=2026-03-02T01:00:00Z
	CRM_USER=ada
	export CRM_USER
	long=$(printf 'lorem ipsum dolor sit amet %.0s' $(seq 60))
	n $t crm-user add --login ada --name Ada --role admin
	n $t crm-user add --login rob --name Rob
	n $t crm-user add --login wes --name Wes
	n $t crm-kb add -q --title "Printer jams" --body "If the printer jams, open tray 2." --publish
	n $t crm-kb add -q --title 打印机卡纸 --body "请打开纸盒，取出卡住的纸。" --tags 打印机,硬件 --publish
	n $t crm-kb add -q --title "Draft printer" --body "printer notes"
	n $t crm-kb add -q --title Misc --body "$long toner $long" --publish
	n $t crm-kb add -q --title Toner --body "toner toner: replace the toner" --publish
	n $t crm-kb add -q --title Other --body "$(printf 'words %.0s' $(seq 20)) toner, toner" --publish
	n $t crm-kb add -q --title 'Quote "x" and NEAR(a b)' \
		--body 'col:val -flag (paren) a*b 100% off_line back\slash' --publish
	n $t crm-kb add -q --title 无法登录 --body 重置密码后再试 --publish
	n $t crm-kb add -q --title "VPN drops" --body "Reconnect the VPN client" --publish
	n $t crm-ticket add -q --subject 打印机卡纸 --body 每次都卡 --owner rob
	n $t crm-ticket add -q --subject 打印机坏了 --body "不能开机, printer dead" --owner wes
	n $t crm-ticket add -q --subject "VPN keeps dropping" --body "the vpn client drops hourly"
	n $t crm-lead add -q --name 甲 --phone 13800000001 --owner rob
	n $t crm-lead add -q --name 乙 --phone 13800000002 --owner wes
	n $t crm-log add --lead 1 --kind call 客户说打印机卡纸
	n $t crm-log add --lead 2 --kind call "打印机报价已发 100% off"
	n $t crm-ticket note 2 "printer 打印机 replaced"
	# the scans (1-2 characters) print the same bytes on both: no rank
	for q in 打印 卡纸 "VPN 卡"; do
		n $t crm-kb search -- "$q"
		n $t crm-kb search --tickets -- "$q"
		n $t crm-kb search --notes -- "$q"
	done
	for q in PRINTER printer 打印机 "printer 纸盒" "打印机 硬件" toner vpn; do
		r $t crm-kb search -- "$q"
	done
	r $t crm-kb search --all printer
	r $t crm-kb search --limit 1 --all printer
	o $t crm-kb search toner
	o $t crm-kb search 打印机
	for q in '"' '""' 'NEAR(a b)' 'NEAR' '*' 'a*b' '-flag' 'col:val' '(paren)' '(((' \
		'AND OR NOT' '"x" OR' "'; DROP TABLE kb_articles; --" '^col' '{title}: x' \
		'%' '%%%' '_' '___' '100%' 'off_line' 'off%line' 'back\slash' '\\\' '\%_' "'''"; do
		r $t crm-kb search -- "$q"
		r $t crm-kb search --tickets -- "$q"
		r $t crm-kb search --notes -- "$q"
		r $t crm-kb suggest -- "$q"
	done
	for u in ada rob wes; do
		for q in 打印机 printer vpn; do
			CRM_USER=$u r $t crm-kb search --tickets -- "$q"
			CRM_USER=$u r $t crm-kb search --notes -- "$q"
		done
	done
	r $t crm-kb suggest --ticket 1
	r $t crm-kb suggest --ticket T-000003
	r $t crm-kb suggest "the vpn keeps dropping"
	r $t crm-kb suggest 我的打印机又卡纸了，昨天开始
	r $t crm-kb suggest 登录
	CRM_USER=rob r $t crm-kb suggest --ticket 2
	n $t crm check
	CRM_USER=root
}

# a team at work, each as themselves: what reps and a manager see and may
# not see (row-level security on PostgreSQL, the tools' own rules on
# both), a rep's import meeting others' customers, claims from the pool,
# a handover, reports in each one's scope
team() {
	t=2026-03-02T01:00:00Z
	# the admin is not the Unix login (root in CI), so CRM_USER may name
	# each of them (on PostgreSQL: SET ROLE from the cluster's superuser)
	CRM_USER=boss
	n $t crm-user add --login boss --name Boss --role admin
	n $t crm-user team add east
	n $t crm-user team add west
	n $t crm-user add --login mia --name Mia --role manager --team east
	n $t crm-user add --login a1 --name A1 --team east --manager mia
	n $t crm-user add --login a2 --name A2 --team east --manager mia
	n $t crm-user add --login w1 --name W1 --team west
	n $t crm-lead import "$top/tests/fixtures/leads-expo.csv"
	n $t crm-assign --unassigned --to a1
	printf 'id\n2\n' | n $t crm-assign --reassign --to w1
	n $t crm-lead add --name 池中 --phone 13700000000
	for u in a1 a2 w1 mia; do
		CRM_USER=$u
		n $t crm-lead list
		n $t crm-lead show 1
		n $t crm-lead show 2
		n $t crm-lead show 99
		n $t crm-log add --lead 2 --kind call "$u 试图记录"
		n $t crm-lead update 2 --title "$u 改"
	done
	CRM_USER=a2
	n $t crm-lead claim 5
	n $t crm-lead claim 1
	n $t crm-lead claim 5
	printf 'name,company,phone\n王伟,百度,13800138000\n新人,新公司,13600000000\n' >"$tmp/rep.csv"
	n $t crm-lead import "$tmp/rep.csv"
	CRM_USER=a1
	n $t crm-log add --lead 1 --kind call 电话沟通
	n $t crm-lead convert 1 --title 大单 --amount 120000
	n $t crm-stage move 1 proposal
	n 2026-03-03T01:00:00Z crm-task add --title 回访 --due 2026-03-05 --lead 3
	for u in a1 a2 w1 mia; do
		CRM_USER=$u
		n $t crm-account list
		n $t crm-account show 1
		n $t crm-stage list
		n $t crm-stage move 1 negotiation
		n $t crm-task list --all --status all
		n $t crm-log list --lead 1
		n $t crm-report funnel --since 2026-03-01
		n $t crm-report kpi --since 2026-03-01
	done
	CRM_USER=mia
	n $t crm-assign handover --from a1 --to a2
	CRM_USER=boss
	n $t crm-lead list
	n $t crm audit
	n $t crm check
	CRM_USER=a1
	n $t crm check
	CRM_USER=boss
	CRM_USER=root
}

# the maven-crm export migrated as the README shows, and its reports
maven() {
	t=2026-03-02T01:00:00Z
	d=$top/../shared/data/maven-crm
	n $t crm-user add --login root --name Root --role admin
	n $t crm-user import "$d/sales_teams.csv"
	n $t crm-account import "$d/accounts.csv"
	n $t crm-stage import --currency USD --entry-stage proposal \
		--stage-map Prospecting=contact,Engaging=proposal,Won=won,Lost=lost "$d/sales_pipeline.csv"
	n $t crm-report leaderboard --metric win_rate --since 2016-10-01
	n $t crm-report funnel --since 2016-10-01
	n $t crm-report forecast --since 2016-10-01
	n $t crm-report kpi --by month --since 2016-10-01
	n $t crm-stage list
	n $t crm-account list
	n $t crm-user list --all
	n $t crm check
}

export CRM_USER=root TZ=Asia/Shanghai LC_ALL=C.UTF-8
unset CRM_CONFIG
export XDG_CONFIG_HOME="$tmp/config"
st=0
scenarios="sales cash search team"
if [ -d "$top/../shared/data/maven-crm" ]; then
	scenarios="$scenarios maven"
else
	echo "$me: the maven scenario skipped: no maven-crm export at $top/../shared/data/maven-crm"
fi
for scenario in $scenarios; do
	lite=$tmp/$scenario.db
	CRM_DB=$lite "$B/bin/crm" init -q || exit 1
	# LC_CTYPE UTF-8: under C pg_trgm takes no Chinese into its trigrams
	psql "$conn" -q -c "CREATE DATABASE $scenario TEMPLATE template0 LC_COLLATE 'C'
		LC_CTYPE 'C.UTF-8'" \
		-c "" >/dev/null 2>&1 ||
		{ echo "$me: cannot create database $scenario" >&2; exit 1; }
	pg=$(echo "$conn" | sed "s/dbname=[^ ]*/dbname=$scenario/")
	CRM_DB=$pg "$B/bin/crm" init -q || exit 1
	CRM_DB=$lite $scenario | grep -v '^database	' >"$tmp/$scenario.sqlite"
	# forget on PostgreSQL cannot zero what it erased (SQLite's secure
	# delete and WAL checkpoint) and says so in one line on stderr that
	# names VACUUM FULL: the only line the engines are meant to differ by,
	# once for each forget that commits (sales has two, cash none)
	CRM_DB=$pg $scenario | grep -v '^database	' >"$tmp/$scenario.pgraw"
	vacuum='^crm-[a-z]*: forget: the server keeps old versions .* VACUUM FULL '
	told=$(grep -c "$vacuum" "$tmp/$scenario.pgraw")
	want=0
	[ $scenario = sales ] && want=2
	if [ "$told" -ne $want ]; then
		echo "$me: $scenario: the VACUUM FULL notice came $told times, not $want"
		st=1
	fi
	grep -v "$vacuum" "$tmp/$scenario.pgraw" >"$tmp/$scenario.pg"
	if ! diff -u "$tmp/$scenario.sqlite" "$tmp/$scenario.pg"; then
		echo "$me: $scenario: the engines differ (- SQLite, + PostgreSQL)"
		st=1
	fi
done
[ $st -eq 0 ] && echo "$me: $(echo $scenarios | sed 's/ /, /g'): the same bytes from SQLite and PostgreSQL"
exit $st
