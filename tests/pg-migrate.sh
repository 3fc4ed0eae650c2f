#!/bin/sh
# crm migrate between the engines: a SQLite database made through the
# tools (users, an import, assignment, the log, a lead to a won deal, a
# quote, contract, order and payment, a ticket, a knowledge base article)
# is copied into a fresh PostgreSQL database (in a scratch cluster of
# tests/pg.sh), which must pass crm check (audit ok) and show the same
# lists and reports; then copied back into a new SQLite file, which must
# show them too, keep its full-text indexes whole, and dump as the
# original does (sqlite3 .dump: the same rows, byte for byte, in the same
# order; but the CREATE INDEX lines compared as a set, since the bulk
# import made the lead indexes again after the load, and sqlite_master
# lists them where they were made; and without the rows of the FTS5
# shadow tables, whose index the copy built anew, in other segments).  And the refusals: a SQLite target that exists
# (73), a PostgreSQL one that holds rows (65), a connection string no
# server answers (69, with libpq's message), a source that is missing
# (66); none of them writes anything.  Skips (exit 0 with a message) when
# no PostgreSQL server can be started here.
# usage: tests/pg-migrate.sh [BUILD]
me=pg-migrate
. "$(dirname "$0")/pg-scenario.sh"
command -v sqlite3 >/dev/null 2>&1 || { echo "$me: no sqlite3 shell (make deps)" >&2; exit 1; }

export CRM_USER=root TZ=Asia/Shanghai LC_ALL=C.UTF-8
unset CRM_CONFIG
export XDG_CONFIG_HOME="$tmp/config"
st=0
fail() { echo "$me: $*"; st=1; }
# at NOW command...: one step, quiet, that must succeed
at() {
	CRM_NOW=$1
	export CRM_NOW
	shift
	"$B/bin/$@" >/dev/null 2>"$tmp/step.err" || { fail "$* failed: $(cat "$tmp/step.err")"; exit 1; }
}
newdb() {	# newdb NAME: a fresh PostgreSQL database, its connection string
	psql "$conn" -q -c "CREATE DATABASE $1 TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'" \
		>/dev/null 2>&1 || { echo "$me: cannot create database $1" >&2; exit 1; }
	echo "$conn" | sed "s/dbname=[^ ]*/dbname=$1/"
}

# ---- the source, through the tools ----
src=$tmp/src.db
export CRM_DB=$src
"$B/bin/crm" init -q || exit 1
at 2026-03-02T01:00:00Z crm-user add --login root --name Root --role admin
at 2026-03-02T01:00:00Z crm-user add --login a1 --name A1
at 2026-03-02T01:00:00Z crm-user team add east --manager a1
at 2026-03-02T01:00:00Z crm-user add --login a2 --name A2 --team east --manager a1
at 2026-03-02T01:00:00Z crm-user update a1 --team east
at 2026-03-02T01:00:00Z crm-user update root --manager a2
at 2026-03-02T01:00:00Z crm-lead import "$top/tests/fixtures/leads-expo.csv"
at 2026-03-02T01:00:00Z crm-assign --unassigned --to a2
at 2026-03-02T02:00:00Z crm-log add --lead 1 --kind call 电话沟通
at 2026-03-02T03:00:00Z crm-lead convert 1 --title 大单 --amount 120000
at 2026-03-03T03:00:00Z crm-stage move 1 proposal
at 2026-03-04T01:00:00Z crm-product add --sku SRV --name 服务器 --price 80000
at 2026-03-04T01:00:00Z crm-quote new --deal 1
at 2026-03-04T01:00:00Z crm-quote line 1 --product SRV --qty 10
at 2026-03-04T01:00:00Z crm-quote send 1
at 2026-03-04T01:00:00Z crm-quote accept 1
at 2026-03-05T03:00:00Z crm-stage won 1
at 2026-03-05T03:00:00Z crm-contract new --quote 1 --start 2026-03-05
at 2026-03-05T03:00:00Z crm-contract submit 1
at 2026-03-05T03:00:00Z crm-contract sign 1 --on 2026-03-05
at 2026-03-05T03:00:00Z crm-order new --contract 1
at 2026-03-05T03:00:00Z crm-pay plan 1 --split 30,70:30
at 2026-03-06T03:00:00Z crm-pay record 1 100000
at 2026-03-07T01:00:00Z crm-ticket add --subject 打印机坏了 --account 1 --priority high
at 2026-03-07T02:00:00Z crm-ticket reply 1 请重启打印机
at 2026-03-07T03:00:00Z crm-kb add --title 打印机故障 --body 先重启打印机再检查纸盒
at 2026-03-07T03:00:00Z crm-ticket resolve 1
at 2026-03-07T03:00:00Z crm-task add --title 回访 --due 2026-03-07 --owner a2 --lead 2
at 2026-03-08T01:00:00Z crm-task remind

