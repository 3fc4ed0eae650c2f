# report_helper.bash: the dataset and the independent calculations the
# crm-report tests compare against.  setup_file makes the dataset once
# (tests/gen-dataset.sh: TSV files in $DATA and a database); every test
# starts from a copy of that database.  Each expect_* function computes a
# report's rows with awk from the TSV files alone, never from the tool.
load helper

# TZ is Asia/Shanghai in every test: local = UTC + 8 hours, no DST.
NOW_TS=1772442000	# CRM_NOW, 2026-03-02T09:00:00Z

setup_file() {
	export DATA=$BATS_FILE_TMPDIR/data
	file_db_setup
	TZ=Asia/Shanghai CRM_NOW=2026-03-02T09:00:00Z XDG_CONFIG_HOME=$BATS_FILE_TMPDIR/cfg \
		sh "$TOP/tests/gen-dataset.sh" -d "$FILE_DB" "$DATA" >/dev/null
	file_db_done
}

eval "helper_$(declare -f setup)"
setup() {
	helper_setup
	file_db_copy
	export CRM_CONFIG=$DATA/crm.yaml CRM_USER=admin
}

# epoch seconds of local midnight starting YYYY-MM-DD
local_ts() {
	awk -v d="$1" -f "$TOP/tests/dates.awk" -f <(echo 'BEGIN { print date_day(d) * 86400 - tzoff() }')
}

# awk with the date functions, the TSV header map and number formats;
# the program is the last argument before the files: report_awk [-v ...] PROG FILE...
report_awk() {
	local args=()
	while [ "$1" = -v ]; do args+=(-v "$2"); shift 2; done
	local prog=$1
	shift
	awk -F'\t' -v OFS='\t' -v NOW="$NOW_TS" "${args[@]}" -f "$TOP/tests/dates.awk" \
		-f <(cat <<'EOF'
FNR == 1 { for (i = 1; i <= NF; i++) C[FILENAME, $i] = i; next }
function v(n) { return $(C[FILENAME, n]) }
function rate(n, d) { return d == 0 ? (n == 0 ? "" : "inf") : sprintf("%.4f", n / d) }
function money(c,    s) { s = c < 0 ? "-" : ""; c = c < 0 ? -c : c
	return sprintf("%s%.0f.%02d", s, (c - c % 100) / 100, c % 100) }
function num(x) { return sprintf("%.0f", x) }
function mean(s, n, unit) { return n == 0 ? "" : sprintf("%.2f", s / n / unit) }
function inwin(t) { return (S == "" || t >= S + 0) && (U == "" || t < U + 0) }
function next_month(k,    y, m) { y = substr(k, 1, 4) + 0; m = substr(k, 6, 2) + 1
	if (m > 12) { y++; m = 1 } return sprintf("%04d-%02d", y, m) }
EOF
		echo "$prog") "$@"
}

stage_names() { echo "contact qualify proposal negotiation won"; }

