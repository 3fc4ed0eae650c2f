#!/usr/bin/env bats
# crm-roi: costs (add, import, list, remove) with good and bad input, and
# the ROI report, every figure of which is recomputed here with awk from the
# generated dataset's TSV files (tests/gen-dataset.sh), never taken from the
# tool: all time and partial periods, by source and by campaign, the
# visibility of reps and managers, filters, zero-cost channels, channels
# with costs but no leads, cost periods partly inside the report period,
# leads won in a later period, empty periods; the table's totals; the chart.

load helper
bats_require_minimum_version 1.5.0

setup_file() {
	export DATA=$BATS_FILE_TMPDIR/data
	file_db_setup
	TZ=Asia/Shanghai CRM_NOW=2026-03-02T09:00:00Z XDG_CONFIG_HOME=$BATS_FILE_TMPDIR/cfg \
		sh "$TOP/tests/gen-dataset.sh" -d "$FILE_DB" "$DATA" >/dev/null
	file_db_done
	# The report recomputed: integer cents, halves rounded as documented;
	# one line per channel as "revenue TAB source TAB campaign TAB row" for
	# sorting, or with TOTAL=1 the totals.  mawk's %d stops at 2^31: %.0f.
	cat >"$BATS_FILE_TMPDIR/roi.awk" <<'EOF'
function idiv(a, b,    q) {
	q = int(a / b)
	while (q * b > a) q--
	while ((q + 1) * b <= a) q++
	return q
}
function money(c) { return sprintf("%.0f.%02d", int(c / 100), c % 100) }
function ratio(num, den,    neg, n, q) {
	if (den == 0) return num > 0 ? "inf" : num < 0 ? "-inf" : ""
	neg = num < 0
	n = (neg ? -num : num) * 10000
	q = idiv(2 * n + den, 2 * den)
	return sprintf("%s%.0f.%04d", neg && q ? "-" : "", int(q / 10000), q % 10000)
}
function per(c, n) { return n == 0 ? (c ? "inf" : "") : money(idiv(2 * c + n, 2 * n)) }
function col(name) { return $(H[FILENAME, name]) }
function visible(owner, lead) {
	if (AROLE == "admin" || owner == AID && owner != "") return 1
	if (owner == "") return lead
	return AROLE == "manager" && ((ATEAM != "" && TEAMOF[owner] == ATEAM) || MGR[owner] == AID)
}
function line(k1, k2, l, c, r, s,    row) {
	row = k1 (BY == "campaign" ? "\t" k2 : "")
	return row "\t" l "\t" c "\t" ratio(c, l) "\t" money(r) "\t" money(s) "\t" per(s, l) \
		"\t" per(s, c) "\t" ratio(r, s) "\t" ratio(r - s, s)
}
BEGIN {
	FS = OFS = "\t"
	FROMD = SINCE == "" ? -1e9 : date_day(SINCE)
	TOD = UNTIL == "" ? 1e9 : date_day(UNTIL)
}
FNR == 1 { for (i = 1; i <= NF; i++) H[FILENAME, $i] = i; next }
FILENAME ~ /teams.tsv$/ { TEAMID[col("name")] = col("id") }
FILENAME ~ /users.tsv$/ {
	id = col("id"); UID[col("login")] = id
	TEAMOF[id] = col("team_id"); MGR[id] = col("manager_id")
	if (col("login") == ACTOR) { AID = id; AROLE = col("role"); ATEAM = col("team_id") }
}
FILENAME ~ /leads.tsv$/ {
	t = col("created_ts")
	if (t < FROMD * 86400 - tzoff() || t >= (TOD + 1) * 86400 - tzoff()) next
	o = col("owner_id")
	if (!visible(o, 1)) next
	if (OWNER != "" && o != UID[OWNER]) next
	if (TEAM != "" && (o == "" || TEAMOF[o] != TEAMID[TEAM])) next
	if (REGION != "" && col("region") != REGION) next
	if (SRC != "" && col("source") != SRC) next
	if (CAMP != "" && col("campaign") != CAMP) next
	k = col("source") SUBSEP (BY == "campaign" ? col("campaign") : "")
	LK[col("id")] = k; N[k]++; KEYS[k] = 1; TLEADS++
}
FILENAME ~ /deals.tsv$/ {
	if (!(col("lead_id") in LK) || col("status") != "won" || !visible(col("owner_id"), 0)) next
	k = LK[col("lead_id")]
	cu = col("account_id") != "" ? col("account_id") : -col("lead_id")
	if (!((k, cu) in SEEN)) { SEEN[k, cu] = 1; CU[k]++ }
	if (!(cu in TSEEN)) { TSEEN[cu] = 1; TCU++ }
	REV[k] += col("amount"); TREV += col("amount")
	if (LATE != "" && col("closed_ts") >= (TOD + 1) * 86400 - tzoff()) print col("id") > LATE
}
FILENAME ~ /costs.tsv$/ {
	if (SRC != "" && col("source") != SRC || CAMP != "" && col("campaign") != CAMP) next
	ps = date_day(col("period_start")); pe = date_day(col("period_end"))
	lo = ps > FROMD ? ps : FROMD; hi = pe < TOD ? pe : TOD
	if (hi < lo) next
	days = pe - ps + 1; din = hi - lo + 1; a = col("amount")
	part = din >= days ? a : idiv(a * din * 2 + days, 2 * days)
	if (PARTIAL != "" && din < days) print col("id") > PARTIAL
	k = col("source") SUBSEP (BY == "campaign" ? col("campaign") : "")
	COST[k] += part; KEYS[k] = 1; TCOST += part
}
END {
	if (TOTAL) {
		print line("total", "", TLEADS + 0, TCU + 0, TREV + 0, TCOST + 0)
		exit
	}
	for (k in KEYS) {
		split(k, kk, SUBSEP)
		print sprintf("%.0f", REV[k]), kk[1], kk[2], \
			line(kk[1], kk[2], N[k] + 0, CU[k] + 0, REV[k] + 0, COST[k] + 0)
	}
}
EOF
}

