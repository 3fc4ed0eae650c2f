#!/usr/bin/env bats
# crm-quote: quotes on deals, their lines and totals, versions, discount
# approval, acceptance setting the deal's amount, and the rendered document.

bats_require_minimum_version 1.5.0
load helper

# admin ada; team east: manager mia, reps rob and rae; team west: rep wes.
# Account 1 华为技术 and deal 1 are rob's, deal 2 wes's.  Products SRV
# (80,000.00 a 台, 13%) and LIC (200,000.00, 13%).
setup_sales() {
	crm-user add --login ada --name Ada --role admin >/dev/null
	export CRM_USER=ada
	crm-user team add east
	crm-user team add west
	crm-user add --login mia --name Mia --role manager --team east >/dev/null
	crm-user add --login rob --name Rob --team east --manager mia >/dev/null
	crm-user add --login rae --name Rae --team east --manager mia >/dev/null
	crm-user add --login wes --name Wes --team west >/dev/null
	crm-account add --name 华为技术 --owner rob >/dev/null
	crm-stage add --title 服务器项目 --account 1 --owner rob >/dev/null
	crm-stage add --title West --owner wes >/dev/null
	crm-product add --sku SRV --name 服务器 --unit 台 --price 80000 >/dev/null
	crm-product add --sku LIC --name 软件许可 --price 200000 >/dev/null
	export CRM_USER=rob
}

# cents of a line: net = qty * price * (1 - disc) and tax = net * rate,
# each rounded half up to the cent (awk over integers: no float drift)
line() {	# qty price_cents disc_bp rate_bp
	awk -v q="$1" -v p="$2" -v d="$3" -v r="$4" 'BEGIN {
		n = int((q * p * (10000 - d) * 2 + 10000) / 20000)
		t = int((n * r * 2 + 10000) / 20000)
		printf "%d %d %d\n", n, t, n + t }'
}
# cents as people read them: "1,130,000.00"
grouped() {
	awk -v c="$1" 'BEGIN { s = sprintf("%d", int(c / 100)); out = ""
		while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
		printf "%s%s.%02d", s, out, c % 100 }'
}
money() { awk -v c="$1" 'BEGIN { printf "%d.%02d", int(c / 100), c % 100 }'; }

@test "quote: the scenario: two lines, 13% VAT, sent, accepted, the deal's amount is the total" {
	setup_sales
	run crm-quote new --deal 1 -H
	assert_output "$(printf '1\tQ-000001\t1\tdraft\t\t1\t1\tCNY\t0.00\t0.00\t0.00\t2026-04-01\trob')"
	crm-quote line 1 --product SRV --qty 10 >/dev/null
	crm-quote line 1 --product LIC >/dev/null
	read -r n1 t1 _ <<<"$(line 10 8000000 0 1300)"
	read -r n2 t2 _ <<<"$(line 1 20000000 0 1300)"
	net=$((n1 + n2)) tax=$((t1 + t2)) total=$((n1 + n2 + t1 + t2))
	[ "$total" -eq 113000000 ]
	run crm-quote show 1
	assert_output --partial "$(printf '# totals\ncurrency\tnet\ttax\ttotal\nCNY\t%s\t%s\t%s' "$(money $net)" "$(money $tax)" "$(money $total)")"
	assert_output --partial "$(printf '1\tSRV\t服务器\t台\t10\t80000.00\t0.0000\t0.1300\t%s\t%s' "$(money $n1)" "$(money $t1)")"
	crm-quote send 1 >/dev/null
	run crm-quote accept 1 -H
	assert_output "$(printf '1\tQ-000001\t1\taccepted\t\t1\t1\tCNY\t1000000.00\t130000.00\t1130000.00\t2026-04-01\trob')"
	run crm-stage list --fields id,amount -H
	assert_output "$(printf '1\t%s' "$(money $total)")"
	run db_query "SELECT actor, tool, action, old_value, new_value FROM audit WHERE entity = 'deal' AND field = 'amount' AND action = 'update'"
	assert_output "rob|crm-quote|update|0.00|1130000.00"
}

