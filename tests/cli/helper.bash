# Shared set-up for the command-line tests: a fresh database (made by crm
# init: no other command creates one), no config, a fixed "now", and
# must_fail, which accepts only the documented status.
#
# tests/run.sh runs crm init once per build and names the result in
# CRM_TEST_TEMPLATE; each test starts from a copy of it.  Without it (bats
# run by hand) each test runs crm init itself.
#
# Who the tests are: the Unix login (root in CI) when a crm user has it,
# else CRM_USER (SPEC §4 "Identity").  Tests run as "tester" until they
# add users; a test that adds a crm user "root" must then be root
# (CRM_USER=root, or unset), since CRM_USER may not name anyone else.
# load_library LIB...: bats_load_library, but with LIB's directory written
# into its load.bash for the "$(dirname "${BASH_SOURCE[0]}")" that costs a
# process for each file it sources (15 for these two, in every test).
load_library() {
	local lib dir dirs src pat='$(dirname "${BASH_SOURCE[0]}")'
	for lib; do
		IFS=: read -ra dirs <<<"${BATS_LIB_PATH:-/usr/lib/bats}"
		for dir in "${dirs[@]}"; do
			[ -f "$dir/$lib/load.bash" ] || continue
			IFS= read -r -d '' src <"$dir/$lib/load.bash" || true
			eval "${src//"$pat"/$dir/$lib}"
			continue 2
		done
		bats_load_library "$lib"
	done
}
load_library bats-support bats-assert

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
FIXTURES=$TOP/tests/fixtures

setup() {
	export CRM_DB=$BATS_TEST_TMPDIR/crm.db
	export XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config
	export XDG_DATA_HOME=$BATS_TEST_TMPDIR/data
	export CRM_NOW=2026-03-02T09:00:00Z
	export TZ=Asia/Shanghai
	export LC_ALL=C.UTF-8
	unset CRM_CONFIG CRM_BUSY_TIMEOUT
	export CRM_USER=tester
	cd "$BATS_TEST_TMPDIR"
	if on_pg; then
		# the test's own database, dropped after the test file's own
		# teardown (kept as file_teardown) has run
		TEST_PG_NAME=t_${BASHPID}_${SRANDOM:-$RANDOM$RANDOM}
		export CRM_DB
		CRM_DB=$(pg_conn "$TEST_PG_NAME")
		if declare -F teardown >/dev/null; then
			eval "file_$(declare -f teardown)"
		fi
		teardown() { pg_teardown; }
	fi
	new_db
}

# The PostgreSQL pass (tests/run.sh; CRM_TEST_BACKEND=pg): each test runs
# in a database of its own in the cluster of CRM_TEST_PG (a libpq string),
# made from CRM_TEST_PG_TEMPLATE (a database crm init made once) when set.
on_pg() { [ "${CRM_TEST_BACKEND:-}" = pg ]; }

# skip_on_pg WHY: the test cannot apply to PostgreSQL; WHY in one line.
skip_on_pg() {
	on_pg || return 0
	skip "not on PostgreSQL: $1"
}

# pg_conn NAME: the libpq string of the database NAME in the test cluster.
pg_conn() {
	if [[ $CRM_TEST_PG == *dbname=* ]]; then
		echo "$CRM_TEST_PG" | sed "s/dbname=[^ ]*/dbname=$1/"
	else
		echo "$CRM_TEST_PG dbname=$1"
	fi
}