# expect_funnel [-v S=ts] [-v U=ts] [-v OWNERS=id,id] [-v BY=month|source]
expect_funnel() {
	report_awk "$@" '
BEGIN { split("contact qualify proposal negotiation won", ST, " "); for (i = 1; i <= 5; i++) IDX[ST[i]] = i
	split("初步接触 需求确认 方案报价 商务谈判 赢单", NM, " ")
	if (OWNERS != "") { n = split(OWNERS, a, ","); for (i = 1; i <= n; i++) OK[a[i]] = 1 } }
FILENAME ~ /leads.tsv$/ { t = v("created_ts"); if (!inwin(t)) next
	if (OWNERS != "" && !(v("owner_id") in OK)) next
	g = BY == "month" ? period(t, "month") : BY == "source" ? v("source") : ""
	COH[v("id")] = g; L[g]++; G[g] = 1
	if (v("first_contact_ts") != "" || v("status") ~ /^(contacted|qualified|converted)$/) CT[g]++
	next }
FILENAME ~ /deal_stages.tsv$/ { s = v("to_stage"); d = v("deal_id")
	if ((s in IDX) && IDX[s] > H[d]) H[d] = IDX[s]; next }
FILENAME ~ /deals.tsv$/ { l = v("lead_id"); if (!(l in COH)) next
	g = COH[l]; top = H[v("id")] + 0; s = v("stage"); if ((s in IDX) && IDX[s] > top) top = IDX[s]
	for (k = 1; k <= 4; k++) if (top >= k) N[g, k]++
	if (v("status") == "won") N[g, 5]++ }
function out(g,    pre, prev, k, n) {
	pre = BY == "" ? "" : g "\t"
	print pre "1\tleads\tleads\t" L[g] + 0 "\t\t" rate(L[g], L[g])
	print pre "2\tcontacted\tcontacted\t" CT[g] + 0 "\t" rate(CT[g], L[g]) "\t" rate(CT[g], L[g])
	prev = CT[g] + 0
	for (k = 1; k <= 5; k++) { n = N[g, k] + 0
		print pre (k + 2) "\t" ST[k] "\t" NM[k] "\t" n "\t" rate(n, prev) "\t" rate(n, L[g]); prev = n }
}
END { if (BY == "month") { for (k = period(S, "month"); k <= period(U - 1, "month"); k = next_month(k)) out(k) }
	else if (BY == "source") { n = 0; for (g in G) K[++n] = g
		for (i = 2; i <= n; i++) for (j = i; j > 1 && K[j - 1] > K[j]; j--) { t = K[j]; K[j] = K[j - 1]; K[j - 1] = t }
		for (i = 1; i <= n; i++) out(K[i]) }
	else out("") }' "$DATA/leads.tsv" "$DATA/deal_stages.tsv" "$DATA/deals.tsv"
}

# expect_forecast: open deals by expected close month, won by close month,
# every month from the first to the last, "no date" first
expect_forecast() {
	report_awk "$@" '
BEGIN { P["contact"] = 10; P["qualify"] = 30; P["proposal"] = 50; P["negotiation"] = 80 }
{ if (v("status") == "open") { k = substr(v("expected_close"), 1, 7); K[k] = 1
	n[k]++; a[k] += v("amount"); w[k] += int((v("amount") * P[v("stage")] + 50) / 100) }
  else if (v("status") == "won") { k = period(v("closed_ts"), "month"); K[k] = 1
	wn[k]++; wa[k] += v("amount") } }
function out(k) { print k, n[k] + 0, money(a[k]), money(w[k]), wn[k] + 0, money(wa[k]) }
END { lo = "9999"; hi = ""; for (k in K) if (k != "") { if (k < lo) lo = k; if (k > hi) hi = k }
	if ("" in K) out("")
	for (k = lo; k <= hi; k = next_month(k)) out(k) }' "$DATA/deals.tsv"
}

# expect_snapshot: the open deals expected to close in March 2026, by owner
expect_snapshot() {
	report_awk '
BEGIN { P["contact"] = 10; P["qualify"] = 30; P["proposal"] = 50; P["negotiation"] = 80 }
FILENAME ~ /teams.tsv$/ { T[v("id")] = v("name"); next }
FILENAME ~ /users.tsv$/ { LOGIN[v("id")] = v("login"); TEAM[v("id")] = v("team_id"); next }
v("status") == "open" && v("expected_close") >= "2026-03-01" && v("expected_close") <= "2026-03-31" {
	o = v("owner_id"); n[o]++; a[o] += v("amount"); w[o] += int((v("amount") * P[v("stage")] + 50) / 100) }
END { for (o in n) print "2026-03-02T09:00:00Z", "2026-03", LOGIN[o], T[TEAM[o]], n[o], money(a[o]), money(w[o]) }' \
		"$DATA/teams.tsv" "$DATA/users.tsv" "$DATA/deals.tsv" | sort -t$'\t' -k3,3
}

