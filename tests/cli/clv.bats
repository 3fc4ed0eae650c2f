#!/usr/bin/env bats
# crm-report clv: customer lifetime value.  A dataset of won deals made
# with crm-stage import (accounts owned by rob and wes) and a deal that
# went on to a contract and an order; each account's frequency, recency,
# age, revenue and average order value computed with awk from the CSV;
# the model figures checked by the relations between them; --params, the
# options, visibility; and the CDNOW sample against the paper's
# parameters when ../shared/data/cdnow is there.

load helper
bats_require_minimum_version 1.5.0

CDNOW=$TOP/../shared/data/cdnow

# 80 accounts, owners alternating rob and wes, each with 1 to 8 won deals
# on days from 2025-01-01 to 2026-03-01 (a fixed linear congruential
# sequence, so the data is the same with any awk), every third account
# buying only in the 60 days after its first purchase (gone since), each
# account spending around a level of its own (100 to 999, plus up to
# half again); a few purchases share a day.
make_deals() {
	awk -v OFS=, -f "$TOP/tests/dates.awk" -f <(cat <<'EOF'
function rnd(n) { S = (S * 1103515245 + 12345) % 2147483648; return int(S / 65536) % n }
BEGIN { S = 42; base = days_from_civil(2025, 1, 1)
	print "external_id", "account", "owner", "stage", "created", "close_date", "amount"
	for (a = 1; a <= 80; a++) {
		n = 1 + rnd(8); first = rnd(300); level = 100 + rnd(900)
		span = a % 3 == 0 ? 60 : 425 - first
		for (k = 0; k < n; k++) {
			d = k == 0 ? first : first + rnd(span)
			if (k == 2) d = prev	# the same day as the one before
			prev = d
			civil(base + d)
			date = sprintf("%04d-%02d-%02d", CY, CM, CD)
			print "x" a "-" k, sprintf("客户%02d", a), a % 2 ? "rob" : "wes", "won", date, date,
				(level + rnd(int(level / 2) + 1)) ".00"
		}
	} }
EOF
	)
}

setup_people() {
	crm-user add --login ada --name Ada --role admin >/dev/null
	export CRM_USER=ada
	crm-user team add east
	crm-user team add west
	crm-user add --login mia --name Mia --role manager --team east >/dev/null
	crm-user add --login rob --name Rob --team east >/dev/null
	crm-user add --login wes --name Wes --team west >/dev/null
	make_deals >deals.csv
	crm-stage import -q deals.csv >/dev/null
}

# account, x, t_x and T in weeks, revenue, its mean per purchase day, from
# deals.csv (owners in OWNERS, all if empty), with the calibration ending
# on END (YYYY-MM-DD)
expect_summary() {
	awk -F, -v OWNERS="$1" -v END_DATE="$2" -f "$TOP/tests/dates.awk" -f <(cat <<'EOF'
function day(s) { return days_from_civil(substr(s, 1, 4) + 0, substr(s, 6, 2) + 0, substr(s, 9, 2) + 0) }
function money(c) { return sprintf("%d.%02d", int(c / 100), c % 100) }
BEGIN { end = day(END_DATE) }
NR == 1 { next }
OWNERS != "" && index("," OWNERS ",", "," $3 ",") == 0 { next }
{ d = day($6); if (d > end) next
  a = $2; cents = $7 * 100
  if (!(a in F) || d < F[a]) F[a] = d
  if (!(a in L) || d > L[a]) L[a] = d
  if (!((a, d) in D)) { D[a, d] = 1; N[a]++ }
  R[a] += cents }
END { for (a in N) printf "%s\t%d\t%.2f\t%.2f\t%s\t%s\n", a, N[a] - 1, (L[a] - F[a]) / 7,
	(end - F[a]) / 7, money(R[a]), money(int(R[a] / N[a] + 0.5)) }
EOF
	) deals.csv | sort
}

