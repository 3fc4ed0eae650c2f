#!/bin/sh
# Compare the PostgreSQL schema (lib/schema_pg.c) with SQLite's
# (lib/schema.c) as built: crm init makes a SQLite database, the steps of
# lib/schema_pg.c (printed by BUILD/tests/test_schema_pg --print) a
# PostgreSQL one in a scratch cluster, and per table these must agree:
#   column   its position, name, type (INTEGER bigint, TEXT text, BLOB
#            bytea) and NOT NULL (SQLite's INTEGER PRIMARY KEY, the rowid,
#            counts as NOT NULL, as PostgreSQL's identity key is);
#   default  the DEFAULT of each column (PostgreSQL's cast left off);
#   key      the primary key and each UNIQUE constraint, by columns;
#   index    each named index: columns, UNIQUE, the WHERE of a partial
#            one; an FTS5 table F of SQLite over table T is, on
#            PostgreSQL, a trigram GIN index F_C on T per column C;
#   fk       each foreign key, by columns;
#   checks   how many CHECK constraints a table has;
#   trigger  each trigger but those keeping an FTS table (F_ai, _ad, _au),
#            and PostgreSQL's audit_id (an audit row takes the id its hash
#            was chained for, what SQLite's rowid gives by itself).
# SQLite's FTS shadow tables and autoindexes, and PostgreSQL's
# crm_schema_version (checked alone: one row, version INTEGER NOT NULL) and
# crm_security (PostgreSQL's own: security_pg.h)
# are left out.  Prints the differences as a diff (- SQLite, + PostgreSQL)
# and exits 1 on any; exits 0 with a message, comparing nothing, when no
# PostgreSQL server can be started here (the scratch cluster of
# tests/pg.sh).
# usage: tests/pg-schema-check.sh [BUILD]
B=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
case $B in /*) ;; *) B=$top/$B ;; esac
me=pg-schema-check

skip() { echo "$me: skipped: $*"; exit 0; }
die() { echo "$me: $*" >&2; exit 1; }

{ [ -x "$B/bin/crm" ] && [ -x "$B/tests/test_schema_pg" ]; } ||
	die "$B/bin/crm or $B/tests/test_schema_pg missing (make all units)"
command -v sqlite3 >/dev/null 2>&1 || die "no sqlite3 shell (make deps)"

tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'sh "$top/tests/pg.sh" stop "$tmp/pg" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
conn=$(sh "$top/tests/pg.sh" start "$tmp/pg" 2>"$tmp/pg.err") ||
	skip "no PostgreSQL cluster ($(tail -n 1 "$tmp/pg.err"))"
crm_conn=$(echo "$conn" | sed 's/dbname=[^ ]*/dbname=crm/')

pg() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
# as HACKING says: the C collation, and a UTF-8 LC_CTYPE, or pg_trgm finds
# no trigrams in Chinese
pg -d "$conn" -c "CREATE DATABASE crm TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'" ||
	die "CREATE DATABASE failed"
"$B/tests/test_schema_pg" --print >"$tmp/schema.sql" || die "test_schema_pg --print failed"
pg -1 -d "$crm_conn" -f "$tmp/schema.sql" || die "the steps of lib/schema_pg.c fail on PostgreSQL"

(unset CRM_CONFIG; CRM_DB=$tmp/crm.db XDG_CONFIG_HOME=$tmp/config "$B/bin/crm" init -q) ||
	die "crm init failed"

# ---- SQLite ----
sqlite3 -batch -noheader "$tmp/crm.db" >"$tmp/sqlite.txt" <<'EOF' || die "reading the SQLite schema failed"
CREATE TEMP VIEW fts AS
  SELECT name AS f,
         substr(rest, 1, instr(rest, '''') - 1) AS content
  FROM (SELECT name, substr(sql, instr(sql, 'content=''') + 9) AS rest
        FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%');
CREATE TEMP VIEW t AS
  SELECT name, sql FROM sqlite_master
  WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
    AND name NOT IN (SELECT f FROM fts)
    AND name NOT IN (SELECT f || s FROM fts, (SELECT '_data' AS s UNION ALL SELECT '_idx'
                     UNION ALL SELECT '_docsize' UNION ALL SELECT '_config' UNION ALL SELECT '_content'));