# expect_accuracy [-v UNIT=owner|team]: the first snapshot of each owner
# and period against what the owner (or the owner's team) won in it
expect_accuracy() {
	report_awk "$@" '
FILENAME ~ /teams.tsv$/ { T[v("id")] = v("name"); next }
FILENAME ~ /users.tsv$/ { LOGIN[v("id")] = v("login"); TEAM[v("id")] = v("team_id"); next }
FILENAME ~ /snapshots.tsv$/ { k = v("period") SUBSEP v("owner_id")
	if (!(k in AT) || v("taken_at") < AT[k] || (v("taken_at") == AT[k] && v("id") + 0 < ID[k])) {
		AT[k] = v("taken_at"); ID[k] = v("id") + 0; WT[k] = v("weighted"); TM[k] = v("team_id") }
	next }
v("status") == "won" { o = v("owner_id"); u = UNIT == "team" ? TEAM[o] : o
	WON[period(v("closed_ts"), "month"), u] += v("amount") }
END { for (k in AT) { split(k, pk, SUBSEP); u = UNIT == "team" ? TM[k] : pk[2]
		uk = pk[1] SUBSEP u; F[uk] += WT[k]; if (!(uk in FT) || AT[k] < FT[uk]) FT[uk] = AT[k] }
	for (uk in F) { split(uk, p, SUBSEP)
		print (UNIT == "team" ? T[p[2]] : LOGIN[p[2]]), p[1], FT[uk], F[uk], WON[p[1], p[2]] + 0 } }' \
		"$DATA/teams.tsv" "$DATA/users.tsv" "$DATA/snapshots.tsv" "$DATA/deals.tsv" |
	{ echo header; sort -t$'\t' -k1,1 -k2,2; } | report_awk '
function abs(x) { return x < 0 ? -x : x }
function mc(s, n,    q) { q = int((2 * abs(s) + n) / (2 * n)); return s < 0 ? -q : q }
function row(u, p, t, f, a) { print u, p, t, money(f), money(a), money(a - f), rate(abs(a - f), a) }
function add(f, a) { SF += f; SA += a; SN++; if (a > 0) { SP += abs(a - f) / a; SQ++ }
	AF += f; AA += a; AN++; if (a > 0) { AP += abs(a - f) / a; AQ++ } }
{ if (FNR > 2 && $1 != prev) flush(prev); prev = $1; row($1, $2, $3, $4, $5); add($4, $5) }
function flush(u,    f, a) { if (!SN) return
	f = mc(SF, SN); a = mc(SA, SN)
	print u, "mean", "", money(f), money(a), money(a - f), SQ ? sprintf("%.4f", SP / SQ) : ""
	SF = SA = SN = SP = SQ = 0 }
END { flush(prev); SF = AF; SA = AA; SN = AN; SP = AP; SQ = AQ; flush("(all)") }' /dev/stdin
}

# expect_kpi -v S=ts -v U=ts: per month of the window, every month
expect_kpi() {
	local tmp=$BATS_TEST_TMPDIR/kpi
	: >"$tmp.med"
	report_awk "$@" -v MED="$tmp.med" '
BEGIN { print "k" > (MED ".rows") }
FILENAME ~ /leads.tsv$/ { CR[v("id")] = v("created_ts")
	if (inwin(v("created_ts"))) NL[period(v("created_ts"), "month")]++
	f = v("first_contact_ts")
	if (f != "" && inwin(f)) { k = period(f, "month"); CT[k]++; print k "\t" f - v("created_ts") > MED }
	next }
{ if (inwin(v("created_ts"))) OP[period(v("created_ts"), "month")]++
  if ((v("status") == "won" || v("status") == "lost") && inwin(v("closed_ts"))) {
	k = period(v("closed_ts"), "month")
	if (v("status") == "lost") LO[k]++
	else { WO[k]++; AM[k] += v("amount")
		if (v("lead_id") != "") { DS[k] += v("closed_ts") - CR[v("lead_id")]; DN[k]++ } } } }
END { for (k = period(S, "month"); k <= period(U - 1, "month"); k = next_month(k))
	print k, NL[k] + 0, CT[k] + 0, WO[k] + 0, OP[k] + 0, num(AM[k]), LO[k] + 0, num(DS[k]), DN[k] + 0 > (MED ".rows") }' \
		"$DATA/leads.tsv" "$DATA/deals.tsv"
	sort -t$'\t' -k1,1 -k2,2n "$tmp.med" | awk -F'\t' -v OFS='\t' '
BEGIN { print "k" }
{ k = $1; n[k]++; x[k, n[k]] = $2 }
END { for (k in n) { c = n[k]; a = int((c + 1) / 2); b = int((c + 2) / 2)
	print k, (a == b ? x[k, a] : x[k, a] + x[k, b]), (a == b ? 1 : 2) } }' >"$tmp.mid"
	report_awk '
FILENAME ~ /\.mid$/ { MS[$1] = $2; MN[$1] = $3; next }
{ k = $1; won = $4; amt = $6; lost = $7
  # the dataset holds no contracts: nothing collected, nothing outstanding
  print k, $2, $3, mean(MS[k], MN[k], 3600), $5, won, money(amt), lost, rate(won, won + lost),
	(won ? money(int((2 * amt + won) / (2 * won))) : ""), mean($8, $9, 86400), money(0), money(0) }' \
		"$tmp.mid" "$tmp.med.rows"
}

