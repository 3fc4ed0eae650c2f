#!/bin/sh
# run.sh: "make bench".  Times our commands against baselines doing the
# same work on the same data: the sqlite3 shell, and for the import and
# the one-row command a minimal C program (bench/loader.c,
# bench/pointquery.c), the practical upper bound.  Each task runs ours and
# its baselines alternately, BENCH_PAIRS rounds (the order flips every
# round, so drift and a busy machine fall on both alike); a row's ratio is
# the median of the ratios within each round.  Outputs are compared before
# anything is timed: a task whose two sides disagree stops the run.
# See bench/README.md.
#
# Environment: BENCH_N leads (default 200000; everything scales with it),
# BENCH_PAIRS rounds (default 5), BENCH_TASKS (default all: import append
# assign funnel roi list show ageing collections clv), BENCH_SAMPLE_MS: a
# sample of a quick command (funnel, roi, list, show) repeats it until it lasts about this
# long (default 300), BENCH_DIR to keep the data there and reuse it
# (default a temporary directory, removed), CRM_BIN and BENCH_BIN for the
# binaries (default build/bin and build/bench).  BENCH_PAY_N instalments
# (default 1000000) for ageing and collections, which do not scale with
# BENCH_N.  BENCH_NOTES_N interactions (default 1000000) for search, which
# does not scale either.  BENCH_CHURN_N accounts (default 100000) for churn.
# BENCH_CLV_N customers (default 100000) for clv.  BENCH_PG=1 adds the
# PostgreSQL rows (import, assign, funnel, roi, list, show against psql) in
# a scratch cluster of tests/pg.sh that this script starts and stops.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${CRM_BIN:-$top/build/bin}
bbin=${BENCH_BIN:-$top/build/bench}
n=${BENCH_N:-200000}
pairs=${BENCH_PAIRS:-5}
sample_ms=${BENCH_SAMPLE_MS:-300}
tasks=${BENCH_TASKS:-import append assign funnel roi list show ageing collections search churn clv}
pay_n=${BENCH_PAY_N:-1000000}
notes_n=${BENCH_NOTES_N:-1000000}
churn_n=${BENCH_CHURN_N:-100000}
clv_n=${BENCH_CLV_N:-100000}
pg=${BENCH_PG:-0}
rss_cap=16384		# KiB: import, append and list stay under 16 MiB at any size

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }
for v in "$n" "$pairs" "$sample_ms" "$pay_n" "$notes_n" "$churn_n" "$clv_n"; do
	case $v in '' | *[!0-9]* | 0) die "BENCH_N, BENCH_PAIRS and BENCH_SAMPLE_MS want a positive number" ;; esac
done
case $pg in 0 | 1) ;; *) die "BENCH_PG wants 0 or 1" ;; esac
for t in $tasks; do
	case $t in import | append | assign | funnel | roi | list | show | ageing | collections | search | churn | clv) ;;
	*) die "unknown task '$t'" ;; esac
done
wants() { case " $tasks " in *" $1 "*) return 0 ;; esac; return 1; }
for b in "$bin/crm" "$bin/crm-lead" "$bbin/timeit" "$bbin/loader" "$bbin/pointquery"; do
	[ -x "$b" ] || die "no $b: run 'make bench'"
done
bin=$(cd "$bin" && pwd)		# the runs happen in the work directory
bbin=$(cd "$bbin" && pwd)
command -v sqlite3 >/dev/null || die "no sqlite3 shell (Debian: apt-get install sqlite3)"
# psql itself, not Debian's wrapper script (a Perl start-up in every run)
psql=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}/psql
[ -x "$psql" ] || psql=$(command -v psql || :)
if [ "$pg" = 1 ] && [ -z "$psql" ]; then die "BENCH_PG=1 wants psql (Debian: postgresql-client)"; fi

if [ -n "${BENCH_DIR:-}" ]; then
	mkdir -p "$BENCH_DIR"
	work=$(cd "$BENCH_DIR" && pwd)
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/crm-bench.XXXXXX")
	scratch=$work