@test "clv: columns, and each account's frequency, recency, age and revenue as awk has them" {
	setup_people
	run --separate-stderr crm-report clv
	assert_success
	assert_line --index 0 "account_id	account	frequency	recency_weeks	age_weeks	revenue	aov	p_alive	exp_purchases	exp_aov	clv"
	[ "${#lines[@]}" -eq 81 ]
	got=$(printf '%s\n' "${lines[@]:1}" | cut -f2-7 | sort)
	assert_equal "$got" "$(expect_summary "" 2026-03-02)"
	# sorted by clv, largest first
	printf '%s\n' "${lines[@]:1}" | cut -f11 | sort -c -g -r
	# the calibration ends with --until: later deals are left out
	run --separate-stderr crm-report clv --until 2025-12-31 -H
	assert_success
	got=$(printf '%s\n' "${lines[@]}" | cut -f2-7 | sort)
	assert_equal "$got" "$(expect_summary "" 2025-12-31)"
}

@test "clv: the model figures hang together" {
	setup_people
	# one period, no discount: clv = exp_purchases * exp_aov (to the
	# rounding of the two); p_alive in (0, 1], 1 for one purchase
	run --separate-stderr crm-report clv --horizon 1 --discount 0 -H
	assert_success
	printf '%s\n' "$output" | awk -F'\t' '
		{ d = $11 - $9 * $10; if (d < 0) d = -d
		  if (d > 0.01 + 0.0001 * $10) { print "clv " $11 " is not " $9 " * " $10; bad = 1 }
		  if (!($8 > 0 && $8 <= 1) || ($3 == 0 && $8 != 1)) { print "p_alive " $8; bad = 1 }
		  if (!($9 > 0 && $10 > 0)) { print "line " NR ": " $0; bad = 1 } }
		END { exit bad }'
	# discounted at 10%: one period is worth 1/1.1 of it
	paste <(crm-report clv --horizon 1 --discount 0 -H | sort -n | cut -f11) \
	      <(crm-report clv --horizon 1 --discount 0.1 -H | sort -n | cut -f11) |
		awk '{ d = $1 / 1.1 - $2; if (d < 0) d = -d; if (d > 0.01) { print; bad = 1 } } END { exit bad }'
	# more periods are worth more; the next period's purchases with
	# --period-weeks 52 are those of one period of the horizon
	paste <(crm-report clv --horizon 1 -H | sort -n | cut -f11) \
	      <(crm-report clv --horizon 5 -H | sort -n | cut -f11) |
		awk '$2 < $1 { print; bad = 1 } END { exit bad }'
}

@test "clv --by: per segment, owner, industry and region the accounts' sums" {
	setup_people
	run --separate-stderr crm-report clv --by owner -H
	assert_success
	assert_equal "${#lines[@]}" 2
	all=$(crm-report clv -H | awk -F'\t' '{ c += $11; r += $6 } END { printf "%.2f %.2f", r, c }')
	by=$(printf '%s\n' "${lines[@]}" | awk -F'\t' '{ n += $2; r += $3; c += $6 } END { printf "%d %.2f %.2f", n, r, c }')
	# the clv sums may differ by a cent per account for the rounding
	awk -v a="$all" -v b="$by" 'BEGIN { split(a, x, " "); split(b, y, " ")
		d = x[2] - y[3]; if (d < 0) d = -d
		exit !(y[1] == 80 && x[1] == y[2] && d <= 0.8) }'
	assert_line --index 0 --regexp "^rob	40	"
	assert_line --index 1 --regexp "^wes	40	"
	run --separate-stderr crm-report clv --by segment
	assert_success
	assert_line --index 0 "segment	accounts	revenue	p_alive	exp_purchases	clv	clv_mean"
	n=$(printf '%s\n' "${lines[@]:1}" | awk -F'\t' '{ n += $2 } END { print n }')
	assert_equal "$n" 80
	printf '%s\n' "${lines[@]:1}" | cut -f1 | grep -qvxE 'champions|loyal|potential|at-risk|hibernating|lost' && false
	run --separate-stderr crm-report clv --by industry -H
	assert_success
	assert_output --regexp "^	80	"
	run --separate-stderr crm-report clv --by region -f table
	assert_success
	must_fail 64 crm-report clv --by team
	assert_line --index 0 "crm-report: clv: cannot group by 'team'"
	must_fail 64 crm-report clv --by segment --params
}