# expect_leaderboard -v S=ts -v U=ts [-v METRIC=...]
expect_leaderboard() {
	report_awk "$@" '
FILENAME ~ /teams.tsv$/ { T[v("id")] = v("name"); next }
FILENAME ~ /users.tsv$/ { LOGIN[v("id")] = v("login"); NAME[v("id")] = v("name"); TEAM[v("id")] = v("team_id"); next }
FILENAME ~ /interactions.tsv$/ { if (inwin(v("at_ts")) && v("user_id") != "") { u = v("user_id"); IN[u] = 1; AC[u]++ } next }
{ u = v("owner_id")
  if (inwin(v("created_ts"))) { IN[u] = 1; DE[u]++ }
  if ((v("status") == "won" || v("status") == "lost") && inwin(v("closed_ts"))) {
	IN[u] = 1; CL[u]++; if (v("status") == "won") { WO[u]++; AM[u] += v("amount") } } }
function metric(u) {
	if (METRIC == "won_count") return WO[u] + 0
	if (METRIC == "deals") return DE[u] + 0
	if (METRIC == "activities") return AC[u] + 0
	if (METRIC == "win_rate") return CL[u] ? WO[u] / CL[u] : -1
	return AM[u] + 0 }
END { for (u in IN) { r = 1; for (x in IN) if (metric(x) > metric(u)) r++
	print r, LOGIN[u], NAME[u], T[TEAM[u]], WO[u] + 0, money(AM[u]), DE[u] + 0, AC[u] + 0, rate(WO[u], CL[u]),
		money(0), money(0) } }' \
		"$DATA/teams.tsv" "$DATA/users.tsv" "$DATA/interactions.tsv" "$DATA/deals.tsv" |
	sort -t$'\t' -k1,1n -k2,2
}

# expect_lost: loss reasons by count, then id
expect_lost() {
	report_awk '
BEGIN { split("price:价格太高 competitor:选择了竞争对手 no-budget:没有预算 no-decision:无法决策 timing:时机不对", a, " ")
	for (i in a) { split(a[i], kv, ":"); NM[kv[1]] = kv[2] } }
v("status") == "lost" { r = v("loss_reason"); N[r]++; A[r] += v("amount"); TN++; TA += v("amount") }
END { for (r in N) print r, (r in NM ? NM[r] : r), N[r], money(A[r]), rate(N[r], TN), rate(A[r], TA) }' \
		"$DATA/deals.tsv" | sort -t$'\t' -k3,3nr -k1,1
}

# expect_activity -v S=ts -v U=ts: per month and rep, each kind and total
expect_activity() {
	report_awk "$@" '
FILENAME ~ /users.tsv$/ { LOGIN[v("id")] = v("login"); next }
inwin(v("at_ts")) { m = period(v("at_ts"), "month"); k = m "\t" LOGIN[v("user_id")]; K[k] = 1; MS[m] = 1
	N[k, v("kind")]++; N[k, "total"]++ }
END { for (m = period(S, "month"); m <= period(U - 1, "month"); m = next_month(m))
		if (!(m in MS)) print m, "", 0, 0, 0, 0, 0, 0, 0
	for (k in K) print k, N[k, "call"] + 0, N[k, "email"] + 0, N[k, "meeting"] + 0, N[k, "visit"] + 0,
	N[k, "wechat"] + 0, N[k, "note"] + 0, N[k, "total"] }' "$DATA/users.tsv" "$DATA/interactions.tsv" |
	sort -t$'\t' -k1,1 -k2,2
}