fi
# the scratch cluster, if any, goes with the run; a temporary directory too
cleanup() {
	if [ -n "${pgdir:-}" ]; then sh "$top/tests/pg.sh" stop "$pgdir" >/dev/null 2>&1 || :; fi
	if [ -n "${scratch:-}" ]; then rm -rf "$scratch"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$work"
unset CRM_DB CRM_BUSY_TIMEOUT
export TZ=Asia/Shanghai CRM_NOW=2026-03-02T09:00:00Z CRM_USER=admin CRM_CONFIG=$work/crm.yaml

# ---- data ----

# One rule per region, each to its region's team, round-robin: what
# bench/assign.sql does in one UPDATE.  No rule for anything else.
cat >crm.yaml <<'EOF'
timezone: Asia/Shanghai
assignment:
  rules:
    - {name: shanghai, match: {region: 上海}, team: east, method: round-robin}
    - {name: zhejiang, match: {region: 浙江}, team: east, method: round-robin}
    - {name: jiangsu, match: {region: 江苏}, team: east, method: round-robin}
    - {name: beijing, match: {region: 北京}, team: north, method: round-robin}
    - {name: shandong, match: {region: 山东}, team: north, method: round-robin}
    - {name: guangdong, match: {region: 广东}, team: south, method: round-robin}
    - {name: fujian, match: {region: 福建}, team: south, method: round-robin}
    - {name: sichuan, match: {region: 四川}, team: west, method: round-robin}
    - {name: hubei, match: {region: 湖北}, team: west, method: round-robin}
EOF

# fresh SRC DST: a copy to write into, on disk before the clock starts.
fresh() {
	rm -f "$2" "$2-wal" "$2-shm"
	cp "$1" "$2"
	if [ -e "$1-wal" ]; then cp "$1-wal" "$2-wal"; fi
	sync "$2"
}

# An empty database with the admin and four teams of three reps, made by
# crm-user as a team would make it.
if [ ! -e template.db ]; then
	say "making the empty database"
	rm -f t.db*
	"$bin/crm" -d t.db init >/dev/null
	"$bin/crm-user" -d t.db -q add --login admin --name Admin --role admin >/dev/null
	for team in east north south west; do
		"$bin/crm-user" -d t.db -q team add "$team" >/dev/null
		for k in 1 2 3; do
			"$bin/crm-user" -d t.db -q add --login "$team$k" --name "$team rep $k" --team "$team" >/dev/null
		done
	done
	mv t.db template.db
fi
if wants import || wants append || wants assign; then
	[ -e "leads-$n.csv" ] || { say "generating $n leads as CSV"; sh "$top/bench/gen-leads.sh" "$n" >"leads-$n.csv"; }
fi
if wants append || wants assign; then
	if [ ! -e "imported-$n.db" ]; then
		say "importing them (the database to append to and assign)"
		fresh template.db i.db
		"$bin/crm-lead" -d i.db -q import "leads-$n.csv" >/dev/null 2>&1
		mv i.db "imported-$n.db"
	fi
fi
if wants append && [ ! -e "append-$n.csv" ]; then
	sh "$top/bench/gen-leads.sh" $((n / 10)) 2 $((n + 1)) >"append-$n.csv"
fi
if wants funnel || wants roi || wants list || wants show; then
	if [ ! -e "big-$n.db" ]; then
		say "generating a database of $n leads, $((n / 5)) deals, their stages and interactions"
		CRM_BIN=$bin sh "$top/bench/gen.sh" big.db "$n"
		mv big.db "big-$n.db"
	fi
fi
if wants ageing || wants collections; then
	if [ ! -e "pay-$pay_n.db" ]; then
		say "generating $pay_n instalments of $((pay_n / 4)) contracts"
		fresh template.db p.db
		sh "$top/bench/gen-pay.sh" p.db "$pay_n"
		mv p.db "pay-$pay_n.db"
	fi
fi
if wants search && [ ! -e "notes-$notes_n.db" ]; then
	say "generating $notes_n interactions with their full-text index"
	fresh template.db nt.db
	sh "$top/bench/gen-notes.sh" nt.db "$notes_n"
	mv nt.db "notes-$notes_n.db"
fi
if wants churn && [ ! -e "churn-$churn_n.db" ]; then
	say "generating $churn_n accounts with purchases, contacts, tickets and instalments"
	fresh template.db ch.db
	sh "$top/bench/gen-churn.sh" ch.db "$churn_n"
	mv ch.db "churn-$churn_n.db"
fi
if wants clv; then
	if [ ! -e "clv-$clv_n.db" ]; then
		say "generating the purchases of $clv_n customers"
		fresh template.db c.db
		sh "$top/bench/gen-clv.sh" c.db "$clv_n"
		mv c.db "clv-$clv_n.db"
	fi
fi
# Kept data may predate a schema change: migrate it now, not in a timed run.
for db in template.db "imported-$n.db" "big-$n.db" "pay-$pay_n.db" "notes-$notes_n.db" \
	"churn-$churn_n.db" "clv-$clv_n.db"; do
	if [ -e "$db" ]; then "$bin/crm-lead" -d "$db" list --limit 1 >/dev/null; fi
done

# ---- PostgreSQL (BENCH_PG=1) ----

# A scratch cluster of tests/pg.sh in the work directory (the server runs
# as crmpg when we are root, so the directory must let it in), started
# here and stopped on exit; its databases are made afresh every run.
# pgnew NAME [TEMPLATE]: a new database, by default an empty one from
# template0 with the C collation; a copy of TEMPLATE (a database of ours,
# so the same collation) before a writer's run, outside the clock.
# pgconn NAME: its connection string.
pgconn() { echo "$conn" | sed "s/dbname=[^ ]*/dbname=$1/"; }
pgnew() {
	PGOPTIONS='-c client_min_messages=warning' "$psql" "$conn" -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $1" \
		-c "CREATE DATABASE $1 TEMPLATE ${2:-template0} LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'" \
		>/dev/null || die "cannot create the PostgreSQL database $1"
}
pgq() { "$psql" "$(pgconn "$1")" -X -A -t -q -v ON_ERROR_STOP=1 -c "$2"; }	# DB SQL: one query's rows
if [ "$pg" = 1 ]; then
	if [ "$(id -u)" -eq 0 ]; then chmod 755 "$work"; fi
	pgdir=$work/pg
	conn=$(sh "$top/tests/pg.sh" start "$pgdir") || die "BENCH_PG=1: no PostgreSQL cluster"
	say "PostgreSQL: the empty database"
	pgnew pgtmpl
	"$bin/crm" -d "$(pgconn pgtmpl)" init >/dev/null
	"$bin/crm-user" -d "$(pgconn pgtmpl)" -q add --login admin --name Admin --role admin >/dev/null
	for team in east north south west; do
		"$bin/crm-user" -d "$(pgconn pgtmpl)" -q team add "$team" >/dev/null
		for k in 1 2 3; do
			"$bin/crm-user" -d "$(pgconn pgtmpl)" -q add --login "$team$k" --name "$team rep $k" \
				--team "$team" >/dev/null
		done
	done
	if wants import || wants assign; then
		# the leads imported once: the database to assign, and what COPY loads
		say "PostgreSQL: importing $n leads (the database to assign, the rows for COPY)"
		pgnew pgimp pgtmpl
		"$bin/crm-lead" -d "$(pgconn pgimp)" -q import "leads-$n.csv" >/dev/null 2>&1
		# every column the import wrote but the id, which COPY takes from the sequence
		pgcols=$(pgq pgimp "SELECT string_agg(column_name, ', ' ORDER BY ordinal_position)
			FROM information_schema.columns WHERE table_name = 'leads' AND column_name <> 'id'")
		psql "$(pgconn pgimp)" -X -q -v ON_ERROR_STOP=1 \
			-c "\\copy (SELECT $pgcols FROM leads ORDER BY id) TO 'leads-$n.pg.tsv'" ||
			die "cannot export the imported leads"
		pgq pgimp "VACUUM ANALYZE" >/dev/null
	fi
	if wants funnel || wants roi || wants list || wants show; then
		say "PostgreSQL: crm migrate of the generated database of $n leads"
		pgnew pgbig
		"$bin/crm" -d "big-$n.db" migrate -q --to "$(pgconn pgbig)" >/dev/null ||
			die "crm migrate to PostgreSQL failed"
		pgq pgbig "VACUUM ANALYZE" >/dev/null	# both sides read it: the planner's statistics
	fi
fi

# ---- timing ----

# timed [timeit options] COMMAND...: one sample, "WALL KIB CPU"; the
# command's stderr (import warnings, say) is kept only to explain a failure.
timed() {
	: >last.err
	"$bbin/timeit" -e last.err "$@" || { tail -n 5 last.err >&2; die "a timed run failed: $*"; }
}

# series BASELINE...: BENCH_PAIRS rounds of ours and each baseline, each
# run preceded by its untimed prep_<name>; samples go to times.<name>, and
# check_round1 (if the task defines one) looks at round 1's results.
series() {
	rm -f times.*
	r=1
	while [ "$r" -le "$pairs" ]; do
		if [ $((r % 2)) = 1 ]; then order="ours $*"; else order="$* ours"; fi
		for s in $order; do
			"prep_$s"
			"run_$s" >>"times.$s"
		done
		if [ "$r" = 1 ]; then check_round1; fi
		r=$((r + 1))
	done
}
check_round1() { :; }
prep_ours() { :; }

# row TASK ROWS BASELINE-NAME TARGET RSS-CAP PER: one line of the table
# from times.ours and times.<BASELINE-NAME>; PER divides a sample into
# invocations.  Columns: task, baseline, rows, our median, the baseline's
# median, median of paired ratios, target, our peak RSS, the same ratio
# of CPU time, and what missed.
row() {
	paste -d' ' times.ours "times.$3" | awk -v task="$1" -v rows="$2" -v base="$4" \
		-v target="$5" -v cap="$6" -v per="$7" '
	function median(a, k,    i, j, t) {
		for (i = 2; i <= k; i++)	# insertion sort: a handful of samples
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
	}
	function span(s) { return s >= 1 ? sprintf("%.2f s", s) : sprintf("%.1f ms", s * 1000) }
	{ o[NR] = $1 / per; b[NR] = $4 / per; r[NR] = $1 / $4; c[NR] = $6 > 0 ? $3 / $6 : 0
	  if ($2 > kib) kib = $2 }
	END {
		ratio = median(r, NR)
		miss = ""
		if (target != "-" && ratio > target) miss = "time"
		if (cap != "-" && kib > cap) miss = miss (miss ? "+" : "") "rss"
		printf "%-11s %-19s %9s %10s %10s %6.2f %6s %8.1f MiB %6.2f  %s\n", task, base, rows,
			span(median(o, NR)), span(median(b, NR)), ratio, target, kib / 1024, median(c, NR),
			miss ? "<< MISS " miss : "ok"
	}' >>table
}

# ---- tasks ----

lead_count() { sqlite3 "$1" 'SELECT count(*) FROM leads'; }

# import: the CSV into a new database, against the C loader (the target)
# and the shell's .import into the same schema, indexes built after the load.
task_import() {
	drops=$(sed -n 's/.*\(DROP INDEX IF EXISTS leads_[a-z_]*;\).*/\1/p' "$top/lib/schema.h" |
		tr ';' '\n' | sed -n 's/^ *\(DROP.*\)/\1;/p')
	creates=$(sed -n 's/.*"\(CREATE INDEX IF NOT EXISTS leads_[^"]*\)".*/\1/p' "$top/lib/schema.h")
	[ -n "$drops" ] && [ -n "$creates" ] || die "cannot find the lead indexes in lib/schema.h"
	cat >import.sql <<EOF
.bail on
PRAGMA synchronous = NORMAL;
.import --csv --schema temp leads-$n.csv staging
BEGIN IMMEDIATE;
$drops
INSERT INTO leads (name, company, title, phone, email, region, city, industry, source, campaign,
                   status, created_at, updated_at, name_norm, company_norm, phone_norm, email_norm)
SELECT 姓名, 公司, 职位, 手机, 邮箱, 省份, 城市, 行业, 来源, 活动, 'new', '$CRM_NOW', '$CRM_NOW',
       姓名, 公司, 手机, 邮箱 FROM temp.staging;
$creates
COMMIT;
EOF
	prep_ours() { fresh template.db o.db; }
	run_ours() { timed "$bin/crm-lead" -d o.db -q import "leads-$n.csv"; }
	prep_loader() { fresh template.db l.db; }
	run_loader() { timed "$bbin/loader" l.db "leads-$n.csv"; }
	prep_shell() { fresh template.db s.db; }
	run_shell() { timed -i import.sql sqlite3 -batch s.db; }
	check_round1() {
		[ "$(lead_count l.db)" = "$n" ] && [ "$(lead_count s.db)" = "$n" ] ||
			die "import: the baselines did not load $n leads"
		[ "$(lead_count o.db)" -ge $((n - n / 100)) ] || die "import: crm-lead imported too few leads"
	}
	series loader shell
	row import "$n" loader "C loader" 1.5 $rss_cap 1
	row import "$n" shell "sqlite3 .import" - $rss_cap 1
}

# append: N/10 new leads into the database of N, against the C loader
# inserting into the indexed table.
task_append() {
	prep_ours() { fresh "imported-$n.db" o.db; }
	run_ours() { timed "$bin/crm-lead" -d o.db -q import "append-$n.csv"; }
	prep_loader() { fresh "imported-$n.db" l.db; }
	run_loader() { timed "$bbin/loader" -a l.db "append-$n.csv"; }
	check_round1() {
		before=$(lead_count "imported-$n.db")
		[ "$(lead_count l.db)" = $((before + n / 10)) ] || die "append: the loader did not append"
		[ "$(lead_count o.db)" -ge $((before + n / 10 - n / 1000)) ] || die "append: crm-lead appended too few"
	}
	series loader
	row append $((n / 10)) loader "C loader -a" 1.2 $rss_cap 1
}

# assign: every lead of the pool by the region rules, against one UPDATE
# (the target) and against the same UPDATE with the audit rows and
# first-contact tasks that crm-assign must write too (bench/assign-full.sql).
task_assign() {
	printf '.parameter set :now "'"'%s'"'"\n.read %s\n' "$CRM_NOW" "$top/bench/assign.sql" >assign.sql
	due=$(date -u -d "${CRM_NOW%Z} UTC + 3 days" +%Y-%m-%dT%H:%M:%SZ)
	printf '.parameter set :now "'"'%s'"'"\n.parameter set :due "'"'%s'"'"\n.read %s\n' \
		"$CRM_NOW" "$due" "$top/bench/assign-full.sql" >assign-full.sql
	rows=$(sqlite3 "imported-$n.db" "SELECT count(*) FROM leads WHERE owner_id IS NULL
		AND status IN ('new', 'contacted', 'qualified')")
	prep_ours() { fresh "imported-$n.db" o.db; }
	run_ours() { timed "$bin/crm-assign" -d o.db -q --unassigned; }
	prep_update() { fresh "imported-$n.db" u.db; }
	run_update() { timed -i assign.sql sqlite3 -batch u.db; }
	prep_full() { fresh "imported-$n.db" f.db; }
	run_full() { timed -i assign-full.sql sqlite3 -batch f.db; }
	check_round1() {
		for b in u f; do
			diff=$(sqlite3 o.db "ATTACH '$b.db' AS b; SELECT count(*) FROM leads o
				JOIN b.leads b USING (id) WHERE o.owner_id IS NOT b.owner_id OR o.owner_id IS NULL")
			[ "$diff" = 0 ] || die "assign: crm-assign and the SQL gave $diff leads different owners"
		done
		[ "$(sqlite3 o.db 'SELECT count(*) FROM tasks; SELECT count(*) FROM audit')" = \
		  "$(sqlite3 f.db 'SELECT count(*) FROM tasks; SELECT count(*) FROM audit')" ] ||
			die "assign: crm-assign and assign-full.sql wrote different numbers of tasks or audit rows"
	}
	series update full
	row assign "$rows" update "sqlite3 UPDATE" 1.5 - 1
	row assign "$rows" full "UPDATE+audit+tasks" - - 1
}

# same_output TASK: ours and the baseline print the same, or no benchmark.
same_output() {
	run_ours_out >ours.out
	run_base_out >base.out
	cmp -s ours.out base.out || { diff ours.out base.out | head >&2; die "$1: ours and the baseline disagree"; }
}

# repeats COMMAND...: how many runs of it last about BENCH_SAMPLE_MS.
repeats() {
	timed "$@" | awk -v ms="$sample_ms" '{ k = int(ms / 1000 / $1) + 1; print (k > 1000 ? 1000 : k) }'
}

# funnel, roi, list: a report and a list against hand-written SQL; the
# generated database is only read.
task_funnel() {
	db=big-$n.db
	run_ours_out() { "$bin/crm-report" -d "$db" -H funnel --since 2025-01-01 --until 2025-12-31; }
	run_base_out() { sqlite3 -batch "$db" <"$top/bench/funnel.sql"; }
	same_output funnel
	k=$(repeats "$bin/crm-report" -d "$db" -H funnel --since 2025-01-01 --until 2025-12-31)
	run_ours() { timed -n "$k" "$bin/crm-report" -d "$db" -H funnel --since 2025-01-01 --until 2025-12-31; }
	run_sql() { timed -n "$k" -i "$top/bench/funnel.sql" sqlite3 -batch "$db"; }
	prep_sql() { :; }
	series sql
	row funnel "$n" sql "sqlite3 funnel.sql" 1.1 - "$k"
}

task_roi() {
	db=big-$n.db
	# 2025 in Asia/Shanghai, as crm-roi --since 2025-01-01 --until 2025-12-31 takes it
	cat >roi.sql <<EOF
.parameter set :since "'2024-12-31T16:00:00Z'"
.parameter set :until "'2025-12-31T16:00:00Z'"
.parameter set :from_day "'2025-01-01'"
.parameter set :to_day "'2025-12-31'"
.read $top/bench/roi.sql
EOF
	run_ours_out() { "$bin/crm-roi" -d "$db" -H --since 2025-01-01 --until 2025-12-31; }
	run_base_out() { sqlite3 -batch "$db" <roi.sql; }
	same_output roi
	k=$(repeats "$bin/crm-roi" -d "$db" -H --since 2025-01-01 --until 2025-12-31)
	run_ours() { timed -n "$k" "$bin/crm-roi" -d "$db" -H --since 2025-01-01 --until 2025-12-31; }
	run_sql() { timed -n "$k" -i roi.sql sqlite3 -batch "$db"; }
	prep_sql() { :; }
	series sql
	row roi "$n" sql "sqlite3 roi.sql" 1.1 - "$k"
}

task_list() {
	db=big-$n.db
	run_ours_out() { "$bin/crm-lead" -d "$db" list --region 广东; }
	run_base_out() { sqlite3 -batch "$db" <"$top/bench/list.sql"; }
	same_output list
	rows=$(($(wc -l <ours.out) - 1))
	k=$(repeats "$bin/crm-lead" -d "$db" list --region 广东)
	run_ours() { timed -n "$k" "$bin/crm-lead" -d "$db" list --region 广东; }
	run_sql() { timed -n "$k" -i "$top/bench/list.sql" sqlite3 -batch "$db"; }
	prep_sql() { :; }
	series sql
	row list "$rows" sql "sqlite3 list.sql" 1.1 $rss_cap "$k"
}

# show: config loaded, database opened, one lead shown (with its history).
task_show() {
	db=big-$n.db
	id=$((n / 2))
	"$bin/crm-lead" -d "$db" show "$id" | sed -n 3p | cut -f1,2 >ours.out
	"$bbin/pointquery" "$db" "$id" | sed -n 2p | cut -f1,2 >base.out
	cmp -s ours.out base.out || die "show: crm-lead show and pointquery found different leads"
	k=$(repeats "$bin/crm-lead" -d "$db" show "$id")
	run_ours() { timed -n "$k" "$bin/crm-lead" -d "$db" show "$id"; }
	run_point() { timed -n "$k" "$bbin/pointquery" "$db" "$id"; }
	prep_point() { :; }
	series point
	row show 1 point "C pointquery" 1.15 - "$k"
}

# ageing, collections: the receivables reports over BENCH_PAY_N
# instalments against hand-written SQL (at CRM_NOW, 2026-03-02).
task_receivable() {	# REPORT LABEL: bench/REPORT.sql is the baseline
	task=$1
	db=pay-$pay_n.db
	run_ours_out() { "$bin/crm-report" -d "$db" -H "$task"; }
	run_base_out() { sqlite3 -batch "$db" <"$top/bench/$task.sql"; }
	same_output "$task"
	k=$(repeats "$bin/crm-report" -d "$db" -H "$task")
	run_ours() { timed -n "$k" "$bin/crm-report" -d "$db" -H "$task"; }
	run_sql() { timed -n "$k" -i "$top/bench/$task.sql" sqlite3 -batch "$db"; }
	prep_sql() { :; }
	series sql
	row "$2" "$pay_n" sql "sqlite3 $task.sql" 1.1 - "$k"
}
task_ageing() { task_receivable ageing ageing; }

# churn: the churn-risk report over BENCH_CHURN_N accounts against
# bench/churn.sql (at CRM_NOW, 2026-03-02), and the morning's reminder
# list, which holds the same query, on its own (no baseline).
task_churn() {
	db=churn-$churn_n.db
	run_ours_out() { "$bin/crm-report" -d "$db" -H churn; }
	run_base_out() { sqlite3 -batch "$db" <"$top/bench/churn.sql"; }
	same_output churn
	run_ours() { timed "$bin/crm-report" -d "$db" -H churn; }
	run_sql() { timed -i "$top/bench/churn.sql" sqlite3 -batch "$db"; }
	prep_sql() { :; }
	series sql
	row churn "$churn_n" sql "sqlite3 churn.sql" 1.1 - 1
	# the reminders: once, in seconds (their other arms have no rows here)
	timed "$bin/crm-task" -d "$db" -H remind | awk '{ printf "bench: crm-task remind over these accounts: %.2f s, %.1f MiB\n", $1, $2 / 1024 }' >&2
}
task_collections() { task_receivable collections collect; }

# search: crm-kb search --notes over BENCH_NOTES_N interactions (a word in
# about 1% of them: the 20 best by bm25) against the same FTS5 query in the
# shell.  The actor is the admin, who sees every subject.
task_search() {
	db=notes-$notes_n.db
	word=激光打印机-100
	cat >search.sql <<EOF
.mode tabs
SELECT i.id, i.at, i.subject_type, i.subject_id, i.kind, u.login,
       snippet(interaction_fts, 0, '[', ']', '...', 32), printf('%.6g', bm25(interaction_fts))
FROM interaction_fts JOIN interactions i ON i.id = interaction_fts.rowid
LEFT JOIN users u ON u.id = i.user_id
WHERE interaction_fts MATCH '"$word"' ORDER BY bm25(interaction_fts), i.id LIMIT 20;
EOF
	run_ours_out() { "$bin/crm-kb" -d "$db" -H search --notes "$word"; }
	run_base_out() { sqlite3 -batch "$db" <search.sql; }
	same_output search
	[ "$(wc -l <ours.out)" = 20 ] || die "search: expected 20 rows"
	rows=$(sqlite3 "$db" "SELECT count(*) FROM interaction_fts WHERE interaction_fts MATCH '\"$word\"'")
	k=$(repeats "$bin/crm-kb" -d "$db" -H search --notes "$word")
	run_ours() { timed -n "$k" "$bin/crm-kb" -d "$db" -H search --notes "$word"; }
	run_sql() { timed -n "$k" -i search.sql sqlite3 -batch "$db"; }
	prep_sql() { :; }
	series sql
	row search "$rows" sql "sqlite3 FTS query" 1.1 - "$k"
}

# clv: crm-report clv (the BG/NBD and Gamma-Gamma fits and every
# account's CLV) over BENCH_CLV_N customers, against bench/clv.sql, which
# only reads the purchases and summarises them per account (no target: it
# shows what the models cost on top of reading the data).  The summaries
# must agree.
task_clv() {
	db=clv-$clv_n.db
	"$bin/crm-report" -d "$db" -H clv | cut -f1,3,4,5 | sort -n >ours.out
	sqlite3 -batch -separator '	' "$db" <"$top/bench/clv.sql" >base.out
	cmp -s ours.out base.out || { diff ours.out base.out | head >&2; die "clv: ours and the baseline disagree"; }
	run_ours() { timed "$bin/crm-report" -d "$db" -H clv; }
	run_sql() { timed -i "$top/bench/clv.sql" sqlite3 -batch "$db"; }
	prep_sql() { :; }
	series sql
	row clv "$clv_n" sql "sqlite3 clv.sql" - - 1
}

# ---- the PostgreSQL rows (BENCH_PG=1) ----
# The same work on a PostgreSQL database of the scratch cluster, against
# psql.  The clock and the cpu column see the client only: the server's
# work is in the wall time, not in the CPU time.

# psqlf DB FILE [psql options]: a psql script, as the baseline runs it
psqlf() { db=$1 f=$2; shift 2; "$psql" "$(pgconn "$db")" -X -q -v ON_ERROR_STOP=1 "$@" <"$f"; }

# import(pg): crm-lead import into a copy of the empty database against
# psql's \copy of the rows the import wrote (exported once, at set-up) into
# the same indexed table of another copy.
task_import_pg() {
	prep_ours() { pgnew o pgtmpl; }
	run_ours() { timed "$bin/crm-lead" -d "$(pgconn o)" -q import "leads-$n.csv"; }
	prep_copy() { pgnew c pgtmpl; }
	run_copy() { timed "$psql" "$(pgconn c)" -X -q -v ON_ERROR_STOP=1 \
		-c "\\copy leads ($pgcols) FROM 'leads-$n.pg.tsv'"; }
	check_round1() {
		want=$(pgq pgimp 'SELECT count(*) FROM leads')
		[ "$(pgq c 'SELECT count(*) FROM leads')" = "$want" ] || die "import(pg): COPY did not load $want leads"
		[ "$(pgq o 'SELECT count(*) FROM leads')" = "$want" ] || die "import(pg): crm-lead imported too few leads"
	}
	series copy
	row "import(pg)" "$(pgq pgimp 'SELECT count(*) FROM leads')" copy "psql \\copy" 1.5 $rss_cap 1
}

# assign(pg): crm-assign against bench/pg/assign.sql's one UPDATE, each on
# a copy of the imported database; every lead must get the same owner.
task_assign_pg() {
	rows=$(pgq pgimp "SELECT count(*) FROM leads WHERE owner_id IS NULL
		AND status IN ('new', 'contacted', 'qualified')")
	# a dry run of ours first: where crm-assign fails on PostgreSQL, the
	# row says so (with the baseline's time, once) and the bench goes on
	pgnew o pgimp
	if ! "$bin/crm-assign" -d "$(pgconn o)" -q --unassigned >/dev/null 2>assign.err; then
		why=$(tail -n 1 assign.err)
		say "assign(pg): $why"
		pgnew u pgimp
		timed -i "$top/bench/pg/assign.sql" "$psql" "$(pgconn u)" -X -q -v now="$CRM_NOW" |
			awk -v rows="$rows" -v why="$why" '{
				printf "%-11s %-19s %9s %10s %7.1f ms %6s %6s %12s %6s  << FAIL %s\n", "assign(pg)",
					"psql UPDATE", rows, "-", $1 * 1000, "-", 1.5, "-", "-", why }' >>table
		return 0
	fi
	prep_ours() { pgnew o pgimp; }
	run_ours() { timed "$bin/crm-assign" -d "$(pgconn o)" -q --unassigned; }
	prep_update() { pgnew u pgimp; }
	run_update() { timed -i "$top/bench/pg/assign.sql" "$psql" "$(pgconn u)" -X -q -v now="$CRM_NOW"; }
	check_round1() {
		pgq o 'SELECT id, owner_id FROM leads ORDER BY id' >ours.out
		pgq u 'SELECT id, owner_id FROM leads ORDER BY id' >base.out
		cmp -s ours.out base.out || die "assign(pg): crm-assign and the SQL gave leads different owners"
		[ "$(pgq o 'SELECT count(*) FROM leads WHERE owner_id IS NULL')" = 0 ] ||
			die "assign(pg): leads left in the pool"
	}
	series update
	row "assign(pg)" "$rows" update "psql UPDATE" 1.5 - 1
}

# pg_read TASK LABEL PROGRAM ARGS -- PSQL-FILE [psql options]: a read-only
# command of ours against the psql script, both on the database migrated
# from big-N.db (ours through CRM_DB: a connection string has blanks); the
# outputs must agree first.  ROWS and CAP as row() takes them.
pg_read() {
	task=$1 label=$2
	shift 2
	ours=""
	while [ "$1" != -- ]; do ours="$ours $1"; shift; done
	shift
	pgfile=$1
	shift
	pgopts="$*"
	CRM_DB=$(pgconn pgbig)
	export CRM_DB
	# shellcheck disable=SC2086	# ours and pgopts: words without blanks
	run_ours_out() { $ours; }
	run_base_out() { psqlf pgbig "$pgfile" $pgopts; }
	same_output "$label"
	k=$(repeats $ours)
	run_ours() { timed -n "$k" $ours; }
	run_sql() { timed -n "$k" -i "$pgfile" "$psql" "$CRM_DB" -X -q -v ON_ERROR_STOP=1 $pgopts; }
	prep_sql() { :; }
	series sql
	unset CRM_DB
	row "$label" "$rows" sql "psql $task.sql" 1.1 "$cap" "$k"
}
task_funnel_pg() {
	rows=$n cap=-
	pg_read funnel "funnel(pg)" "$bin/crm-report" -H funnel --since 2025-01-01 --until 2025-12-31 \
		-- "$top/bench/pg/funnel.sql"
}
task_roi_pg() {
	rows=$n cap=-
	pg_read roi "roi(pg)" "$bin/crm-roi" -H --since 2025-01-01 --until 2025-12-31 \
		-- "$top/bench/pg/roi.sql" -v since=2024-12-31T16:00:00Z -v until=2025-12-31T16:00:00Z \
		-v from_day=2025-01-01 -v to_day=2025-12-31
}
task_list_pg() {
	rows=$(pgq pgbig "SELECT count(*) FROM leads WHERE region = '广东'") cap=$rss_cap
	pg_read list "list(pg)" "$bin/crm-lead" list --region 广东 -- "$top/bench/pg/list.sql"
}
task_show_pg() {
	id=$((n / 2))
	big=$(pgconn pgbig)
	"$bin/crm-lead" -d "$big" show "$id" | sed -n 3p | cut -f1,2 >ours.out
	psqlf pgbig "$top/bench/pg/show.sql" -v id="$id" | sed -n 2p | cut -f1,2 >base.out
	cmp -s ours.out base.out || die "show(pg): crm-lead show and the point query found different leads"
	k=$(repeats "$bin/crm-lead" -d "$big" show "$id")
	run_ours() { timed -n "$k" "$bin/crm-lead" -d "$big" show "$id"; }
	run_sql() { timed -n "$k" -i "$top/bench/pg/show.sql" "$psql" "$big" -X -q -v ON_ERROR_STOP=1 -v id="$id"; }
	prep_sql() { :; }
	series sql
	row "show(pg)" 1 sql "psql point query" 1.15 - "$k"
}

# ---- the run ----

load_before=$(uptime)
: >table
for t in $tasks; do
	say "$t ($pairs rounds)"
	prep_ours() { :; }
	check_round1() { :; }
	done_rows=$(wc -l <table)
	"task_$t"
	case $pg/$t in 1/import | 1/assign | 1/funnel | 1/roi | 1/list | 1/show)
		say "$t(pg) ($pairs rounds)"
		prep_ours() { :; }
		check_round1() { :; }
		"task_${t}_pg" ;;
	esac
	tail -n +$((done_rows + 1)) table >&2
done
echo "make bench: $n leads, $pairs rounds of ours and the baseline alternately; $(nproc) CPUs;" \
	"sqlite $(sqlite3 -version | cut -d' ' -f1)"
echo "load before: ${load_before#*load average: }; after: $(uptime | sed 's/.*load average: //')"
printf '%-11s %-19s %9s %10s %10s %6s %6s %12s %6s  %s\n' task baseline rows ours baseline \
	ratio target "peak RSS" cpu result
cat table
echo "ratio: median over the rounds of ours / baseline (wall clock); cpu: the same for user+system time;"
echo "times are per run; a sample of a quick task repeats its command for about $sample_ms ms"
