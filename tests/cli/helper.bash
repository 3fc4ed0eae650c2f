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
	new_db
}

# new_db: a new, empty database at $CRM_DB, mode 0600 as crm init makes it.
new_db() {
	if [ -n "${CRM_TEST_TEMPLATE:-}" ]; then
		install -m 600 "$CRM_TEST_TEMPLATE" "$CRM_DB"
	else
		crm init -q
	fi
}

# fresh_db: start again from a new, empty database.
fresh_db() {
	no_db
	new_db
}

# no_db: no database at all, for a test that builds one from a fixture.
no_db() {
	rm -f "$CRM_DB" "$CRM_DB-wal" "$CRM_DB-shm"
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


# hold_lock SECONDS: hold a write lock on $CRM_DB in the background.
hold_lock() {
	python3 - "$CRM_DB" "$1" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[1] + ".locked", "w").close()
time.sleep(float(sys.argv[2]))
c.execute("ROLLBACK")
PY
	LOCK_PID=$!
	while [ ! -e "$CRM_DB.locked" ]; do sleep 0.05; done
}

# fixture_sql SQL: put the database in a state that no tool command makes
# (rows with a past date, a broken audit chain, an older schema version).
# All set-up SQL of the tests goes through here or through fixture, so
# that another database engine has one place to change.  CRM_DB=FILE
# before it aims it at another file.
fixture_sql() { sqlite3 "$CRM_DB" "$1"; }

# fixture FILE: run the SQL of FILE (a schema of an older version, say).
fixture() { sqlite3 "$CRM_DB" <"$1"; }

# db_query SQL...: read the database, rows as sqlite3 prints them (|
# between columns); db_query_tsv with tabs.
db_query() { sqlite3 "$CRM_DB" "$@"; }
db_query_tsv() { sqlite3 -separator '	' "$CRM_DB" "$@"; }

# fingerprint: the whole database as one checksum, to show nothing changed.
fingerprint() { sqlite3 "$CRM_DB" .dump | md5sum; }

# intact: the database passes its check and holds what it held when
# $before was taken (before=$(fingerprint)).
intact() {
	run crm check -q
	assert_success
	[ "$(fingerprint)" = "$before" ]
}