@test "clv --params: the fitted parameters and log-likelihoods" {
	setup_people
	run --separate-stderr crm-report clv --params
	assert_success
	assert_line --index 0 "model	parameter	value"
	assert_equal "$(printf '%s\n' "${lines[@]:1}" | cut -f1,2 | tr '\t\n' ' ')" \
		"bgnbd r bgnbd alpha bgnbd a bgnbd b bgnbd log_likelihood bgnbd customers gamma-gamma p gamma-gamma q gamma-gamma gamma gamma-gamma log_likelihood gamma-gamma customers "
	assert_line --index 6 "bgnbd	customers	80"
	# those with a repeat purchase: more than one day
	repeat=$(expect_summary "" 2026-03-02 | awk -F'\t' '$2 > 0' | wc -l)
	assert_line --index 11 "gamma-gamma	customers	$repeat"
	printf '%s\n' "${lines[@]:1}" | awk -F'\t' '$2 ~ /^(r|alpha|a|b|p|q|gamma)$/ && !($3 > 0) { bad = 1 }
		$2 == "log_likelihood" && !($3 < 0) { bad = 1 } END { exit bad }'
	run --separate-stderr crm-report clv --params -f gnuplot
	assert_success
}

@test "clv: bad options are usage errors (64) and nothing to fit is bad data (65)" {
	setup_people
	must_fail 64 crm-report clv --discount -0.1
	assert_line --index 0 "crm-report: --discount: want a rate per period from 0 to 10, not '-0.1'"
	must_fail 64 crm-report clv --horizon 0
	assert_line --index 0 "crm-report: --horizon: want a whole number of periods from 1 to 1000, not '0'"
	must_fail 64 crm-report clv --horizon 2x
	must_fail 64 crm-report clv --period-weeks 0
	must_fail 64 crm-report clv --horizon 101
	assert_line --index 0 "crm-report: --horizon 101 periods of 52 weeks: more than 100 years"
	must_fail 64 crm-report clv --horizon 11 --period-weeks 520
	must_fail 64 crm-report clv --discount abc
	must_fail 64 crm-report rfm --horizon 3
	assert_line --index 0 "crm-report: --params, --horizon, --discount and --period-weeks are for clv"
	must_fail 64 crm-report clv --campaign spring
	must_fail 65 crm-report clv --until 2024-06-30 --params
	assert_output "crm-report: clv: the BG/NBD model cannot be fitted over 0 accounts"
	# nothing bought: just the header
	run --separate-stderr crm-report clv --until 2024-06-30
	assert_success
	assert_output "account_id	account	frequency	recency_weeks	age_weeks	revenue	aov	p_alive	exp_purchases	exp_aov	clv"
}

@test "clv: a rep sees and fits only their own accounts; a manager their team's" {
	setup_people
	CRM_USER=rob run --separate-stderr crm-report clv -H
	assert_success
	got=$(printf '%s\n' "${lines[@]}" | cut -f2-7 | sort)
	assert_equal "$got" "$(expect_summary rob 2026-03-02)"
	CRM_USER=rob run --separate-stderr crm-report clv --params
	assert_line --index 6 "bgnbd	customers	40"
	# rob's fit is over his accounts alone: as ada's with --owner rob
	assert_equal "$output" "$(crm-report clv --params --owner rob)"
	CRM_USER=rob must_fail 77 crm-report clv --owner wes
	CRM_USER=wes must_fail 77 crm-report clv --team east
	CRM_USER=mia run --separate-stderr crm-report clv -H
	assert_equal "${#lines[@]}" 40
	CRM_USER=mia run --separate-stderr crm-report clv --team east --params
	assert_line --index 6 "bgnbd	customers	40"
}

