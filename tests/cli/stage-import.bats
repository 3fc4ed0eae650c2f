#!/usr/bin/env bats
# crm-stage import: the maven-crm export migrated with the documented
# commands (crm-user import, crm-account import, crm-stage import) and
# checked against awk over its CSV; then columns, aliases, the history a
# row's dates give, bad rows, --skip-bad and duplicates on small files.

load helper
bats_require_minimum_version 1.5.0

MAVEN=$TOP/../shared/data/maven-crm
STAGE_MAP=Prospecting=contact,Engaging=proposal,Won=won,Lost=lost
NOW_TS=1772442000	# CRM_NOW, 2026-03-02T09:00:00Z

need_maven() {
	[ -d "$MAVEN" ] || skip "the maven-crm export is not at $MAVEN"
}

# The commands of crm-stage(1) EXAMPLES, as an admin.
maven_import() {
	crm-user add --login admin --name Admin --role admin >/dev/null
	export CRM_USER=admin
	crm-user import -q "$MAVEN/sales_teams.csv" >/dev/null
	crm-account import -q "$MAVEN/accounts.csv" >/dev/null
	run --separate-stderr crm-stage import --currency USD --entry-stage proposal \
		--stage-map "$STAGE_MAP" "$MAVEN/sales_pipeline.csv"
}

# awk over sales_pipeline.csv with the date functions; logins as crm-user
# import makes them ("Moses Frase" => moses.frase), stages as mapped.
maven_awk() {
	awk -F, -v OFS='\t' -v NOW="$NOW_TS" -f "$TOP/tests/dates.awk" -f <(cat <<'EOF'
BEGIN { split("Prospecting contact Engaging proposal Won won Lost lost", m, " ")
	for (i = 1; i < 8; i += 2) STAGE[m[i]] = m[i + 1] }
function login(n) { n = tolower(n); gsub(/ /, ".", n); return n }
function midnight(d) { return date_day(d) * 86400 - tzoff() }
NR == 1 { next }
EOF
	echo "$1") "$MAVEN/sales_pipeline.csv"
}

@test "maven-crm: every deal imports with its owner, account, product, stage, dates and value" {
	need_maven
	maven_import
	assert_success
	rows=$(awk 'END { print NR - 1 }' "$MAVEN/sales_pipeline.csv")
	[ "$rows" -eq 8800 ]
	assert_equal "$stderr" "crm-stage: imported $rows, duplicates 0, rejected 0, new accounts 0"
	[ "${#lines[@]}" -eq $((rows + 1)) ]
	[ "$(sed 1d <<<"$output" | cut -f2 | sort -u)" = new ]
	[ "$(db_query "SELECT count(*) FROM deals")" -eq "$rows" ]
	[ "$(db_query "SELECT count(*) FROM accounts")" -eq 85 ]
	# every row as it should be, the inconsistencies kept as the export has them
	want=$(maven_awk '{ won = $5 == "Won" || $5 == "Lost"
		print $1, login($2), $3, $4, STAGE[$5], $5 == "Won" ? "won" : $5 == "Lost" ? "lost" : "open",
			sprintf("%.2f", $8), "USD", $7, iso($6 == "" ? NOW : midnight($6)),
			won ? iso(midnight($7)) : "" }' | sort)
	got=$(crm-stage list -H --fields external_id,owner,product,account,stage,status,amount,currency,close_date,created_at,closed_at | sort)
	[ "$want" = "$got" ]
	# open deals without an account keep none; GTXPro stays GTXPro
	no_account=$(maven_awk '$4 == "" { n++ } END { print n }')
	[ "$no_account" -eq 1425 ]
	[ "$(db_query "SELECT count(*) FROM deals WHERE account_id IS NULL AND status = 'open'")" -eq "$no_account" ]
	[ "$(crm-stage list -H --fields product | grep -c '^GTXPro$')" -eq "$(maven_awk '$3 == "GTXPro" { n++ } END { print n }')" ]
}

@test "maven-crm: the history is the export's dates: engaged into proposal, closed on the close date" {
	need_maven
	maven_import
	assert_success
	want=$(maven_awk '{ if ($5 == "Won" || $5 == "Lost") {
			print $1, "", "proposal", iso(midnight($6)); print $1, "proposal", STAGE[$5], iso(midnight($7)) }
		else print $1, "", STAGE[$5], iso($6 == "" ? NOW : midnight($6)) }' | sort)
	got=$(db_query_tsv "SELECT d.external_id, coalesce(s.from_stage, ''), s.to_stage, s.at
		FROM deal_stages s JOIN deals d ON d.id = s.deal_id" | sort)
	[ "$want" = "$got" ]
	# the first row by hand: engaged 2016-10-20, won 2017-03-01 (Shanghai, UTC+8)
	[ "$(head -2 "$MAVEN/sales_pipeline.csv" | tail -1)" = "1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,2016-10-20,2017-03-01,1054" ]
	run crm-stage history 1
	assert_output "at	from	to	actor	reason
2016-10-19T16:00:00Z		proposal	admin	
2017-02-28T16:00:00Z	proposal	won	admin	"
}

