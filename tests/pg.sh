#!/bin/sh
# A scratch PostgreSQL cluster for the tests of the PostgreSQL backend.
# usage: tests/pg.sh start DIR   (prints a libpq connection string)
#        tests/pg.sh stop DIR    (stops it and removes DIR)
# The cluster lives in DIR, listens on a unix socket there and nowhere
# else, and is created with the C collation (HACKING, "Portable SQL").
# Run as root, it runs as the user crmpg (made when missing): PostgreSQL
# refuses root.  start on a running cluster prints its string again; stop
# on none removes DIR.  Exit 0, or 1 with a message on stderr.
set -u
cmd=${1-}
dir=${2-}
port=${CRM_PG_PORT:-5432}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
	echo "usage: tests/pg.sh start|stop DIR" >&2
	exit 1
fi
bin=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -n "$bin" ] && [ -x "$bin/initdb" ] || bin=$(dirname "$(command -v initdb 2>/dev/null || echo /none/initdb)")
if [ ! -x "$bin/initdb" ]; then
	echo "tests/pg.sh: no PostgreSQL server (initdb) installed" >&2
	exit 1
fi

as_pg() {	# run as the cluster's owner
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u crmpg -- "$@"
	else
		"$@"
	fi
}

case $cmd in
start)
	if [ "$(id -u)" -eq 0 ] && ! id crmpg >/dev/null 2>&1; then
		useradd -r -M -s /usr/sbin/nologin crmpg 2>/dev/null || {
			echo "tests/pg.sh: cannot create the user crmpg" >&2
			exit 1
		}
	fi
	mkdir -p "$dir" || exit 1
	[ "$(id -u)" -eq 0 ] && chown crmpg "$dir"
	chmod 700 "$dir"
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		as_pg "$bin/initdb" -D "$dir/data" -A trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
			echo "tests/pg.sh: initdb failed:" >&2
			cat "$dir/initdb.log" >&2
			exit 1
		}
	fi
	if ! as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
			-o "-k $dir -p $port -c listen_addresses='' -c fsync=off" start >/dev/null 2>&1 || {
			echo "tests/pg.sh: the server did not start:" >&2
			cat "$dir/server.log" >&2
			exit 1
		}
	fi
	owner=crmpg
	[ "$(id -u)" -eq 0 ] || owner=$(id -un)
	echo "host=$dir port=$port dbname=postgres user=$owner"
	;;
stop)
	if [ -f "$dir/data/PG_VERSION" ]; then
		as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1
	fi
	rm -rf "$dir"
	;;
*)
	echo "usage: tests/pg.sh start|stop DIR" >&2
	exit 1
	;;
esac