# views: the same bytes from every copy
views() {	# views DB
	CRM_NOW=2026-03-08T03:00:00Z
	export CRM_NOW
	for v in "crm-user list --all" "crm-lead list" "crm-stage list" "crm-report funnel --since 2026-03-01" \
		"crm-account show 1" "crm-ticket queue" "crm-pay payments" "crm audit"; do
		echo "== $v"
		# shellcheck disable=SC2086
		CRM_DB=$1 "$B/bin/"$v 2>&1
		echo "status $?"
	done
}
views "$src" >"$tmp/views.src"

# ---- SQLite -> PostgreSQL ----
pg=$(newdb target)
"$B/bin/crm" migrate --to "$pg" >"$tmp/migrate.out" 2>&1 || fail "migrate to PostgreSQL: $(cat "$tmp/migrate.out")"
sqlite3 -batch -noheader -separator '	' "$src" >"$tmp/counts" <<'SQL'
SELECT 'audit', count(*) FROM audit; SELECT 'leads', count(*) FROM leads;
SELECT 'users', count(*) FROM users; SELECT 'doc_lines', count(*) FROM doc_lines;
SQL
# every table listed once, and these counts as sqlite3 counts them
tables=$(sqlite3 "$src" "SELECT count(*) FROM pragma_table_list
	WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE '%_fts%'")
[ "$(sed 1d "$tmp/migrate.out" | cut -f1 | sort -u | wc -l)" -eq "$tables" ] &&
	[ "$(sed 1d "$tmp/migrate.out" | wc -l)" -eq "$tables" ] ||
	fail "the summary does not list each of the $tables tables once"
while IFS='	' read -r t n; do
	grep -qx "$t	$n" "$tmp/migrate.out" || fail "summary: $t is not $n rows"
done <"$tmp/counts"
CRM_DB=$pg "$B/bin/crm" check >"$tmp/check.pg" 2>&1 || fail "crm check on PostgreSQL: $(cat "$tmp/check.pg")"
grep -qx 'audit	ok' "$tmp/check.pg" || fail "the audit chain broke on PostgreSQL"
views "$pg" >"$tmp/views.pg"
diff -u "$tmp/views.src" "$tmp/views.pg" || fail "PostgreSQL shows the copy otherwise (- SQLite, + PostgreSQL)"
# the sequences moved: the next user is id 4 (three were copied)
CRM_NOW=2026-03-09T01:00:00Z "$B/bin/crm-user" -d "$pg" add --login a3 --name A3 -H >"$tmp/a3" 2>&1
[ "$(cut -f1 "$tmp/a3")" = 4 ] || fail "a new user on PostgreSQL is not id 4: $(cat "$tmp/a3")"

# ---- PostgreSQL -> SQLite ----
back=$tmp/back.db
pg2=$(newdb back)
"$B/bin/crm" migrate -q --to "$pg2" || fail "second copy to PostgreSQL"
CRM_DB=$pg2 "$B/bin/crm" migrate -q --to "$back" 2>"$tmp/back.err" || fail "migrate to SQLite: $(cat "$tmp/back.err")"
[ "$(stat -c %a "$back")" = 600 ] || fail "$back is mode $(stat -c %a "$back"), not 600"
CRM_DB=$back "$B/bin/crm" check >"$tmp/check.back" 2>&1 || fail "crm check on the copy back"
grep -qx 'audit	ok' "$tmp/check.back" || fail "the audit chain broke on the way back"
views "$back" >"$tmp/views.back"
diff -u "$tmp/views.src" "$tmp/views.back" || fail "the copy back shows otherwise (- original, + copy)"
for f in kb_fts ticket_fts interaction_fts; do
	sqlite3 "$back" "INSERT INTO $f($f) VALUES('integrity-check')" 2>"$tmp/fts.err" ||
		fail "$f of the copy back: $(cat "$tmp/fts.err")"
done
[ "$(sqlite3 "$back" "SELECT count(*) FROM kb_fts WHERE kb_fts MATCH '重启打印机'")" = 1 ] ||
	fail "kb_fts of the copy back does not find the article"
[ "$(sqlite3 "$back" "SELECT count(*) FROM interaction_fts WHERE interaction_fts MATCH '电话沟通'")" = 1 ] ||
	fail "interaction_fts of the copy back does not find the call"
dump() {	# the rows and the schema but its CREATE INDEX lines, then those
	# sorted; not the rows of the full-text shadow tables (the index
	# was built anew, in other segments: the integrity-check above)
	sqlite3 "$1" .dump | grep -v -e '^CREATE INDEX' -e '^INSERT INTO [a-z]*_fts_[a-z]* VALUES'
	sqlite3 "$1" .dump | grep '^CREATE INDEX' | LC_ALL=C sort
}
dump "$src" >"$tmp/dump.src"
dump "$back" >"$tmp/dump.back"
diff -u "$tmp/dump.src" "$tmp/dump.back" || fail "the dumps differ (- original, + round trip)"

# ---- dry run: counts, leaves nothing ----
"$B/bin/crm" migrate -n --to "$tmp/dry.db" >"$tmp/dry.out" 2>&1 || fail "dry run to SQLite: $(cat "$tmp/dry.out")"
[ ! -e "$tmp/dry.db" ] || fail "a dry run left $tmp/dry.db"
grep -qx "leads	$(sqlite3 "$src" 'SELECT count(*) FROM leads')" "$tmp/dry.out" || fail "dry run: no count of leads"
pg3=$(newdb dry)
"$B/bin/crm" migrate -n -q --to "$pg3" || fail "dry run to PostgreSQL"
[ "$(psql "$pg3" -A -t -c 'SELECT count(*) FROM audit')" = 0 ] || fail "a dry run wrote into PostgreSQL"

# ---- refusals ----
expect() {	# expect STATUS PATTERN command...
	want=$1 pat=$2
	shift 2
	"$@" >"$tmp/out" 2>&1
	got=$?
	[ "$got" -eq "$want" ] || fail "$*: status $got, not $want: $(cat "$tmp/out")"
	grep -q -- "$pat" "$tmp/out" || fail "$*: no '$pat' in: $(cat "$tmp/out")"
}
cp "$back" "$tmp/before"
expect 73 "exists" "$B/bin/crm" migrate --to "$back"
cmp -s "$back" "$tmp/before" || fail "a refused migrate changed the existing file"
expect 65 "not an empty database" "$B/bin/crm" migrate --to "$pg"
expect 69 "No such file or directory" "$B/bin/crm" migrate --to "host=$tmp/nowhere port=5432 dbname=x"
expect 66 "$tmp/missing.db" "$B/bin/crm" -d "$tmp/missing.db" migrate --to "$tmp/new.db"
[ ! -e "$tmp/new.db" ] || fail "a refused migrate left $tmp/new.db"
expect 64 "--to" "$B/bin/crm" migrate

[ $st -eq 0 ] && echo "$me: SQLite to PostgreSQL and back: the same views, audit ok, the same dump"
exit $st