@test "quote line: rounding per line, half up, then summed" {
	setup_sales
	crm-quote new --deal 1 >/dev/null
	crm-quote line 1 --text 咨询 --qty 3 --price 33.33 --discount 7.5% --tax 6% >/dev/null
	crm-quote line 1 --text 运费 --qty 0.125 --price 0.99 --tax 0.13 >/dev/null
	crm-quote line 1 --product SRV --qty 2.5 --discount 0.0333 >/dev/null
	read -r n1 t1 c1 <<<"$(line 3 3333 750 600)"
	read -r n2 t2 c2 <<<"$(line 0.125 99 0 1300)"
	read -r n3 t3 c3 <<<"$(line 2.5 8000000 333 1300)"
	run crm-quote show 1
	assert_output --partial "$(printf '1\t\t咨询\t\t3\t33.33\t0.0750\t0.0600\t%s\t%s\t%s' "$(money $n1)" "$(money $t1)" "$(money $c1)")"
	assert_output --partial "$(printf '2\t\t运费\t\t0.125\t0.99\t0.0000\t0.1300\t%s\t%s\t%s' "$(money $n2)" "$(money $t2)" "$(money $c2)")"
	assert_output --partial "$(printf 'CNY\t%s\t%s\t%s' "$(money $((n1 + n2 + n3)))" "$(money $((t1 + t2 + t3)))" "$(money $((c1 + c2 + c3)))")"
}

@test "quote line: a product's tier price for the quantity, unless --price" {
	setup_sales
	CRM_USER=ada crm-product price SRV 5 75000 >/dev/null
	crm-quote new --deal 1 >/dev/null
	crm-quote line 1 --product SRV --qty 4 >/dev/null
	crm-quote line 1 --product SRV --qty 5 >/dev/null
	run crm-quote line 1 --product SRV --qty 6 --price 70000 -H
	assert_output --partial "$(printf '1\tSRV\t服务器\t台\t4\t80000.00')"
	assert_output --partial "$(printf '2\tSRV\t服务器\t台\t5\t75000.00')"
	assert_output --partial "$(printf '3\tSRV\t服务器\t台\t6\t70000.00')"
}