SELECT 'column ' || t.name || ' ' || (c.cid + 1) || ' ' || c.name || ' ' ||
       CASE upper(c.type) WHEN 'INTEGER' THEN 'bigint' WHEN 'TEXT' THEN 'text'
                          WHEN 'BLOB' THEN 'bytea' ELSE lower(c.type) END || ' ' ||
       CASE WHEN c."notnull" OR c.pk > 0 THEN 'not-null' ELSE 'null' END
  FROM t, pragma_table_info(t.name) c;
SELECT 'default ' || t.name || ' ' || c.name || ' ' || c.dflt_value
  FROM t, pragma_table_info(t.name) c WHERE c.dflt_value IS NOT NULL;
SELECT 'key ' || t.name || ' primary (' ||
       (SELECT group_concat(name, ',') FROM
         (SELECT name FROM pragma_table_info(t.name) WHERE pk > 0 ORDER BY pk)) || ')'
  FROM t WHERE EXISTS (SELECT 1 FROM pragma_table_info(t.name) WHERE pk > 0);
SELECT 'key ' || t.name || ' unique (' ||
       (SELECT group_concat(name, ',') FROM
         (SELECT name FROM pragma_index_info(i.name) ORDER BY seqno)) || ')'
  FROM t, pragma_index_list(t.name) i WHERE i.origin = 'u';
SELECT 'index ' || t.name || ' ' || i.name || ' (' ||
       (SELECT group_concat(name, ',') FROM
         (SELECT name FROM pragma_index_info(i.name) ORDER BY seqno)) || ') ' ||
       CASE WHEN i."unique" THEN 'unique' ELSE 'btree' END ||
       CASE WHEN i.partial THEN ' where ' ||
            (SELECT substr(sql, instr(sql, ' WHERE ') + 7) FROM sqlite_master m
             WHERE m.type = 'index' AND m.name = i.name)
            ELSE '' END
  FROM t, pragma_index_list(t.name) i WHERE i.origin = 'c';
SELECT 'index ' || fts.content || ' ' || fts.f || '_' || c.name || ' (' || c.name || ') trigram'
  FROM fts, pragma_table_info(fts.f) c;
SELECT 'fk ' || t.name || ' (' || group_concat(k."from", ',') || ') ' ||
       k."table" || '(' || group_concat(k."to", ',') || ')'
  FROM t, pragma_foreign_key_list(t.name) k GROUP BY t.name, k.id;
SELECT 'checks ' || name || ' ' || ((length(sql) - length(replace(sql, 'CHECK (', ''))) / 7)
  FROM t WHERE sql LIKE '%CHECK (%';
SELECT 'trigger ' || tbl_name || ' ' || name FROM sqlite_master
  WHERE type = 'trigger'
    AND name NOT IN (SELECT f || s FROM fts, (SELECT '_ai' AS s UNION ALL SELECT '_ad'
                     UNION ALL SELECT '_au') WHERE fts.content = tbl_name);
EOF

# ---- PostgreSQL ----
pg -d "$crm_conn" -A -t >"$tmp/pg.txt" <<'EOF' || die "reading the PostgreSQL schema failed"
CREATE TEMP VIEW t AS
  SELECT c.oid, c.relname AS name FROM pg_class c
  WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
    AND c.relname NOT IN ('crm_schema_version', 'crm_security');
CREATE TEMP VIEW ix AS
  SELECT t.name AS tab, x.*, i.relname AS name, am.amname,
         (SELECT string_agg(a.attname, ',' ORDER BY k.n)
          FROM unnest(x.indkey) WITH ORDINALITY k(att, n)
          JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.att) AS cols,
         (SELECT string_agg(o.opcname, ',') FROM unnest(x.indclass) k(cl)
          JOIN pg_opclass o ON o.oid = k.cl) AS opclasses,
         EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = x.indexrelid
                 AND contype IN ('p', 'u')) AS constraint_index
  FROM t JOIN pg_index x ON x.indrelid = t.oid
  JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam;
