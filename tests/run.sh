#!/bin/sh
# Run the tests once per build directory given (the plain build, then the
# sanitizer build), lint the man pages, and end with "N passed, N failed".
# usage: tests/run.sh [-f] BUILD [SANBUILD] MANPAGE...
#        tests/run.sh -p BUILD   (the PostgreSQL pass alone)
#
# BUILD runs every unit and command-line test.  SANBUILD runs every unit
# test (the fuzz regressions among them) and the command-line test files
# of SLICE below; with -f (make check-full) every command-line test.
#
# The command-line test files run CRM_TEST_JOBS at a time (default: one
# more than the CPUs; 1 without GNU parallel), the tests of a file one
# after the other (bats runs a test in parallel with its neighbours at
# about twice the overhead, and some must not: faults.bats, write-lock.bats and
# identity.bats).  The longest files go FIRST, so that the others fill in
# around them.  Each test starts from a copy of one database made by crm
# init per build (CRM_TEST_TEMPLATE, see tests/cli/helper.bash).
#
# Then, with a PostgreSQL cluster (CRM_TEST_PG, else a scratch one from
# tests/pg.sh), BUILD runs every command-line test a second time on
# PostgreSQL (CRM_TEST_BACKEND=pg), each test in a database of its own
# made from one crm init made (CRM_TEST_PG_TEMPLATE); without a server the
# pass is skipped and says so.  -p runs that pass alone.
FIRST="faults.bats inputs.bats report.bats lead-import.bats stage-import.bats
	visibility.bats roi.bats log.bats report-more.bats lead.bats write-lock.bats"

# Under the sanitizers by default: faults.bats, and files that run every
# tool and every input path (CSV and TSV imports, bulk updates on stdin,
# bad rows of each importer, reject files), cheap ones where a tool has
# several.  make check-full runs every file.
SLICE="faults.bats write-lock.bats outfiles.bats crm.bats lead.bats lead-import.bats
	account.bats contact.bats assign-pool.bats task-remind.bats stage.bats
	report-cli.bats user.bats user-import.bats privacy.bats product.bats quote.bats
	pay.bats ticket.bats kb.bats"