# use_data: this test works on a copy of the generated database
use_data() {
	file_db_copy
	cp "$DATA"/*.tsv "$DATA/crm.yaml" "$BATS_TEST_TMPDIR/"
	export CRM_CONFIG=$BATS_TEST_TMPDIR/crm.yaml CRM_USER=admin
}

# roi_awk [-v NAME=VALUE]...: the awk over this test's copy of the TSV files
roi_awk() {
	local d=$BATS_TEST_TMPDIR
	awk -v ACTOR="${CRM_USER:-admin}" "$@" -f "$TOP/tests/dates.awk" -f "$BATS_FILE_TMPDIR/roi.awk" \
		"$d/teams.tsv" "$d/users.tsv" "$d/leads.tsv" "$d/deals.tsv" "$d/costs.tsv"
}

# expect_roi [-v ...]: the report's TSV rows (no header), by revenue, then name
expect_roi() {
	roi_awk "$@" | LC_ALL=C sort -t$'\t' -k1,1nr -k2,2 -k3,3 | cut -f4-
}

# check_roi AWKVARS -- CRM-ROI ARGS: the tool's rows equal awk's
check_roi() {
	local vars=()
	while [ "$1" != -- ]; do vars+=("$1"); shift; done
	shift
	expect_roi "${vars[@]}" >"$BATS_TEST_TMPDIR/expected"
	run --separate-stderr "$@" -H
	assert_success
	[ "$stderr" = "" ]
	[ -s "$BATS_TEST_TMPDIR/expected" ] || [ "$output" = "" ]
	assert_output "$(cat "$BATS_TEST_TMPDIR/expected")"
}

# the cells of the table's last line (the totals), rates as percentages
# rounded as the table rounds them
table_totals() {
	crm-roi -f table "$@" | tail -n 1 | awk '{ $1 = $1; print }'
}
expect_totals() {
	roi_awk -v TOTAL=1 "$@" | awk -F'\t' '
function pct(s,    neg, w, f, t) {
	if (s !~ /^-?[0-9]+\.[0-9][0-9][0-9][0-9]$/) return s
	neg = s ~ /^-/; sub(/^-/, "", s); split(s, p, ".")
	t = p[1] * 1000 + int(substr(p[2], 1, 3)) + (substr(p[2], 4, 1) >= 5)
	return sprintf("%s%.0f.%d%%", neg && t ? "-" : "", int(t / 10), t % 10)
}
{ c = NF == 11; $(4 + c) = pct($(4 + c)); $(10 + c) = pct($(10 + c)); out = ""
  for (i = 1; i <= NF; i++) if ($i != "") out = out (out == "" ? "" : " ") $i
  print out }'
}

@test "report over all time, by source and by campaign, equals awk" {
	use_data
	check_roi -v BY=source -- crm-roi
	[ "${#lines[@]}" -eq 6 ]
	check_roi -v BY=campaign -- crm-roi --by campaign
	run crm-roi
	assert_line --index 0 "source	leads	customers	conversion	revenue	cost	cost_per_lead	cost_per_customer	roas	roi"
	run crm-roi --by campaign -f csv
	assert_line --index 0 $'source,campaign,leads,customers,conversion,revenue,cost,cost_per_lead,cost_per_customer,roas,roi\r'
}

@test "a period: partial cost periods pro rata, leads won after the period" {
	use_data
	check_roi -v BY=source -v SINCE=2025-03-10 -v UNTIL=2025-04-20 \
		-v PARTIAL="$BATS_TEST_TMPDIR/partial" -v LATE="$BATS_TEST_TMPDIR/late" \
		-- crm-roi --since 2025-03-10 --until 2025-04-20
	# the data exercises both: costs cut by the period, deals won later
	[ "$(wc -l <"$BATS_TEST_TMPDIR/partial")" -ge 5 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/late")" -ge 5 ]
	check_roi -v BY=campaign -v SINCE=2025-10-20 -v UNTIL=2026-01-05 \
		-- crm-roi --by campaign --since 2025-10-20 --until 2026-01-05
	# a period of one day, and relative dates (now is 2026-03-02)
	check_roi -v BY=source -v SINCE=2025-08-08 -v UNTIL=2025-08-08 -- crm-roi --since 2025-08-08 --until 2025-08-08
	check_roi -v BY=source -v SINCE=2025-12-02 -- crm-roi --since 3m
}

@test "a cost period half inside the report: exact cents, halves up" {
	crm-roi cost add --source web --from 2026-01-30 --to 2026-02-01 --amount 100 -q
	crm-roi cost add --source ads --from 2026-02-01 --to 2026-02-02 --amount 0.05 -q
	run crm-roi --since 2026-01-31 --until 2026-02-01 -H
	# web: 2 of 3 days of 100.00 = 66.666.. => 66.67; ads: 1 of 2 days of 5 cents = 2.5 => 3
	assert_output "ads	0	0		0.00	0.03	inf	inf	0.0000	-1.0000
web	0	0		0.00	66.67	inf	inf	0.0000	-1.0000"
}

@test "zero-cost channels: roas and roi are inf; 0/0 is empty" {
	use_data
	check_roi -v BY=source -v SINCE=2025-07-01 -v UNTIL=2025-09-30 -- crm-roi --since 2025-07-01 --until 2025-09-30
	# wechat has no cost rows, referral costs 0.00: both with revenue
	assert_line --regexp '^wechat	[0-9]+	[1-9][0-9]*	0\.[0-9]{4}	[1-9][0-9]*\.[0-9]{2}	0\.00	0\.00	0\.00	inf	inf$'
	assert_line --regexp '^referral	[0-9]+	[1-9][0-9]*	0\.[0-9]{4}	[1-9][0-9]*\.[0-9]{2}	0\.00	0\.00	0\.00	inf	inf$'
	# a zero cost with nothing won: no ratio at all
	crm-roi cost add --source wechat --campaign moments --period 2026-02 --amount 0 -q
	printf '999\twechat\tmoments\t2026-02-01\t2026-02-28\t0\n' >>"$BATS_TEST_TMPDIR/costs.tsv"
	check_roi -v BY=campaign -v SINCE=2026-02-01 -v UNTIL=2026-02-28 -- crm-roi --by campaign --since 2026-02-01 --until 2026-02-28
	assert_line "wechat	moments	0	0		0.00	0.00				"
}

@test "channels with costs but no leads, and an empty period" {
	use_data
	# June 2025 has no leads at all, but its monthly costs
	check_roi -v BY=source -v SINCE=2025-06-01 -v UNTIL=2025-06-30 -- crm-roi --since 2025-06-01 --until 2025-06-30
	[ "${#lines[@]}" -ge 3 ]
	for l in "${lines[@]}"; do [[ $l == *$'\t0\t0\t\t0.00\t'*$'\tinf\tinf\t0.0000\t-1.0000' ]]; done
	# a campaign with a cost and no leads
	crm-roi cost add --source expo --campaign expo-2026 --period 2026-02 --amount 28000 -q
	printf '999\texpo\texpo-2026\t2026-02-01\t2026-02-28\t2800000\n' >>"$BATS_TEST_TMPDIR/costs.tsv"
	check_roi -v BY=campaign -v SINCE=2026-02-01 -- crm-roi --by campaign --since 2026-02-01
	assert_line "expo	expo-2026	0	0		0.00	28000.00	inf	inf	0.0000	-1.0000"
	# nothing at all in 2027: a header and nothing, or a table of zeros
	run crm-roi --since 2027-01-01 --until 2027-01-31
	assert_success
	assert_output "source	leads	customers	conversion	revenue	cost	cost_per_lead	cost_per_customer	roas	roi"
	run crm-roi --since 2027-01-01 --until 2027-01-31 -f table
	assert_output "source  leads  customers  conversion  revenue  cost  cost_per_lead  cost_per_customer  roas  roi
------  -----  ---------  ----------  -------  ----  -------------  -----------------  ----  ---
------  -----  ---------  ----------  -------  ----  -------------  -----------------  ----  ---
total       0          0                 0.00  0.00"
}

@test "the table's totals row: ratios of the totals, customers counted once" {
	use_data
	[ "$(table_totals)" = "$(expect_totals -v BY=source)" ]
	[ "$(table_totals --since 2025-03-10 --until 2025-04-20 --by campaign)" = \
	  "$(expect_totals -v BY=campaign -v SINCE=2025-03-10 -v UNTIL=2025-04-20)" ]
	# a customer won through two channels counts once in the total
	sum=$(crm-roi -H | awk -F'\t' '{ s += $3 } END { print s }')
	total=$(table_totals | cut -d' ' -f3)
	[ "$total" -lt "$sum" ]
	# rates are percentages in the table
	run crm-roi -f table
	assert_line --index 0 --regexp '^source +leads +customers +conversion +revenue +cost +cost_per_lead +cost_per_customer +roas +roi$'
	assert_line --regexp '^web +[0-9]+ +[0-9]+ +[0-9]+\.[0-9]% '
}

@test "visibility: costs are the company's, so is the revenue; reps are refused" {
	use_data
	# a manager's report counts every lead and deal, as an admin's does
	# (awk runs as admin, the tool as the manager)
	check_roi -v BY=source -- env CRM_USER=mgr2 crm-roi
	check_roi -v BY=source -v SINCE=2025-09-01 -v UNTIL=2025-12-31 -- \
		env CRM_USER=mgr3 crm-roi --since 2025-09-01 --until 2025-12-31
	# their own team's leads, asked for by name, against the whole costs
	check_roi -v BY=source -v TEAM=华北销售部 -- env CRM_USER=mgr2 crm-roi --team 华北销售部
	check_roi -v BY=source -v OWNER=rep4 -- env CRM_USER=mgr2 crm-roi --owner rep4
	# another team's, or another team's rep: refused, not answered with less
	CRM_USER=mgr2 must_fail 77 crm-roi --team 华南销售部
	assert_output "crm-roi: permission denied: team '华南销售部' is not visible to 'mgr2'"
	CRM_USER=mgr2 must_fail 77 crm-roi --owner rep7
	assert_output "crm-roi: permission denied: user 'rep7' is not visible to 'mgr2'"
	# a rep's revenue against the company's costs answers nothing
	for args in "" "--by campaign" "--owner rep1" "-f table"; do
		# shellcheck disable=SC2086
		CRM_USER=rep1 must_fail 77 crm-roi $args
		assert_output "crm-roi: permission denied: ROI needs company-wide revenue; ask a manager"
	done
	CRM_USER=rep9 must_fail 77 crm-roi
	assert_output "crm-roi: user 'rep9' is deactivated"
}

@test "filters: owner, team, region, source, campaign" {
	use_data
	check_roi -v BY=source -v OWNER=rep3 -- crm-roi --owner rep3
	check_roi -v BY=source -v TEAM=华南销售部 -v SINCE=2025-02-10 -- crm-roi -t 华南销售部 --since 2025-02-10
	check_roi -v BY=campaign -v REGION=华东 -- crm-roi --by campaign --region 华东
	check_roi -v BY=campaign -v SRC=ads -v SINCE=2025-03-01 -v UNTIL=2025-06-30 -- crm-roi --by campaign --source ads --since 2025-03-01 --until 2025-06-30
	check_roi -v BY=source -v CAMP=expo-autumn -- crm-roi --campaign expo-autumn
	check_roi -v BY=source -v OWNER=rep5 -v REGION=华北 -v SINCE=2025-07-01 -- crm-roi -o rep5 --region 华北 --since 2025-07-01
}

@test "report bounds are whole local days, --until included" {
	# 23:59:59 on January 31 and 00:00:00 on February 1, Shanghai time
	CRM_NOW=2026-01-31T15:59:59Z crm-lead add --name a --source web -q
	CRM_NOW=2026-01-31T16:00:00Z crm-lead add --name b --source web -q
	CRM_NOW=2025-12-31T16:00:00Z crm-lead add --name c --source ads -q
	run crm-roi -H --since 2026-01-01 --until 2026-01-31
	assert_output "ads	1	0	0.0000	0.00	0.00	0.00			
web	1	0	0.0000	0.00	0.00	0.00			"
	run crm-roi -H --since 2026-02-01
	assert_output "web	1	0	0.0000	0.00	0.00	0.00			"
	run crm-roi -H
	assert_output "ads	1	0	0.0000	0.00	0.00	0.00			
web	2	0	0.0000	0.00	0.00	0.00			"
}

@test "the report is the default command; bad report options" {
	use_data
	[ "$(crm-roi -f table)" = "$(crm-roi report -f table)" ]
	[ "$(crm-roi -d "$CRM_DB" --since 2025-05-01 -H)" = "$(crm-roi report --since 2025-05-01 -H)" ]
	must_fail 64 crm-roi --by owner
	assert_output "crm-roi: unknown --by 'owner' (source, campaign)
Try 'crm-roi --help'."
	must_fail 64 crm-roi --since someday
	assert_output "crm-roi: invalid date for --since 'someday'
Try 'crm-roi --help'."
	must_fail 64 crm-roi --since 2026-03-01 --until 2026-02-01
	assert_output "crm-roi: --until '2026-02-01' is before --since '2026-03-01'
Try 'crm-roi --help'."
	must_fail 65 crm-roi --owner ghost
	assert_output "crm-roi: unknown user 'ghost'"
	must_fail 65 crm-roi --team ghost
	assert_output "crm-roi: unknown team 'ghost'"
	must_fail 64 crm-roi --amount 5
	assert_output "crm-roi: --amount is not an option of 'report'
Try 'crm-roi --help'."
	must_fail 64 crm-roi frob
	assert_output "crm-roi: unknown command 'frob'
Try 'crm-roi --help'."
	must_fail 64 crm-roi report extra
	assert_output "crm-roi: unexpected argument 'extra'
Try 'crm-roi --help'."
}

@test "the chart renders: crm-roi -f gnuplot | gnuplot > roi.png" {
	use_data
	run crm-roi -f gnuplot --since 2025-01-01
	assert_success
	assert_output --partial "Revenue and cost per source"
	for s in web expo referral ads cold-call wechat; do assert_output --partial "$s"; done
	crm-roi -f gnuplot --since 2025-01-01 | gnuplot >roi.png
	[ -s roi.png ]
	[ "$(head -c 8 roi.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
	crm-roi -f gnuplot --by campaign | gnuplot >campaign.png
	[ "$(head -c 4 campaign.png | od -An -tx1 | tr -d ' \n')" = 89504e47 ]
	must_fail 64 crm-roi cost list -f gnuplot
	assert_output "crm-roi: -f gnuplot is for the report
Try 'crm-roi --help'."
}

@test "cost add: a month, days, money forms; printed and audited" {
	run crm-roi cost add --source expo --campaign expo-2026 --period 2024-02 --amount '¥1,234.50' --note '展位'
	assert_success
	assert_output "id	source	campaign	period_start	period_end	days	amount	in_period	note
1	expo	expo-2026	2024-02-01	2024-02-29	29	1234.50	1234.50	展位"
	run crm-roi cost add --source web --from 2026-01-15 --to 2026-02-13 --amount 3000 -H
	assert_output "2	web		2026-01-15	2026-02-13	30	3000.00	3000.00	"
	run crm-roi cost add --source referral --from 2026-03-02 --to today --amount 0 -H -q
	assert_output ""
	run crm-roi cost list -H
	assert_output "1	expo	expo-2026	2024-02-01	2024-02-29	29	1234.50	1234.50	展位
2	web		2026-01-15	2026-02-13	30	3000.00	3000.00	
3	referral		2026-03-02	2026-03-02	1	0.00	0.00	"
	run db_query "SELECT actor, tool, entity, entity_id, action, field, new_value FROM audit ORDER BY id LIMIT 6"
	assert_output "tester|crm-roi|cost|1|create|source|expo
tester|crm-roi|cost|1|create|campaign|expo-2026
tester|crm-roi|cost|1|create|period_start|2024-02-01
tester|crm-roi|cost|1|create|period_end|2024-02-29
tester|crm-roi|cost|1|create|amount|1234.50
tester|crm-roi|cost|1|create|note|展位"
	# -n shows and writes nothing
	run crm-roi cost add --source web --period 2026-03 --amount 1 -n -H
	assert_output "4	web		2026-03-01	2026-03-31	31	1.00	1.00	"
	[ "$(db_query 'SELECT count(*) FROM costs')" -eq 3 ]
}

@test "cost add: bad input is refused with the exact reason, nothing written" {
	must_fail 65 crm-roi cost add --source web --period 2026-02 --amount -5
	assert_output "crm-roi: negative amount '-5'"
	must_fail 65 crm-roi cost add --source web --period 2026-02 --amount 12.345
	assert_output "crm-roi: amount with more than two decimals '12.345'"
	must_fail 65 crm-roi cost add --source web --period 2026-02 --amount 12abc
	assert_output "crm-roi: invalid amount '12abc'"
	must_fail 65 crm-roi cost add --source web --period 2026-13 --amount 5
	assert_output "crm-roi: invalid period '2026-13' (YYYY-MM)"
	must_fail 65 crm-roi cost add --source web --period 2026-2 --amount 5
	assert_output "crm-roi: invalid period '2026-2' (YYYY-MM)"
	must_fail 65 crm-roi cost add --source web --from 2026-02-30 --to 2026-03-01 --amount 5
	assert_output "crm-roi: invalid date '2026-02-30'"
	must_fail 65 crm-roi cost add --source web --from 2026-03-05 --to 2026-03-01 --amount 5
	assert_output "crm-roi: period ends before it starts '2026-03-05..2026-03-01'"
	must_fail 65 crm-roi cost add --source $'\xff' --period 2026-02 --amount 5
	assert_output "crm-roi: invalid UTF-8 in source"
	must_fail 64 crm-roi cost add --source web --period 2026-02
	assert_output "crm-roi: cost add needs --source and --amount
Try 'crm-roi --help'."
	must_fail 64 crm-roi cost add --source web --amount 5
	assert_output "crm-roi: cost add needs --period, or --from and --to
Try 'crm-roi --help'."
	must_fail 64 crm-roi cost add --source web --from 2026-02-01 --amount 5
	must_fail 64 crm-roi cost add --source web --period 2026-02 --from 2026-02-01 --amount 5
	assert_output "crm-roi: give --period or --from and --to, not both
Try 'crm-roi --help'."
	must_fail 64 crm-roi cost add --source web --period 2026-02 --amount 5 extra
	must_fail 64 crm-roi cost add --source web --period 2026-02 --amount 5 --since 3d
	assert_output "crm-roi: --since is not an option of 'cost add'
Try 'crm-roi --help'."
	must_fail 65 crm-roi cost add --source web --from 2000-01-01 --to 2099-12-31 --amount 90000000000000000
	assert_output "crm-roi: amount too large for its period '90000000000000000'"
	# with a list of sources in the config, the source must be one of them
	must_fail 65 crm-roi -c "$TOP/examples/crm.yaml" cost add --source tv --period 2026-02 --amount 5
	assert_output "crm-roi: unknown source 'tv'"
	run crm-roi -c "$TOP/examples/crm.yaml" cost add --source 展会 --period 2026-02 --amount 5 -H
	assert_output "1	expo		2026-02-01	2026-02-28	28	5.00	5.00	"
	[ "$(db_query 'SELECT count(*) FROM costs')" -eq 1 ]
	must_fail 64 crm-roi cost
	assert_output "crm-roi: cost needs 'add', 'import', 'list' or 'remove'
Try 'crm-roi --help'."
	must_fail 64 crm-roi cost frob
	assert_output "crm-roi: unknown cost command 'frob'
Try 'crm-roi --help'."
}

@test "only managers and admins change costs; everyone reads them; reps get no ROI" {
	crm-user add --login boss --name Boss --role admin -q
	export CRM_USER=boss
	crm-user team add east -q
	crm-user add --login mgr --name Mgr --role manager --team east -q
	crm-user add --login rep --name Rep --team east -q
	CRM_USER=mgr crm-roi cost add --source web --period 2026-01 --amount 10 -q
	CRM_USER=rep must_fail 77 crm-roi cost add --source web --period 2026-02 --amount 10
	assert_output "crm-roi: permission denied: only a manager or an admin may change costs"
	printf 'source\tperiod\tamount\nweb\t2026-03\t5\n' >c.tsv
	CRM_USER=rep must_fail 77 crm-roi cost import c.tsv
	CRM_USER=rep must_fail 77 crm-roi cost remove 1
	run env CRM_USER=rep crm-roi cost list -H
	assert_output "1	web		2026-01-01	2026-01-31	31	10.00	10.00	"
	CRM_USER=rep must_fail 77 crm-roi -H
	assert_output "crm-roi: permission denied: ROI needs company-wide revenue; ask a manager"
	run env CRM_USER=mgr crm-roi -H
	assert_output "web	0	0		0.00	10.00	inf	inf	0.0000	-1.0000"
	CRM_USER=ghost must_fail 77 crm-roi cost list
	assert_output "crm-roi: unknown user 'ghost' (from CRM_USER)"
}

@test "cost import: TSV and CSV with Chinese headers; list output imports again" {
	printf 'source\tcampaign\tperiod\tamount\tnote\nweb\t\t2026-01\t12000\tSEM\nexpo\texpo-2026\t2026-03\t86000.50\t\n' >c.tsv
	run --separate-stderr crm-roi cost import c.tsv
	assert_success
	assert_output "id	source	campaign	period_start	period_end	days	amount	in_period	note
1	web		2026-01-01	2026-01-31	31	12000.00	12000.00	SEM
2	expo	expo-2026	2026-03-01	2026-03-31	31	86000.50	86000.50	"
	[ "$stderr" = "crm-roi: imported 2, rejected 0" ]
	printf '来源,活动,开始日期,结束日期,金额,备注\nads,baidu,2026-01-10,2026-02-09,"3,000",春节\n' >c.csv
	run --separate-stderr crm-roi cost import -H c.csv
	assert_output "3	ads	baidu	2026-01-10	2026-02-09	31	3000.00	3000.00	春节"
	# stdin, and a list read back in (its id, days and in_period ignored)
	crm-roi cost list --source web >list.tsv
	run --separate-stderr crm-roi cost import -H --tsv - <list.tsv
	assert_output "4	web		2026-01-01	2026-01-31	31	12000.00	12000.00	SEM"
	[ "$stderr" = "crm-roi: imported 1, rejected 0" ]
	# an unknown column is named, unless -q
	printf 'source\tperiod\tamount\towner\nweb\t2026-04\t1\tx\n' >o.tsv
	run --separate-stderr crm-roi cost import -H o.tsv
	[ "$stderr" = "crm-roi: o.tsv: ignoring column 'owner'
crm-roi: imported 1, rejected 0" ]
	run --separate-stderr crm-roi cost import -q -H --csv - <<<$'source,period,amount\nweb,2026-05,2'
	assert_output ""
	[ "$stderr" = "" ]
	[ "$(db_query 'SELECT count(*) FROM costs')" -eq 6 ]
}

@test "cost import: all or nothing, every bad row listed; --skip-bad with a reject file" {
	cat >c.tsv <<-'EOF'
	source	period	from	to	amount
	web	2026-01			100
	web	2026-13			100
	ads		2026-02-01	2026-01-01	5
	expo	2026-02			-3
	web	2026-02	2026-02-01	2026-02-28	1
	 	2026-02			1
	cold-call		2026-02-01		1
	referral	2026-02			abc
	wechat	2026-02			0
	EOF
	run --separate-stderr crm-roi cost import c.tsv
	[ "$status" -eq 65 ]
	assert_output ""
	[ "$stderr" = "crm-roi: c.tsv:3: invalid period '2026-13' (YYYY-MM)
crm-roi: c.tsv:4: period ends before it starts '2026-02-01..2026-01-01'
crm-roi: c.tsv:5: negative amount '-3'
crm-roi: c.tsv:6: give a period or from and to, not both
crm-roi: c.tsv:7: missing source
crm-roi: c.tsv:8: missing period (or from and to)
crm-roi: c.tsv:9: invalid amount 'abc'
crm-roi: 7 bad rows, nothing imported" ] || { echo "$stderr"; false; }
	[ "$(db_query 'SELECT count(*) FROM costs')" -eq 0 ]
	run --separate-stderr crm-roi cost import --skip-bad --reject bad.tsv -H c.tsv
	assert_success
	assert_output "1	web		2026-01-01	2026-01-31	31	100.00	100.00	
2	wechat		2026-02-01	2026-02-28	28	0.00	0.00	"
	[ "$stderr" = "crm-roi: imported 2, rejected 7" ]
	run cat bad.tsv
	assert_output "source	period	from	to	amount	error
web	2026-13			100	invalid period '2026-13' (YYYY-MM)
ads		2026-02-01	2026-01-01	5	period ends before it starts '2026-02-01..2026-01-01'
expo	2026-02			-3	negative amount '-3'
web	2026-02	2026-02-01	2026-02-28	1	give a period or from and to, not both
 	2026-02			1	missing source
cold-call		2026-02-01		1	missing period (or from and to)
referral	2026-02			abc	invalid amount 'abc'"
	# malformed TSV rows are bad rows too
	printf 'source\tperiod\tamount\nweb\t2026-01\nads\t2026-01\t1\n' >m.tsv
	run --separate-stderr crm-roi cost import m.tsv
	[ "$status" -eq 65 ]
	[ "$stderr" = "crm-roi: m.tsv:2: expected 3 fields, got 2
crm-roi: 1 bad row, nothing imported" ] || { echo "$stderr"; false; }
}

@test "cost import: missing columns and files, a bad reject option" {
	printf 'source\tperiod\nweb\t2026-01\n' >a.tsv
	must_fail 65 crm-roi cost import a.tsv
	assert_output "crm-roi: a.tsv:1: no column 'amount'"
	printf 'source\tfrom\tamount\nweb\t2026-01-01\t1\n' >b.tsv
	must_fail 65 crm-roi cost import b.tsv
	assert_output "crm-roi: b.tsv:1: no column 'period' (or 'from' and 'to')"
	printf 'source\t渠道\tperiod\tamount\n' >d.tsv
	must_fail 65 crm-roi cost import d.tsv
	assert_output "crm-roi: d.tsv:1: columns 'source' and '渠道' both give 'source'"
	must_fail 66 crm-roi cost import nosuch.tsv
	assert_output "crm-roi: nosuch.tsv: No such file or directory"
	must_fail 64 crm-roi cost import --reject r.tsv a.tsv
	assert_output "crm-roi: --reject goes with --skip-bad
Try 'crm-roi --help'."
	must_fail 64 crm-roi cost import a.tsv b.tsv
}

@test "cost list: by period, filters, the part inside a window, totals" {
	crm-roi cost add --source web --period 2026-01 --amount 3100 -q
	crm-roi cost add --source ads --campaign baidu --from 2026-01-15 --to 2026-02-13 --amount 3000 -q
	crm-roi cost add --source web --period 2026-02 --amount 2800 -q
	run crm-roi cost list -H --since 2026-02-01
	# ads: 13 of its 30 days fall in February
	assert_output "2	ads	baidu	2026-01-15	2026-02-13	30	3000.00	1300.00	
3	web		2026-02-01	2026-02-28	28	2800.00	2800.00	"
	run crm-roi cost list -H --until 2026-01-20 --source ads
	assert_output "2	ads	baidu	2026-01-15	2026-02-13	30	3000.00	600.00	"
	run crm-roi cost list -H --campaign baidu
	assert_output "2	ads	baidu	2026-01-15	2026-02-13	30	3000.00	3000.00	"
	run crm-roi cost list -f table --since 2026-02-01
	assert_output "   id  source  campaign  period_start  period_end  days   amount  in_period  note
-----  ------  --------  ------------  ----------  ----  -------  ---------  ----
    2  ads     baidu     2026-01-15    2026-02-13    30  3000.00    1300.00
    3  web               2026-02-01    2026-02-28    28  2800.00    2800.00
-----  ------  --------  ------------  ----------  ----  -------  ---------  ----
total                                                    5800.00    4100.00"
	# the report counts the same part
	run crm-roi -H --since 2026-02-01
	assert_output "ads	0	0		0.00	1300.00	inf	inf	0.0000	-1.0000
web	0	0		0.00	2800.00	inf	inf	0.0000	-1.0000"
}

@test "cost remove: printed, audited, all or nothing" {
	crm-roi cost add --source web --period 2026-01 --amount 31 --note x -q
	crm-roi cost add --source ads --period 2026-01 --amount 62 -q
	must_fail 1 crm-roi cost remove 1 9
	assert_output "crm-roi: cost 9 not found"
	[ "$(db_query 'SELECT count(*) FROM costs')" -eq 2 ]
	must_fail 64 crm-roi cost remove x
	assert_output "crm-roi: invalid cost id 'x'
Try 'crm-roi --help'."
	must_fail 64 crm-roi cost remove
	run crm-roi cost remove 1 -n -H
	assert_output "1	web		2026-01-01	2026-01-31	31	31.00	31.00	x"
	[ "$(db_query 'SELECT count(*) FROM costs')" -eq 2 ]
	run crm-roi cost remove 1 -H
	assert_output "1	web		2026-01-01	2026-01-31	31	31.00	31.00	x"
	run crm-roi cost list -H
	assert_output "2	ads		2026-01-01	2026-01-31	31	62.00	62.00	"
	run db_query "SELECT entity_id, action, field, old_value FROM audit WHERE action = 'delete'"
	assert_output "1|delete|source|web
1|delete|period_start|2026-01-01
1|delete|period_end|2026-01-31
1|delete|amount|31.00
1|delete|note|x"
}

@test "failures: a locked database, a full disk, a bad config" {
	crm-roi cost add --source web --period 2026-01 --amount 1 -q
	hold_lock 3
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-roi cost add --source web --period 2026-02 --amount 1
	assert_output --partial "database is locked"
	kill "$LOCK_PID" 2>/dev/null || true
	wait "$LOCK_PID" 2>/dev/null || true
	run bash -c 'crm-roi cost list >/dev/full'
	[ "$status" -eq 74 ]
	assert_output "crm-roi: write error: No space left on device"
	run bash -c 'crm-roi >/dev/full'
	[ "$status" -eq 74 ]
	printf 'pipeline: [\n' >bad.yaml
	must_fail 78 crm-roi -c bad.yaml
	must_fail 66 crm-roi -c nosuch.yaml
}
