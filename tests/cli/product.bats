#!/usr/bin/env bats
# crm-product: the catalogue everyone reads and managers and admins write.

bats_require_minimum_version 1.5.0
load helper

# admin ada, manager mia, rep rob
setup_people() {
	crm-user add --login ada --name Ada --role admin >/dev/null
	export CRM_USER=ada
	crm-user team add east
	crm-user add --login mia --name Mia --role manager --team east >/dev/null
	crm-user add --login rob --name Rob --team east >/dev/null
}

@test "product add: defaults from the config, Chinese name, money and rates in TSV" {
	run crm-product add --sku SRV-1 --name 服务器 --unit 台 --price 80,000
	assert_success
	assert_output "$(printf 'id\tsku\tname\tunit\tprice\tcurrency\ttax_rate\tmax_discount\tactive\tnotes\n1\tSRV-1\t服务器\t台\t80000.00\tCNY\t0.1300\t\t1\t')"
	run crm-product add --sku LIC --name 许可 --price 10 --tax-rate 6% --max-discount 0.05 --currency usd -H
	assert_output "$(printf '2\tLIC\t许可\t\t10.00\tUSD\t0.0600\t0.0500\t1\t')"
}

@test "product add: bad input is refused with the value, nothing written" {
	crm-product add --sku A --name a >/dev/null
	must_fail 65 crm-product add --sku A --name b
	assert_output "crm-product: sku 'A' is already in the catalogue"
	must_fail 65 crm-product add --sku B --name b --price -3
	assert_output "crm-product: negative amount '-3'"
	must_fail 65 crm-product add --sku B --name b --tax-rate 13
	assert_output "crm-product: invalid rate (13% or 0.13) '13'"
	must_fail 65 crm-product add --sku 'B C' --name b
	assert_output "crm-product: invalid sku (no spaces or control characters) 'B C'"
	must_fail 65 crm-product add --name b
	assert_output "crm-product: a product needs a sku"
	run crm-product list -H
	assert_output "$(printf '1\tA\ta\t\t0.00\tCNY\t0.1300\t\t1\t')"
}

@test "product: reps read the catalogue but may not change it (77, nothing written)" {
	setup_people
	crm-product add --sku A --name a --price 5 >/dev/null
	CRM_USER=rob run crm-product list -H
	assert_output "$(printf '1\tA\ta\t\t5.00\tCNY\t0.1300\t\t1\t')"
	CRM_USER=rob must_fail 77 crm-product add --sku B --name b
	assert_output "crm-product: permission denied: only a manager or an admin may change the catalogue"
	CRM_USER=rob must_fail 77 crm-product update A --price 1
	CRM_USER=rob must_fail 77 crm-product price A 10 4
	CRM_USER=rob must_fail 77 crm-product deactivate A
	CRM_USER=mia run crm-product update A --price 6
	assert_success
	run crm-product show A -H
	assert_line --index 5 "$(printf 'price\t6.00')"
	run crm-product show 1
	assert_line --index 6 "$(printf 'price\t6.00')"
}

@test "product price: tiers by quantity, shown, replaced and cleared, audited" {
	crm-product add --sku A --name a --price 100 >/dev/null
	run crm-product price A 10 90
	assert_output "$(printf 'min_qty\tprice\n10\t90.00')"
	crm-product price A 100 80 >/dev/null
	crm-product price A 10 85 >/dev/null
	run crm-product show A
	assert_output --partial "$(printf '# tiers\nmin_qty\tprice\n10\t85.00\n100\t80.00')"
	run crm-product price --clear A 100 -H
	assert_output "$(printf '10\t85.00')"
	must_fail 1 crm-product price --clear A 7
	assert_output "crm-product: product 1 has no tier from 7"
	must_fail 65 crm-product price A x 1
	assert_output "crm-product: invalid quantity 'x'"
	must_fail 1 crm-product price NOPE 1 1
	assert_output "crm-product: no such product 'NOPE'"
	run db_query "SELECT field, coalesce(old_value, '-'), coalesce(new_value, '-') FROM audit WHERE entity = 'product' AND action = 'price' ORDER BY id"
	assert_output "$(printf 'tier 10|-|90.00\ntier 100|-|80.00\ntier 10|90.00|85.00\ntier 100|80.00|-')"
}

@test "product deactivate: gone from list, back with --all" {
	crm-product add --sku A --name a >/dev/null
	crm-product add --sku B --name b >/dev/null
	crm-product deactivate A
	run crm-product list -H
	assert_output "$(printf '2\tB\tb\t\t0.00\tCNY\t0.1300\t\t1\t')"
	run crm-product list --all --search A -H
	assert_output "$(printf '1\tA\ta\t\t0.00\tCNY\t0.1300\t\t0\t')"
}

@test "product update from TSV on stdin" {
	crm-product add --sku A --name a >/dev/null
	printf 'id\tprice\ttax_rate\n1\t12.50\t0.0600\n' | crm-product update -q
	run crm-product list -H
	assert_output "$(printf '1\tA\ta\t\t12.50\tCNY\t0.0600\t\t1\t')"
}

@test "product import from CSV, then a pipeline list | awk | import into another database" {
	printf 'sku,name,unit,price,tax_rate\nP1,显示器,台,1200.00,13%%\nP2,键盘,个,99.5,0.13\n' >p.csv
	run --separate-stderr crm-product import p.csv
	assert_success
	assert_output "$(printf 'id\tstatus\n1\tnew\n2\tnew')"
	must_fail 65 crm-product import --on-duplicate error p.csv
	# prices up by 10% in a copy of the catalogue, computed by awk
	crm-product list | awk -F'\t' -v OFS='\t' 'NR > 1 { $5 = sprintf("%.2f", $5 * 1.1) } 1' >up.tsv
	CRM_DB=$BATS_TEST_TMPDIR/b.db crm init -q
	CRM_DB=$BATS_TEST_TMPDIR/b.db crm-product import -q up.tsv >/dev/null
	run env CRM_DB="$BATS_TEST_TMPDIR/b.db" crm-product list -H
	want=$(awk 'BEGIN { printf "1\tP1\t显示器\t台\t%.2f\tCNY\t0.1300\t\t1\t\n2\tP2\t键盘\t个\t%.2f\tCNY\t0.1300\t\t1\t", 1200 * 1.1, 99.5 * 1.1 }')
	assert_output "$want"
}

@test "product: -n writes nothing" {
	crm-product add -n --sku A --name a >/dev/null
	run crm-product list -H
	assert_output ""
}