# expect_cycle: days in each open stage (stays that ended), lead to won
expect_cycle() {
	local tmp=$BATS_TEST_TMPDIR/cycle
	tail -n +2 "$DATA/deal_stages.tsv" | sort -t$'\t' -k2,2n -k6,6n -k1,1n | awk -F'\t' -v OFS='\t' '
$2 == d && ps ~ /^(contact|qualify|proposal|negotiation)$/ { print ps, $6 - pt }
{ d = $2; ps = $4; pt = $6 }' >"$tmp"
	report_awk '
FILENAME ~ /leads.tsv$/ { CR[v("id")] = v("created_ts"); next }
v("status") == "won" && v("lead_id") != "" { print "lead_to_won", v("closed_ts") - CR[v("lead_id")] }' \
		"$DATA/leads.tsv" "$DATA/deals.tsv" >>"$tmp"
	sort -t$'\t' -k1,1 -k2,2n "$tmp" | awk -F'\t' -v OFS='\t' '
BEGIN { split("contact:初步接触|qualify:需求确认|proposal:方案报价|negotiation:商务谈判|lead_to_won:lead to won", a, "|") }
{ n[$1]++; s[$1] += $2; x[$1, n[$1]] = $2 }
END { for (i = 1; i <= 5; i++) { split(a[i], kv, ":"); k = kv[1]; c = n[k]; p = int((c + 1) / 2); q = int((c + 2) / 2)
	print k, kv[2], c + 0, (c ? sprintf("%.2f", s[k] / c / 86400) : ""),
		(c ? sprintf("%.2f", (p == q ? x[k, p] : x[k, p] + x[k, q]) / (p == q ? 1 : 2) / 86400) : "") } }'
}

# expect_rfm: accounts with won deals, scored by quintile, largest first
expect_rfm() {
	local tmp=$BATS_TEST_TMPDIR/rfm
	report_awk '
FILENAME ~ /accounts.tsv$/ { NAME[v("id")] = v("name"); next }
v("status") == "won" && v("account_id") != "" { a = v("account_id"); F[a]++; M[a] += v("amount")
	if (v("closed_ts") > L[a]) L[a] = v("closed_ts") }
END { for (a in F) print a, L[a], F[a], num(M[a]), NAME[a] }' "$DATA/accounts.tsv" "$DATA/deals.tsv" >"$tmp"
	tiles() {	# KEYCOL: 1 + 5 * (accounts with a smaller value) / n: ties score alike
		sort -t$'\t' -k"$1","$1"n -k1,1n "$tmp" | awk -F'\t' -v OFS='\t' -v k="$1" '
{ id[NR] = $1; val[NR] = $k } END { n = NR; smaller = 0
	for (i = 1; i <= n; i++) { if (i > 1 && val[i] != val[i - 1]) smaller = i - 1
		print id[i], 1 + int(5 * smaller / n) } }'
	}
	tiles 2 >"$tmp.r"
	tiles 3 >"$tmp.f"
	tiles 4 >"$tmp.m"
	awk -F'\t' -v OFS='\t' -v NOW="$NOW_TS" '
FILENAME ~ /\.r$/ { R[$1] = $2; next }
FILENAME ~ /\.f$/ { F[$1] = $2; next }
FILENAME ~ /\.m$/ { M[$1] = $2; next }
{ r = R[$1]; f = F[$1]
  if (r >= 4 && f >= 4) seg = "champions"
  else if (r >= 3 && f >= 3) seg = "loyal"
  else if (r >= 3) seg = "potential"
  else if (f >= 3) seg = "at-risk"
  else if (r == 2) seg = "hibernating"
  else seg = "lost"
  print $1, $5, int((NOW - $2) / 86400), $3, $4, r, f, M[$1], seg }' \
		"$tmp.r" "$tmp.f" "$tmp.m" "$tmp" | sort -t$'\t' -k5,5nr -k1,1n | awk -F'\t' -v OFS='\t' '
function money(c) { return sprintf("%.0f.%02d", (c - c % 100) / 100, c % 100) }
{ row[NR] = $0; m[NR] = $5; t += $5 }
END { for (i = 1; i <= NR; i++) { c += m[i]; split(row[i], f, "\t")
	print f[1], f[2], f[3], f[4], money(f[5]), f[6], f[7], f[8], f[9], sprintf("%.4f", m[i] / t), sprintf("%.4f", c / t) } }'
}