@test "maven-crm: counts, won amounts and win rates per agent and totals per stage match awk" {
	need_maven
	maven_import
	assert_success
	# per agent: deals, won, won amount, lost, win rate
	per_agent='{ n[$1]++; if ($2 == "won") { w[$1]++; a[$1] += $3 } else if ($2 == "lost") l[$1]++ }
		END { for (k in n) printf "%s\t%d\t%d\t%.2f\t%d\t%.4f\n", k, n[k], w[k], a[k], l[k],
			w[k] / (w[k] + l[k]) }'
	want=$(maven_awk '{ print login($2), $5 == "Won" ? "won" : $5 == "Lost" ? "lost" : "open", $8 }' |
		awk -F'\t' "$per_agent" | sort)
	[ "$(wc -l <<<"$want")" -eq 30 ]
	got=$(crm-stage list -H --fields owner,status,amount | awk -F'\t' "$per_agent" | sort)
	[ "$want" = "$got" ]
	# the report a manager reads gives the same won amounts and win rates
	want_kpi=$(cut -f1,3-6 <<<"$want")
	got_kpi=$(crm-report kpi --by owner --since 2016-01-01 | awk -F'\t' -v OFS='\t' '
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ print $c["owner"], $c["deals_won"], $c["won_amount"], $c["deals_lost"], $c["win_rate"] }' | sort)
	[ "$want_kpi" = "$got_kpi" ]
	# one agent by hand through list filters
	[ "$(crm-stage list -H --owner darcel.schlecht --status won --fields id | wc -l)" -eq \
		"$(awk -F, '$2 == "Darcel Schlecht" && $5 == "Won"' "$MAVEN/sales_pipeline.csv" | wc -l)" ]
	# totals per stage: count and amount
	per_stage='{ n[$1]++; a[$1] += $2 } END { for (k in n) printf "%s\t%d\t%.2f\n", k, n[k], a[k] }'
	want=$(maven_awk '{ print STAGE[$5], $8 }' | awk -F'\t' "$per_stage" | sort)
	got=$(crm-stage list -H --fields stage,amount | awk -F'\t' "$per_stage" | sort)
	[ "$want" = "$got" ]
	[ "$(cut -f1,2 <<<"$want" | tr '\n' ' ')" = "contact	500 lost	2473 proposal	1589 won	4238 " ]
	# the table's total row is the won revenue
	won=$(awk -F, '$5 == "Won" { s += $8 } END { printf "%.2f", s }' "$MAVEN/sales_pipeline.csv")
	[[ "$(crm-stage list --status won --fields id,amount -f table | tail -1)" =~ ^total\ +${won}$ ]]
}

@test "maven-crm: importing again finds every deal a duplicate and adds nothing" {
	need_maven
	maven_import
	assert_success
	run --separate-stderr crm-stage import -q --currency USD --stage-map "$STAGE_MAP" "$MAVEN/sales_pipeline.csv"
	assert_success
	[ "$(sed 1d <<<"$output" | cut -f2 | sort -u)" = duplicate ]
	[ "$(db_query "SELECT count(*) FROM deals")" -eq 8800 ]
	[ "$(db_query "SELECT count(*) FROM deal_stages")" -eq $((2089 + 2 * 6711)) ]
	[ "$(db_query "SELECT count(*) FROM audit WHERE entity = 'deal'")" -eq 1 ]
}

@test "maven-crm: without --stage-map every row is named and nothing is imported" {
	need_maven
	crm-user add --login admin --name Admin --role admin >/dev/null
	export CRM_USER=admin
	crm-user import -q "$MAVEN/sales_teams.csv" >/dev/null
	# Won and Lost are the default pipeline's display names; the others are not
	must_fail 65 crm-stage import "$MAVEN/sales_pipeline.csv"
	first=$(awk -F, '$5 == "Engaging" || $5 == "Prospecting" { print NR, $5; exit }' "$MAVEN/sales_pipeline.csv")
	assert_line --index 0 "crm-stage: $MAVEN/sales_pipeline.csv:${first% *}: unknown stage '${first#* }' in pipeline 'default' (map it with --stage-map)"
	open=$(awk -F, '$5 == "Engaging" || $5 == "Prospecting"' "$MAVEN/sales_pipeline.csv" | wc -l)
	[ "$open" -eq 2089 ]
	assert_line "crm-stage: $open bad rows, nothing imported"
	[ "$(db_query "SELECT count(*) FROM deals") $(db_query "SELECT count(*) FROM accounts")" = "0 0" ]
}

