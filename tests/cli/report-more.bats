#!/usr/bin/env bats
# crm-report kpi, leaderboard, lost, activity, cycle and rfm on the
# generated dataset, every figure against awk over its TSV files.

load report_helper
bats_require_minimum_version 1.5.0

KPI_HEAD="month	new_leads	contacted	median_hours_to_contact	deals_opened	deals_won	won_amount	deals_lost	win_rate	avg_deal_size	avg_days_to_win	collected	outstanding"

@test "kpi: every month of 2025, the empty June included" {
	run --separate-stderr crm-report kpi --period 2025
	assert_success
	assert_output "$KPI_HEAD
$(expect_kpi -v S="$(local_ts 2025-01-01)" -v U="$(local_ts 2026-01-01)")"
	assert_line "2025-06	0	0		0	0	0.00	0				0.00	0.00"
}

@test "kpi: a window across a year end, and weeks" {
	run --separate-stderr crm-report kpi --since 2025-11-15 --until 2026-02-10
	assert_success
	assert_output "$KPI_HEAD
$(expect_kpi -v S="$(local_ts 2025-11-15)" -v U="$(local_ts 2026-02-11)")"
	run crm-report kpi --by week --period 2025-06 -H
	assert_output "2025-W22	0	0		0	0	0.00	0				0.00	0.00
2025-W23	0	0		0	0	0.00	0				0.00	0.00
2025-W24	0	0		0	0	0.00	0				0.00	0.00
2025-W25	0	0		0	0	0.00	0				0.00	0.00
2025-W26	0	0		0	0	0.00	0				0.00	0.00
2025-W27	0	0		0	0	0.00	0				0.00	0.00"
}

@test "kpi -f table: a totals row with rates from the sums" {
	run --separate-stderr crm-report kpi --period 2025 -f table
	assert_success
	t=$(expect_kpi -v S="$(local_ts 2025-01-01)" -v U="$(local_ts 2026-01-01)" |
		awk -F'\t' '{ n += $2; w += $6; l += $8 } END { printf "%d %d %.1f%%", n, w, 100 * w / (w + l) }')
	read -r leads won pct <<<"$t"
	last=${lines[${#lines[@]}-1]}
	[[ "$last" == total*" $leads "*" $won "*" $pct "* ]]
}

LB_HEAD="rank	owner	name	team	won_count	won_amount	deals	activities	win_rate	collected	outstanding"

@test "leaderboard: reps ranked by won amount in 2025" {
	run --separate-stderr crm-report leaderboard --period 2025
	assert_success
	assert_output "$LB_HEAD
$(expect_leaderboard -v S="$(local_ts 2025-01-01)" -v U="$(local_ts 2026-01-01)")"
	# rep9 has left and is still on the board
	assert_line --regexp '	rep9	黄丽	华南销售部	'
}

@test "leaderboard --metric: won_count, deals, activities, win_rate" {
	for m in won_count deals activities win_rate; do
		run --separate-stderr crm-report leaderboard --metric "$m" --since 2025-07-01
		assert_success
		assert_output "$LB_HEAD
$(expect_leaderboard -v S="$(local_ts 2025-07-01)" -v METRIC="$m")"
	done
}

@test "leaderboard: a rep sees only their own line" {
	run --separate-stderr crm-report leaderboard --as rep4 -H
	assert_success
	assert_output "$(expect_leaderboard | awk -F'\t' -v OFS='\t' '$2 == "rep4" { $1 = 1; print }')"
}

LOST_HEAD="reason	name	count	amount	share	amount_share"

@test "lost: loss reasons with their display names, count, amount and shares" {
	run --separate-stderr crm-report lost
	assert_success
	assert_output "$LOST_HEAD
$(expect_lost)"
	run crm-report lost -f table
	last=${lines[${#lines[@]}-1]}
	n=$(expect_lost | awk -F'\t' '{ n += $3 } END { print n }')
	[[ "$last" =~ ^total\ +$n\ +[0-9.]+\ +100\.0%\ +100\.0%$ ]]
}

@test "lost: reopened deals are lost only when lost again" {
	# every deal reopened after a loss and now open or won is not in the report
	n=$(awk -F'\t' 'NR > 1 && $3 == "lost" { print $2 }' "$DATA/deal_stages.tsv" | sort -u |
		awk -F'\t' 'NR == FNR { reo[$1] = 1; next } FNR > 1 && ($1 in reo) && $9 != "lost"' - "$DATA/deals.tsv" | wc -l)
	[ "$n" -gt 0 ]
	run crm-report lost -H
	total=$(echo "$output" | awk -F'\t' '{ n += $3 } END { print n }')
	[ "$total" -eq "$(awk -F'\t' 'NR > 1 && $9 == "lost"' "$DATA/deals.tsv" | wc -l)" ]
}

ACT_HEAD="month	owner	call	email	meeting	visit	wechat	note	total"

@test "activity: interactions per month, rep and kind; June empty" {
	run --separate-stderr crm-report activity --period 2025-Q2
	assert_success
	assert_output "$ACT_HEAD
$(expect_activity -v S="$(local_ts 2025-04-01)" -v U="$(local_ts 2025-07-01)")"
	assert_line "2025-06		0	0	0	0	0	0	0"
}

@test "activity --by owner: one line per rep" {
	run --separate-stderr crm-report activity --by owner --period 2025-Q3 -H
	assert_success
	assert_output "$(expect_activity -v S="$(local_ts 2025-07-01)" -v U="$(local_ts 2025-10-01)" |
		awk -F'\t' -v OFS='\t' '{ for (i = 3; i <= 9; i++) n[$2, i] += $i; u[$2] = 1 }
		END { for (k in u) { printf "%s", k; for (i = 3; i <= 9; i++) printf "\t%d", n[k, i]; print "" } }' |
		sort)"
}

@test "cycle: mean and median days in each stage, and lead to won" {
	run --separate-stderr crm-report cycle
	assert_success
	assert_output "stage	name	deals	mean_days	median_days
$(expect_cycle)"
}

RFM_HEAD="account_id	account	recency_days	frequency	monetary	r	f	m	segment	share	cum_share"

@test "rfm: quintile scores, segments, share and cumulative share" {
	run --separate-stderr crm-report rfm
	assert_success
	assert_output "$RFM_HEAD
$(expect_rfm)"
	# the segments the mapping can give all occur
	for s in champions loyal potential at-risk hibernating lost; do
		assert_line --regexp "	$s	"
	done
	last=${lines[${#lines[@]}-1]}
	[[ "$last" == *"	1.0000" ]]
}

@test "gnuplot charts of every report render" {
	for r in funnel forecast accuracy kpi leaderboard lost activity cycle rfm; do
		crm-report "$r" -f gnuplot | gnuplot >"$r.png"
		[ "$(head -c 8 "$r.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
			{ echo "$r: not a PNG"; return 1; }
	done
	crm-report kpi -f gnuplot >kpi.gp
	grep -q 'with linespoints' kpi.gp
	crm-report lost -f gnuplot >lost.gp
	grep -q 'histogram' lost.gp
	grep -q '价格太高' lost.gp
}

@test "an empty window draws a chart that says so" {
	crm-report funnel --period 2030-01 -f gnuplot | gnuplot >empty.png
	[ -s empty.png ]
	crm-report lost --period 2030-01 -f gnuplot >empty.gp
	grep -q "no data" empty.gp
}