@test "quote line: bad input is refused with the value, nothing written" {
	setup_sales
	crm-quote new --deal 1 >/dev/null
	must_fail 65 crm-quote line 1 --text 安装
	assert_output "crm-quote: line '安装' has no price"
	must_fail 65 crm-quote line 1 --product NOPE
	assert_output "crm-quote: unknown product 'NOPE'"
	must_fail 65 crm-quote line 1 --product SRV --qty -2
	assert_output "crm-quote: invalid quantity '-2'"
	must_fail 65 crm-quote line 1 --product SRV --qty abc
	assert_output "crm-quote: invalid quantity 'abc'"
	must_fail 65 crm-quote line 1 --text x --price 1.234
	assert_output "crm-quote: amount with more than two decimals '1.234'"
	must_fail 65 crm-quote line 1 --product SRV --discount 120%
	assert_output "crm-quote: invalid discount '120%'"
	must_fail 64 crm-quote line 1 --qty 2
	printf 'sku\tqty\nLIC\t2\nSRV\tx\nNOPE\t1\n' >l.tsv
	run --separate-stderr crm-quote lines 1 <l.tsv
	[ "$status" -eq 65 ]
	[ "$stderr" = "crm-quote: stdin:3: invalid quantity 'x'
crm-quote: stdin:4: unknown product 'NOPE'" ]
	run db_query "SELECT count(*) FROM doc_lines; SELECT total FROM quotes"
	assert_output "$(printf '0\n0')"
}

@test "quote lines: TSV on stdin, rmline renumbers and recomputes" {
	setup_sales
	crm-quote new --deal 1 >/dev/null
	printf 'sku\tdescription\tqty\tunit_price\tdiscount\ttax_rate\nSRV\t\t2\t\t\t\n\t培训\t1\t5000\t\t0.06\n' |
		crm-quote lines 1 >/dev/null
	read -r _ _ c1 <<<"$(line 2 8000000 0 1300)"
	read -r _ _ c2 <<<"$(line 1 500000 0 600)"
	run db_query "SELECT total FROM quotes WHERE id = 1"
	assert_output "$((c1 + c2))"
	run crm-quote rmline 1 1 -H
	assert_output --partial "$(printf '1\t\t培训\t\t1\t5000.00\t0.0000\t0.0600')"
	run db_query "SELECT total FROM quotes WHERE id = 1"
	assert_output "$c2"
	must_fail 1 crm-quote rmline 1 5
	assert_output "crm-quote: quote 1 has no line 5"
}

@test "quote: a discount above its ceiling waits for approval; a non-approver gets 77, nothing written" {
	setup_sales
	crm-quote new --deal 1 >/dev/null
	run crm-quote line 1 --product LIC --discount 15%
	run db_query "SELECT approval FROM quotes WHERE id = 1"
	assert_output "pending"
	must_fail 65 crm-quote send 1
	assert_output "crm-quote: quote 1: its discount is waiting for approval"
	before=$(db_query "SELECT count(*) FROM audit")
	must_fail 77 crm-quote approve 1
	assert_output "crm-quote: permission denied: 'rob' may not decide the discount of quote 1"
	CRM_USER=rae must_fail 77 crm-quote approve 1
	assert_output "crm-quote: permission denied: 'rae' may not decide the discount of quote 1"
	[ "$(db_query "SELECT count(*) FROM audit")" = "$before" ]
	CRM_USER=mia run crm-quote approve 1 --comment 大客户 -H
	assert_success
	run db_query "SELECT q.approval, u.login FROM quotes q JOIN users u ON u.id = q.approved_by"
	assert_output "approved|mia"
	run crm-quote send 1 -H
	assert_output --partial "sent"
}

@test "quote: a product's own ceiling; refuse-discount blocks sending; approvers by group" {
	setup_sales
	CRM_USER=ada crm-product update LIC --max-discount 20% >/dev/null
	crm-quote new --deal 1 >/dev/null
	crm-quote line 1 --product LIC --discount 15% >/dev/null
	crm-quote line 1 --product SRV --discount 12% >/dev/null
	cat >crm.yaml <<-'YAML'
	approvers:
	  pricing: [wes]
	quotes:
	  discount_approvers: [pricing]
	YAML
	export CRM_CONFIG=$PWD/crm.yaml
	CRM_USER=mia must_fail 77 crm-quote refuse-discount 1
	CRM_USER=wes run crm-quote refuse-discount 1 -H --comment 太低
	assert_success
	must_fail 65 crm-quote send 1
	assert_output "crm-quote: quote 1: its discount is refused approval"
}

@test "quote: a rep neither sees nor changes another rep's quote; the manager does" {
	setup_sales
	crm-quote new --deal 1 >/dev/null
	CRM_USER=wes must_fail 77 crm-quote show 1
	assert_output "crm-quote: permission denied: quote 1 is not visible to 'wes'"
	CRM_USER=wes must_fail 77 crm-quote line 1 --text x --price 1
	assert_output "crm-quote: permission denied: quote 1 is not visible to 'wes'"
	CRM_USER=wes must_fail 77 crm-quote send 1
	must_fail 1 crm-quote show 9
	assert_output "crm-quote: no such quote 9"
	CRM_USER=wes must_fail 1 crm-quote new --deal 1
	assert_output "crm-quote: no such deal 1"
	CRM_USER=wes run crm-quote list -H
	assert_output ""
	CRM_USER=mia run crm-quote line 1 --text 安装 --price 100 -H
	assert_success
	CRM_USER=mia run crm-quote list --owner rob -H
	assert_output --partial "Q-000001"
}

@test "quote: wrong states, reject, expire, and a revision superseding its version when sent" {
	setup_sales
	crm-quote new --deal 1 --valid-until 2026-03-10 >/dev/null
	must_fail 65 crm-quote send 1
	assert_output "crm-quote: quote 1 has no lines"
	crm-quote line 1 --product SRV >/dev/null
	must_fail 65 crm-quote accept 1
	assert_output "crm-quote: quote 1 is draft: only a sent quote can be accepted"
	crm-quote send 1 >/dev/null
	must_fail 65 crm-quote line 1 --product SRV
	assert_output "crm-quote: quote 1 is sent: only a draft's lines change (revise it)"
	run crm-quote revise 1 -H
	assert_output --partial "$(printf '2\tQ-000001\t2\tdraft')"
	run db_query "SELECT count(*), sum(CAST(source_line IS NOT NULL AS INTEGER)) FROM doc_lines WHERE doc_id = 2"
	assert_output "1|1"
	crm-quote line 2 --product LIC >/dev/null
	crm-quote send 2 >/dev/null
	run crm-quote list --deal 1 -H
	assert_line --index 0 --partial "$(printf '1\tQ-000001\t1\tsuperseded')"
	assert_line --index 1 --partial "$(printf '2\tQ-000001\t2\tsent')"
	crm-quote new --deal 1 --valid-until 2026-03-10 >/dev/null
	crm-quote line 3 --product SRV >/dev/null
	crm-quote send 3 >/dev/null
	CRM_NOW=2026-03-11T09:00:00Z run crm-quote expire -H
	assert_output "$(printf '3\tQ-000002\t1\t2026-03-10')"
	must_fail 65 crm-quote accept 3
	assert_output "crm-quote: quote 3 is expired: only a sent quote can be accepted"
	run crm-quote reject 2 --reason 预算不足 -H
	assert_output --partial "rejected"
	run db_query "SELECT reason FROM quotes WHERE id = 2"
	assert_output "预算不足"
	must_fail 65 crm-quote new --deal 1 --valid-until 2026-13-40
	must_fail 1 crm-quote show 99
	assert_output "crm-quote: no such quote 99"
}

@test "quote: -n writes nothing" {
	setup_sales
	crm-quote new --deal 1 -n >/dev/null
	run db_query "SELECT count(*) FROM quotes"
	assert_output "0"
}

@test "quote render: a two-line Chinese quote as PDF (pdftotext) and HTML, escaped" {
	command -v pdftotext >/dev/null || skip "pdftotext (poppler-utils) not installed"
	export LSAN_OPTIONS=suppressions=$TOP/tests/cli/lsan-cairo.supp
	setup_sales
	crm-quote new --deal 1 --terms '付款 <30天> & 交货' >/dev/null
	crm-quote line 1 --product SRV --qty 10 >/dev/null
	crm-quote line 1 --product LIC >/dev/null
	crm-quote render 1 --pdf -o q.pdf
	run pdftotext q.pdf -
	assert_output --partial "华为技术"
	assert_output --partial "服务器"
	assert_output --partial "软件许可"
	read -r _ _ c1 <<<"$(line 10 8000000 0 1300)"
	read -r _ _ c2 <<<"$(line 1 20000000 0 1300)"
	assert_output --partial "¥$(grouped $((c1 + c2)))"
	[ "$(grouped $((c1 + c2)))" = "1,130,000.00" ]
	crm-quote render 1 --html -o q.html
	run grep -c '付款 &lt;30天&gt; &amp; 交货' q.html
	assert_output "1"
	must_fail 73 crm-quote render 1 --html -o q.html
	crm-quote render 1 --html -o q.html --force
	ln -s q.html link.html
	must_fail 73 crm-quote render 1 --html -o link.html
	must_fail 73 crm-quote render 1 --pdf -o "$CRM_DB"
	must_fail 64 crm-quote render 1 -o x.pdf
}

@test "quote render: a template of the team's own" {
	setup_sales
	printf '%s\n' '{{number}} v{{version}} {{customer}}' '{{#lines}}{{no}}:{{description}}={{total}};{{/lines}}' 'T={{total}}' >t.html
	printf 'quotes:\n  template: %s\n' "$PWD/t.html" >crm.yaml
	crm-quote new --deal 1 >/dev/null
	crm-quote line 1 --product SRV --qty 2 >/dev/null
	CRM_CONFIG=$PWD/crm.yaml crm-quote render 1 --html -o out.html
	read -r _ _ c1 <<<"$(line 2 8000000 0 1300)"
	run cat out.html
	g=$(grouped "$c1")
	assert_output "$(printf 'Q-000001 v1 华为技术\n1:服务器=¥%s;\nT=¥%s' "$g" "$g")"
}