users() {
	crm-user add --login root --name Root --role admin >/dev/null
	export CRM_USER=root
	crm-user add --login wang --name 王伟 >/dev/null
	crm-user add --login li --name 'Li Na' >/dev/null
}

@test "columns by header, Chinese aliases and --map; owners by login or name; accounts linked or made" {
	users
	cat >crm.yaml <<'EOF'
pipeline:
  - {id: contact, name: 初步接触, probability: 10}
  - {id: proposal, name: 方案报价, probability: 50}
  - {id: won, name: 赢单, kind: won}
  - {id: lost, name: 输单, kind: lost}
pipelines:
  project:
    - {id: survey, name: 现场勘查, probability: 10}
    - {id: signed, name: 签约, kind: won}
    - {id: dropped, name: 放弃, kind: lost}
custom_fields:
  deal:
    - {name: payment_terms, type: enum, values: [prepaid, net30]}
loss_reasons: [price, timing]
EOF
	export CRM_CONFIG=$PWD/crm.yaml
	crm-account add --name 长江电子有限公司 >/dev/null
	cat >deals.csv <<'EOF'
商机编号,商机名称,客户名称,负责人,产品,金额,阶段,创建日期,成交日期,来源
D1,数控机床,长江电子,王伟,CNC-20,"480,000",赢单,2025-11-03,2026-01-15,expo
D2,,黄河机械,li,配件,1200.50,方案报价,2026-02-01,2026-04-30,
D3,,,LI NA,,,,,,
EOF
	run --separate-stderr crm-stage import deals.csv
	assert_success
	assert_output "id	status
1	new
2	new
3	new"
	assert_equal "$stderr" "crm-stage: imported 3, duplicates 0, rejected 0, new accounts 1"
	run crm-stage list -H --fields external_id,title,account,owner,product,stage,status,amount,currency,close_date,source
	assert_output "D1	数控机床	长江电子有限公司	wang	CNC-20	won	won	480000.00	CNY	2026-01-15	expo
D2	配件 - 黄河机械	黄河机械	li	配件	proposal	open	1200.50	CNY	2026-04-30	
D3	D3		li		contact	open	0.00	CNY		"
	[ "$(crm-account list -H --fields name,owner --search 黄河)" = "黄河机械	li" ]
	# the dates are the history: local midnight (UTC+8), entry stage the first
	run crm-stage history 1 -H
	assert_output "2025-11-02T16:00:00Z		contact	root	
2026-01-14T16:00:00Z	contact	won	root	"
	[ "$(crm-stage list -H --fields created_at,stage_changed_at --account 2)" = "2026-01-31T16:00:00Z	2026-01-31T16:00:00Z" ]
	[ "$(crm-stage list -H --fields created_at,stage_changed_at --owner li --stage contact)" = "2026-03-02T09:00:00Z	2026-03-02T09:00:00Z" ]
	# --map, a pipeline column, stages by display name, a custom field, TSV
	printf 'Ref\tWhat\tFlow\tStep\tpayment_terms\tclosed\tlost reason\tvalue\n' >p.tsv
	printf 'P1\tLine A\tproject\t现场勘查\tnet30\t\t\t9\nP2\tLine B\tproject\tdropped\t\t2026-02-01\ttiming\t0\n' >>p.tsv
	run --separate-stderr crm-stage import -q --map Ref=external_id,What=title,Flow=pipeline,Step=stage --currency usd p.tsv
	assert_success
	run crm-stage list -H --pipeline project --fields external_id,title,stage,status,payment_terms,loss_reason,currency,amount
	assert_output "P1	Line A	survey	open	net30		USD	9.00
P2	Line B	dropped	lost		timing	USD	0.00"
}