full=
pgonly=
case ${1-} in
-f) full=1; shift ;;
-p) pgonly=1; shift ;;
esac
top=$(cd "$(dirname "$0")/.." && pwd)
plain=$1
builds="$1 ${2-}"
san=${2-}
shift
[ $# -eq 0 ] || shift
[ -z "$pgonly" ] || { builds=; set --; }
log=$(mktemp)
tmpl=$(mktemp -d)
pg=
trap 'rm -rf "$log" "$tmpl"; [ -z "$pg" ] || sh "$top/tests/pg.sh" stop "$pg"' EXIT

# test_db_pg and test_normalise_pg run against a scratch PostgreSQL cluster
# when the server is installed (or against CRM_TEST_PG when set); without
# one they skip.
if [ -z "${CRM_TEST_PG-}" ] && [ -f "$top/tests/pg.sh" ]; then
	pg=$(mktemp -d /tmp/crm-pg.XXXXXX)
	if CRM_TEST_PG=$(sh "$top/tests/pg.sh" start "$pg" 2>"$tmpl/pg.err"); then
		export CRM_TEST_PG
	else
		echo "tests/run.sh: no PostgreSQL cluster, test_db_pg and test_normalise_pg skip, and the PostgreSQL pass of the command-line tests: $(head -n 1 "$tmpl/pg.err")"
	fi
fi

jobs=${CRM_TEST_JOBS:-$(($(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1) + 1))}
if [ "$jobs" -gt 1 ] && ! command -v parallel >/dev/null 2>&1; then
	echo "tests/run.sh: no GNU parallel, running one test at a time (make deps installs it)"
	jobs=1
fi

run_tap() {	# label command... ; TAP on stdout, counted afterwards
	label=$1; shift
	out=$tmpl/$(echo "$label" | tr -c 'A-Za-z0-9_-' _)
	"$@" >"$out" 2>&1
	st=$?
	ok=$(grep -c '^ok ' "$out")
	bad=$(grep '^not ok ' "$out" | grep -vc '# SKIP')  # cmocka writes a skip as "not ok N # SKIP"
	if [ "$bad" -gt 0 ] || { [ "$st" -ne 0 ] && [ "$ok" -eq 0 ]; }; then
		cat "$out"
		[ "$bad" -eq 0 ] && bad=1
	fi
	echo "$label: $ok passed, $bad failed"
	echo "$ok $bad" >>"$log"
	rm -f "$out"
}

# cli_files BUILD: the command-line test files to run for the build, FIRST first
cli_files() {
	for f in $FIRST "$top"/tests/cli/*.bats; do
		n=$(basename "$f")
		case " $(echo $FIRST) " in *" $n "*) [ "$f" = "$n" ] || continue ;; esac
		if [ "$1" = "$san" ] && [ -z "$full" ]; then
			case " $(echo $SLICE) " in *" $n "*) ;; *) continue ;; esac
		fi
		[ -e "$top/tests/cli/$n" ] && echo "$top/tests/cli/$n"
	done
}

# The unit tests of every build, one at a time beside the command-line tests.
for b in $builds; do
	[ -d "$top/$b" ] || continue
	for t in "$top/$b"/tests/test_*; do
		[ -x "$t" ] || continue
		run_tap "$b unit $(basename "$t")" env CMOCKA_MESSAGE_OUTPUT=TAP "$t"
	done
done >"$tmpl/units" &
units=$!

for b in $builds; do
	[ -d "$top/$b" ] || continue
	ls "$top"/tests/cli/*.bats >/dev/null 2>&1 || continue

	rm -rf "$tmpl/db"
	mkdir "$tmpl/db"
	if (unset CRM_CONFIG; CRM_DB="$tmpl/db/crm.db" XDG_CONFIG_HOME="$tmpl/db/config" \
		"$top/$b/bin/crm" init -q); then
		template=$tmpl/db/crm.db
	else
		echo "$b: crm init failed; each test runs it itself"
		echo "0 1" >>"$log"
		template=
	fi
	what="all files"
	[ "$b" = "$san" ] && [ -z "$full" ] && what="the slice"
	files=$(cli_files "$b")
	(
		export PATH="$top/$b/bin:$PATH" CRM_TEST_BUILD="$top/$b" CRM_TEST_TEMPLATE="$template"
		if [ "$jobs" -gt 1 ]; then
			run_tap "$b cli ($what, $jobs files at once)" \
				bats --tap --jobs "$jobs" --no-parallelize-within-files $files
		else
			run_tap "$b cli ($what)" bats --tap $files
		fi
	)
done

# The PostgreSQL pass: the plain build's command-line tests, every file.
pgdb=
if [ -n "${CRM_TEST_PG-}" ] && [ -d "$top/$plain" ] && ls "$top"/tests/cli/*.bats >/dev/null 2>&1; then
	pgdb=crm_test_template_$$
	pgconn=$(echo "$CRM_TEST_PG" | sed "s/dbname=[^ ]*/dbname=$pgdb/")
	case $pgconn in *dbname=*) ;; *) pgconn="$CRM_TEST_PG dbname=$pgdb" ;; esac
	start=$(date +%s)
	if psql -X -q -v ON_ERROR_STOP=1 -d "$CRM_TEST_PG" \
		-c "CREATE DATABASE $pgdb TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'" >"$tmpl/pg.err" 2>&1 &&
		(unset CRM_CONFIG; CRM_DB=$pgconn XDG_CONFIG_HOME="$tmpl/db/config" \
			"$top/$plain/bin/crm" init -q) 2>>"$tmpl/pg.err" &&
		psql -X -q -v ON_ERROR_STOP=1 -d "$pgconn" -f "$top/tests/cli/pg-compat.sql" >>"$tmpl/pg.err" 2>&1; then
		files=$(san= full=1 cli_files "$plain")
		(
			export PATH="$top/$plain/bin:$PATH" CRM_TEST_BUILD="$top/$plain" CRM_TEST_TEMPLATE= \
				CRM_TEST_BACKEND=pg CRM_TEST_PG_TEMPLATE=$pgdb
			if [ "$jobs" -gt 1 ]; then
				run_tap "$plain cli on PostgreSQL (all files, $jobs files at once)" \
					bats --tap --jobs "$jobs" --no-parallelize-within-files $files
			else
				run_tap "$plain cli on PostgreSQL (all files)" bats --tap $files
			fi
		)
		echo "$plain cli on PostgreSQL: $(($(date +%s) - start)) s"
	else
		echo "$plain: crm init on PostgreSQL failed: $(head -n 3 "$tmpl/pg.err")"
		echo "0 1" >>"$log"
	fi
	psql -X -q -d "$CRM_TEST_PG" -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1
elif [ -n "$pgonly" ]; then
	echo "tests/run.sh: no PostgreSQL cluster: the PostgreSQL pass is skipped"
fi

wait "$units"
cat "$tmpl/units"

for m in "$@"; do
	if out=$(sh "$top/tests/lint-man.sh" "$m"); then
		echo "1 0" >>"$log"
	else
		echo "lint $m:"; echo "$out"
		echo "0 1" >>"$log"
	fi
done
echo "man page lint: $# pages"

awk '{ p += $1; f += $2 } END { printf "%d passed, %d failed\n", p, f; exit f > 0 }' "$log"