SELECT 'column ' || t.name || ' ' || c.ordinal_position || ' ' || c.column_name || ' ' ||
       c.data_type || ' ' || CASE c.is_nullable WHEN 'NO' THEN 'not-null' ELSE 'null' END
  FROM t JOIN information_schema.columns c
    ON c.table_schema = 'public' AND c.table_name = t.name;
SELECT 'default ' || t.name || ' ' || c.column_name || ' ' ||
       regexp_replace(c.column_default, '::[a-z ]+$', '')
  FROM t JOIN information_schema.columns c
    ON c.table_schema = 'public' AND c.table_name = t.name
  WHERE c.column_default IS NOT NULL;
SELECT 'key ' || tab || CASE WHEN indisprimary THEN ' primary (' ELSE ' unique (' END || cols || ')'
  FROM ix WHERE constraint_index;
SELECT 'index ' || tab || ' ' || name || ' (' || cols || ') ' ||
       CASE WHEN amname = 'gin' AND opclasses = 'gin_trgm_ops' THEN 'trigram'
            WHEN amname <> 'btree' THEN amname
            WHEN indisunique THEN 'unique' ELSE 'btree' END ||
       CASE WHEN indpred IS NOT NULL
            THEN ' where ' || regexp_replace(pg_get_expr(indpred, indrelid), '^\((.*)\)$', '\1')
            ELSE '' END
  FROM ix WHERE NOT constraint_index;
SELECT 'fk ' || t.name || ' (' ||
       (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(f.conkey) WITH ORDINALITY k(att, n)
        JOIN pg_attribute a ON a.attrelid = f.conrelid AND a.attnum = k.att) || ') ' ||
       r.relname || '(' ||
       (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(f.confkey) WITH ORDINALITY k(att, n)
        JOIN pg_attribute a ON a.attrelid = f.confrelid AND a.attnum = k.att) || ')'
  FROM t JOIN pg_constraint f ON f.conrelid = t.oid AND f.contype = 'f'
  JOIN pg_class r ON r.oid = f.confrelid;
SELECT 'checks ' || t.name || ' ' || count(*)
  FROM t JOIN pg_constraint k ON k.conrelid = t.oid AND k.contype = 'c' GROUP BY t.name;
SELECT 'trigger ' || t.name || ' ' || g.tgname
  FROM t JOIN pg_trigger g ON g.tgrelid = t.oid WHERE NOT g.tgisinternal
  AND g.tgname <> 'audit_id';
EOF

v=$(pg -d "$crm_conn" -A -t -c "SELECT count(*) || ' ' || min(version) FROM crm_schema_version")
vt=$(pg -d "$crm_conn" -A -t -c "SELECT data_type || ' ' || is_nullable FROM information_schema.columns
	WHERE table_name = 'crm_schema_version' AND column_name = 'version'")
st=0
[ "$v" = "1 0" ] || { echo "$me: crm_schema_version holds \"$v\" (rows, version), not one row of 0"; st=1; }
[ "$vt" = "integer NO" ] || { echo "$me: crm_schema_version.version is \"$vt\", not integer NOT NULL"; st=1; }

LC_ALL=C sort -k1,1 -k2,2 -k3,3n -k4 "$tmp/sqlite.txt" >"$tmp/sqlite.sorted"
LC_ALL=C sort -k1,1 -k2,2 -k3,3n -k4 "$tmp/pg.txt" >"$tmp/pg.sorted"
tables=$(awk '$1 == "column" && $3 == 1' "$tmp/sqlite.sorted" | wc -l)
if ! diff -u --label sqlite --label postgresql "$tmp/sqlite.sorted" "$tmp/pg.sorted"; then
	echo "$me: the schemas differ (- SQLite, + PostgreSQL)"
	exit 1
fi
[ "$st" -eq 0 ] || exit 1
echo "$me: $tables tables, $(wc -l <"$tmp/sqlite.sorted") facts alike on SQLite and PostgreSQL"