@test "bad rows: all named, nothing imported; --skip-bad imports the rest and rejects them whole" {
	users
	crm-user add --login wang2 --name 王伟 >/dev/null
	cat >bad.csv <<'EOF'
id,account,owner,stage,engage_date,close_date,close_value,loss_reason
B1,甲公司,li,Won,2026-01-01,2026-02-01,100,
B2,乙公司,nobody,Won,2026-01-01,2026-02-01,100,
B3,丙公司,王伟,Engaging,,,,
B4,丁公司,li,Engaging,,,-5,
B5,戊公司,li,Won,2026-01-01,,100,
B6,己公司,li,Won,2026-02-02,2026-02-01,100,
B7,庚公司,li,Won,2026-01-01,2026-03-05,100,
B8,辛公司,li,Engaging,2026-02-30,,,
B9,壬公司,li,Lost,2026-01-01,2026-02-01,0,cheap
B10,癸公司,li,Won,2026-01-01,2026-02-01,5,price
B11,子公司,li,Pending,,,,
B12,丑公司,li,Lost,2026-01-01,2026-02-01,0,
EOF
	must_fail 65 crm-stage import --stage-map "$STAGE_MAP" bad.csv
	assert_output "crm-stage: bad.csv:3: unknown user 'nobody'
crm-stage: bad.csv:4: ambiguous user name '王伟' (2 users)
crm-stage: bad.csv:5: negative amount '-5'
crm-stage: bad.csv:6: no close date for a deal in stage 'won'
crm-stage: bad.csv:7: close date '2026-02-01' before the created date '2026-02-02'
crm-stage: bad.csv:8: close date in the future '2026-03-05'
crm-stage: bad.csv:9: invalid created date '2026-02-30'
crm-stage: bad.csv:10: unknown loss reason 'cheap'
crm-stage: bad.csv:11: a loss reason for a deal in stage 'won'
crm-stage: bad.csv:12: unknown stage 'Pending' in pipeline 'default' (map it with --stage-map)
crm-stage: 10 bad rows, nothing imported"
	[ "$(db_query "SELECT count(*) FROM deals") $(db_query "SELECT count(*) FROM accounts")" = "0 0" ]
	run --separate-stderr crm-stage import --stage-map "$STAGE_MAP" --skip-bad --reject rejects.csv bad.csv
	assert_success
	assert_equal "$stderr" "crm-stage: imported 2, duplicates 0, rejected 10, new accounts 2"
	[ "$(crm-stage list -H --fields external_id,account,stage | tr '\n' ' ')" = "B1	甲公司	won B12	丑公司	lost " ]
	# no account is left behind by a rejected row
	[ "$(crm-account list -H --fields name | tr '\n' ' ')" = "甲公司 丑公司 " ]
	[ "$(head -1 rejects.csv | tr -d '\r')" = "id,account,owner,stage,engage_date,close_date,close_value,loss_reason,error" ]
	[ "$(wc -l <rejects.csv)" -eq 11 ]
	[ "$(sed -n 2p rejects.csv | tr -d '\r')" = "B2,乙公司,nobody,Won,2026-01-01,2026-02-01,100,,unknown user 'nobody'" ]
	# the rejects, fixed, go in next; the imported rows are duplicates
	sed -e 's/,nobody,/,li,/' -e 's/,王伟,/,wang2,/' -e 's/,-5,/,5,/' bad.csv >fixed.csv
	run --separate-stderr crm-stage import --stage-map "$STAGE_MAP" --skip-bad --reject r2.csv fixed.csv
	assert_line --index 1 "1	duplicate"
	[ "$(db_query "SELECT count(*) FROM deals")" -eq 5 ]
}

@test "import options and files: bad maps and stages, a missing file, a locked database" {
	users
	printf 'id,stage\nX1,Won\n' >x.csv
	must_fail 64 crm-stage import --stage-map Won x.csv
	assert_output "crm-stage: --stage-map wants THEIRS=OURS, not 'Won'
Try 'crm-stage --help'."
	must_fail 64 crm-stage import --stage-map Won=gewonnen x.csv
	assert_output "crm-stage: --stage-map: unknown stage 'gewonnen' in pipeline 'default'
Try 'crm-stage --help'."
	must_fail 64 crm-stage import --entry-stage won x.csv
	assert_output "crm-stage: --entry-stage: 'won' is not an open stage
Try 'crm-stage --help'."
	must_fail 64 crm-stage import --currency dollars x.csv
	must_fail 65 crm-stage import --pipeline nope x.csv
	assert_output "crm-stage: unknown pipeline 'nope'"
	must_fail 64 crm-stage import --map id=colour x.csv
	assert_output "crm-stage: unknown field 'colour' in --map
Try 'crm-stage --help'."
	must_fail 64 crm-stage import --reject r.csv x.csv
	must_fail 66 crm-stage import missing.csv
	printf 'foo,bar\n1,2\n' >none.csv
	must_fail 65 crm-stage import -q none.csv
	assert_output "crm-stage: none.csv:1: no column names a deal field"
	printf 'id,stage,close_date\nX1,Won,2026-01-01\n' >x.csv
	hold_lock 5
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-stage import --stage-map Won=won x.csv
	kill "$LOCK_PID"
	run crm-stage import -q -n --stage-map Won=won x.csv
	assert_success
	[ "$(db_query "SELECT count(*) FROM deals")" -eq 0 ]
}