# is_pg_db DB: DB names a PostgreSQL database, as the store decides.
is_pg_db() { [[ $1 == postgres://* || $1 == postgresql://* || $1 == *=* ]]; }

# pg_psql ARG...: psql on $CRM_DB, stopping at the first error, rows as
# sqlite3 prints them, with the SQLite functions the tests' own queries
# use on the search path (tests/cli/pg-compat.sql: run.sh loads it into
# the template).
pg_psql() {
	PGOPTIONS='-c search_path=public,sqlite_compat' PGTZ=UTC \
		psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$CRM_DB" "$@"
}

# pg_admin SQL: run SQL in the cluster's maintenance database.
pg_admin() { psql -X -q -v ON_ERROR_STOP=1 -d "$CRM_TEST_PG" -c "$1" >/dev/null; }

pg_teardown() {
	local st=0
	if declare -F file_teardown >/dev/null; then
		file_teardown || st=$?
	fi
	pg_drop
	return "$st"
}

# new_db: a new, empty database at $CRM_DB, mode 0600 as crm init makes it.
new_db() {
	if is_pg_db "$CRM_DB"; then
		if [ -n "${CRM_TEST_PG_TEMPLATE:-}" ]; then
			# FILE_COPY: 0.14 s a database this small, WAL_LOG's 0.34
			pg_admin "CREATE DATABASE $TEST_PG_NAME TEMPLATE $CRM_TEST_PG_TEMPLATE STRATEGY FILE_COPY"
		else
			pg_empty "$TEST_PG_NAME"
			crm init -q
		fi
	elif [ -n "${CRM_TEST_TEMPLATE:-}" ]; then
		install -m 600 "$CRM_TEST_TEMPLATE" "$CRM_DB"
	else
		crm init -q
	fi
}

# pg_empty NAME: a new database with nothing of crm's in it, and the
# SQLite functions of the tests' own queries (pg-compat.sql).
pg_empty() {
	pg_admin "CREATE DATABASE $1 TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'"
	CRM_DB=$(pg_conn "$1") pg_psql -f "$TOP/tests/cli/pg-compat.sql" >/dev/null
}

# fresh_db: start again from a new, empty database.
fresh_db() {
	if is_pg_db "$CRM_DB"; then
		pg_drop
	else
		no_db
	fi
	new_db
}

# no_db: no database at all, for a test that builds one from a fixture.
# On PostgreSQL: a database with nothing of crm's in it (but the tests'
# SQLite functions).
no_db() {
	if is_pg_db "$CRM_DB"; then
		pg_drop
		pg_empty "$TEST_PG_NAME"
	else
		rm -f "$CRM_DB" "$CRM_DB-wal" "$CRM_DB-shm"
	fi
}
pg_drop() { pg_admin "DROP DATABASE IF EXISTS $TEST_PG_NAME WITH (FORCE)"; }

# file_db_setup, in setup_file: FILE_DB names a SQLite file for the tests
# of the file to start from, for setup_file to fill (as admin) before it
# calls file_db_done, which on PostgreSQL copies it into a database of the
# cluster (crm migrate); file_db_copy, in setup, makes the test's
# database a copy of that.
file_db_setup() { export FILE_DB=$BATS_FILE_TMPDIR/crm.db; }
file_db_done() {
	on_pg || return 0
	FILE_PG_NAME=f_${BASHPID}_${SRANDOM:-$RANDOM$RANDOM}
	export FILE_PG_NAME
	if [ -n "${CRM_TEST_PG_TEMPLATE:-}" ]; then
		pg_admin "CREATE DATABASE $FILE_PG_NAME TEMPLATE $CRM_TEST_PG_TEMPLATE"
	else
		pg_empty "$FILE_PG_NAME"
	fi
	CRM_DB=$FILE_DB CRM_USER=admin crm migrate --to "$(pg_conn "$FILE_PG_NAME")" >/dev/null
}
file_db_copy() {
	if on_pg; then
		pg_drop
		pg_admin "CREATE DATABASE $TEST_PG_NAME TEMPLATE $FILE_PG_NAME STRATEGY FILE_COPY"
	else
		cp "$FILE_DB" "$CRM_DB"
	fi
}
teardown_file() {
	if [ -n "${FILE_PG_NAME:-}" ]; then
		pg_admin "DROP DATABASE IF EXISTS $FILE_PG_NAME WITH (FORCE)"
	fi
	return 0
}

# must_fail STATUS command...: run it; pass only when it exits with STATUS.
# A crash (128 + signal) or any other status fails the test.
must_fail() {
	local want=$1
	shift
	run "$@"
	if [ "$status" -ge 128 ]; then
		echo "crashed with status $status: $*" >&2
		echo "$output" >&2
		return 1
	fi
	if [ "$status" -ne "$want" ]; then
		echo "expected status $want, got $status: $*" >&2
		echo "$output" >&2
		return 1
	fi
}

# hold_lock SECONDS: hold a write lock on $CRM_DB in the background.  On
# PostgreSQL: the advisory lock each writer takes at BEGIN (lib/db_pg.c),
# in a session that sees within 50 ms that kill "$LOCK_PID" ended psql.
hold_lock() {
	local flag=$BATS_TEST_TMPDIR/.locked
	rm -f "$flag"
	if is_pg_db "$CRM_DB"; then
		psql -X -q -v ON_ERROR_STOP=1 -d "$CRM_DB" -c 'SET client_connection_check_interval = 50' \
			-c 'BEGIN' -c 'SELECT pg_advisory_xact_lock(7161940213)' -c "\\! touch $flag" \
			-c "SELECT pg_sleep($1)" -c 'ROLLBACK' >/dev/null 3>&- &
	else
		python3 - "$CRM_DB" "$1" "$flag" 3>&- <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[3], "w").close()
time.sleep(float(sys.argv[2]))
c.execute("ROLLBACK")
PY
	fi
	LOCK_PID=$!
	while [ ! -e "$flag" ]; do sleep 0.05; done
}

# fixture_sql SQL: put the database in a state that no tool command makes
# (rows with a past date, a broken audit chain, an older schema version).
# All set-up SQL of the tests goes through here or through fixture, so
# that another database engine has one place to change; SQL meant for
# both engines keeps to their common dialect (HACKING, "PORTABLE SQL").
# CRM_DB=FILE before it aims it at another file.
fixture_sql() {
	if is_pg_db "$CRM_DB"; then
		# rows inserted with their ids: the identity sequences follow
		pg_psql -c "$1" -c 'SELECT FROM sqlite_compat.sync_ids()' 
	else
		sqlite3 "$CRM_DB" "$1"
	fi
}

# fixture FILE: run the SQL of FILE (a schema of an older version, say).
fixture() {
	if is_pg_db "$CRM_DB"; then
		pg_psql -f "$1" -c 'SELECT FROM sqlite_compat.sync_ids()'
	else
		sqlite3 "$CRM_DB" <"$1"
	fi
}

# set_schema_version N: mark the database as of schema version N (SQLite's
# user_version; PostgreSQL's table crm_schema_version); schema_version
# prints it.
set_schema_version() {
	if is_pg_db "$CRM_DB"; then
		fixture_sql "DELETE FROM crm_schema_version; INSERT INTO crm_schema_version (version) VALUES ($1)"
	else
		fixture_sql "PRAGMA user_version = $1"
	fi
}
schema_version() {
	if is_pg_db "$CRM_DB"; then
		db_query "SELECT max(version) FROM crm_schema_version"
	else
		db_query "PRAGMA user_version"
	fi
}

# forget_notice TOOL: what TOOL forget adds on stderr on PostgreSQL (with
# the tables of the built-in config), a line of its own; nothing on SQLite.
forget_notice() {
	on_pg || return 0
	printf '\n%s: forget: the server keeps old versions of the rows erased until VACUUM; to remove them, an administrator runs VACUUM FULL %s; then CHECKPOINT' \
		"$1" "leads, contacts, accounts, deals, tickets, surveys, tasks, interactions, audit"
}

# indexes TABLE: how many indexes TABLE has.
indexes() {
	if is_pg_db "$CRM_DB"; then
		db_query "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND tablename = '$1'"
	else
		db_query "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = '$1'"
	fi
}

# db_query SQL...: read the database, rows as sqlite3 prints them (|
# between columns, no header, NULL as nothing); db_query_tsv with tabs.
db_query() { db_query_sep '|' "$@"; }
db_query_tsv() { db_query_sep '	' "$@"; }
db_query_sep() {
	local sep=$1 sql args=()
	shift
	if is_pg_db "$CRM_DB"; then
		for sql; do args+=(-c "$sql"); done
		pg_psql -F "$sep" "${args[@]}"
	else
		sqlite3 -separator "$sep" "$CRM_DB" "$@"
	fi
}

# fingerprint: the whole database as one checksum, to show nothing changed.
# On PostgreSQL: each table's columns and a checksum of its rows sorted as
# text.  Not pg_dump, which writes rows in storage order and the positions
# of the sequences (which a rolled-back insert moves, changing no data).
fingerprint() {
	if is_pg_db "$CRM_DB"; then
		pg_psql -c "
SELECT c.table_name || '(' || string_agg(c.column_name || ' ' || c.data_type, ', ' ORDER BY c.ordinal_position)
	|| ') ' || query_to_xml(format('SELECT md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), '''')) AS h FROM %I.%I t',
		c.table_schema, c.table_name), false, true, '')::text
FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
GROUP BY c.table_schema, c.table_name ORDER BY c.table_name" | md5sum
	else
		sqlite3 "$CRM_DB" .dump | md5sum
	fi
}

# intact: the database passes its check and holds what it held when
# $before was taken (before=$(fingerprint)).
intact() {
	run crm check -q
	assert_success
	[ "$(fingerprint)" = "$before" ]
}