@test "clv: a won deal with a contract that has orders counts through its orders" {
	setup_people
	crm-account add --name 合同客户 --owner rob >/dev/null
	acct=$(db_query "SELECT id FROM accounts WHERE name = '合同客户'")
	# a deal won 2025-12-01 with no contract: 200.00
	crm-stage add --title 小单 --account "$acct" --amount 200 --owner rob -q
	d1=$(db_query "SELECT max(id) FROM deals")
	CRM_NOW=2025-12-01T02:00:00Z crm-stage won "$d1" -q >/dev/null
	# a deal won 2026-01-05 with an accepted quote of 2 x 565.00 (its
	# amount then the quote's total), a contract and on 2026-02-10 an
	# order of all of it: the order counts, on its date, and the deal
	# not at all
	crm-product add --sku SRV --name 服务器 --unit 台 --price 565 >/dev/null
	crm-stage add --title 大单 --account "$acct" --amount 500 --owner rob -q
	d2=$(db_query "SELECT max(id) FROM deals")
	crm-quote new --deal "$d2" >/dev/null
	q=$(db_query "SELECT max(id) FROM quotes")
	crm-quote line "$q" --product SRV --qty 2 >/dev/null
	crm-quote send "$q" >/dev/null
	crm-quote accept "$q" >/dev/null
	CRM_NOW=2026-01-05T02:00:00Z crm-stage won "$d2" -q >/dev/null
	crm-contract new --quote "$q" >/dev/null
	c=$(db_query "SELECT max(id) FROM contracts")
	crm-contract submit "$c" >/dev/null
	total=$(db_query "SELECT total FROM quotes WHERE id = $q")
	CRM_NOW=2026-02-10T02:00:00Z crm-order new --contract "$c" >/dev/null
	[ "$(db_query "SELECT count(*) FROM orders WHERE contract_id = $c")" = 1 ]
	run --separate-stderr crm-report clv -H
	assert_success
	# 2025-12-01 to 2026-02-10 is 71 days, to 2026-03-02 91 days
	rev=$(( 20000 + total ))
	want=$(printf '%s\t合同客户\t1\t10.14\t13.00\t%d.%02d\t%d.%02d' "$acct" $(( rev / 100 )) $(( rev % 100 )) \
		$(( (rev / 2) / 100 )) $(( (rev / 2) % 100 )))
	assert_line --regexp "^$want	"
	# cancelled, the order no longer stands for the deal: the deal counts
	o=$(db_query "SELECT max(id) FROM orders")
	crm-order cancel "$o" >/dev/null
	run --separate-stderr crm-report clv -H
	amount=$(db_query "SELECT amount FROM deals WHERE id = $d2")
	rev=$(( 20000 + amount ))
	want=$(printf '%s\t合同客户\t1\t5.00\t13.00\t%d.%02d\t%d.%02d' "$acct" $(( rev / 100 )) $(( rev % 100 )) \
		$(( (rev / 2) / 100 )) $(( (rev / 2) % 100 )))
	assert_line --regexp "^$want	"
}

@test "clv: the CDNOW sample gives the paper's parameters" {
	[ -f "$CDNOW/CDNOW_sample.txt" ] || skip "the CDNOW data is not at $CDNOW"
	crm-user add --login ada --name Ada --role admin >/dev/null
	export CRM_USER=ada
	run --separate-stderr sh "$TOP/bench/cdnow.sh" "$CDNOW"
	assert_success
	# the paper: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426 with
	# LL = -9582.4; Gamma-Gamma p = 6.25, q = 3.74, gamma = 15.44; to
	# the digits it gives (half a unit of the last one)
	printf '%s\n' "$output" | awk -F'\t' '
		BEGIN { w["bgnbd r"] = 0.243; w["bgnbd alpha"] = 4.414; w["bgnbd a"] = 0.793
			w["bgnbd b"] = 2.426; w["bgnbd log_likelihood"] = -9582.4
			w["gamma-gamma p"] = 6.25; w["gamma-gamma q"] = 3.74; w["gamma-gamma gamma"] = 15.44
			tol["bgnbd log_likelihood"] = 0.05; tol["gamma-gamma p"] = tol["gamma-gamma q"] = 0.005
			tol["gamma-gamma gamma"] = 0.005 }
		{ k = $1 " " $2; if (!(k in w)) next; t = k in tol ? tol[k] : 0.0005; seen++
		  d = $3 - w[k]; if (d < 0) d = -d; if (d > t) { print k ": " $3 " is not " w[k]; bad = 1 } }
		END { exit bad || seen != 8 }'
	assert_line "bgnbd	customers	2357"
	assert_line "gamma-gamma	customers	946"
}
