-- pg-compat.sql: the SQLite functions that the tests' own queries use,
-- for the PostgreSQL pass (tests/cli/helper.bash).  They live in a schema
-- of their own, on the search path of the tests' psql sessions only: the
-- tools never see them.
CREATE SCHEMA sqlite_compat;
SET search_path = sqlite_compat;

-- group_concat(X [, SEP]): in the order the rows come, as SQLite's
CREATE FUNCTION gc_step(acc text, x anyelement, sep text) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN x IS NULL THEN acc WHEN acc IS NULL THEN x::text ELSE acc || sep || x::text END $$;
CREATE FUNCTION gc_step(acc text, x anyelement) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT sqlite_compat.gc_step(acc, x, ',') $$;
CREATE AGGREGATE group_concat(anyelement, text) (SFUNC = gc_step, STYPE = text);
CREATE AGGREGATE group_concat(anyelement) (SFUNC = gc_step, STYPE = text);

-- json_extract(JSON, '$.key[.key...]'): the value as text
CREATE FUNCTION json_extract(j text, path text) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT j::jsonb #>> string_to_array(substr(path, 3), '.') $$;

-- hex(X): upper-case hex of the bytes (of the UTF-8 of a text)
CREATE FUNCTION hex(x bytea) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT upper(encode(x, 'hex')) $$;
CREATE FUNCTION hex(x text) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT upper(encode(convert_to(x, 'UTF8'), 'hex')) $$;

-- typeof(X): SQLite's storage class names
CREATE FUNCTION typeof(x anyelement) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN x IS NULL THEN 'null'
	WHEN pg_typeof(x) = 'bytea'::regtype THEN 'blob'
	WHEN pg_typeof(x) IN ('integer'::regtype, 'bigint'::regtype, 'smallint'::regtype, 'boolean'::regtype) THEN 'integer'
	WHEN pg_typeof(x) IN ('real'::regtype, 'double precision'::regtype, 'numeric'::regtype) THEN 'real'
	ELSE 'text' END $$;

-- printf('%.Nf', X) and printf('%d', X), the formats the tests use
CREATE FUNCTION printf(fmt text, x numeric) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN fmt ~ '^%\.[0-9]f$' THEN round(x, substr(fmt, 3, 1)::int)::text
	WHEN fmt = '%d' THEN trunc(x)::bigint::text END $$;
CREATE FUNCTION printf(fmt text, x double precision) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT sqlite_compat.printf(fmt, x::numeric) $$;

-- sync_ids(): every identity sequence of the current schema to the
-- highest id of its table, as after rows a fixture inserted with ids
-- (SQLite takes max + 1 by itself)
CREATE FUNCTION sync_ids() RETURNS void LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
	FOR r IN SELECT c.table_name, c.column_name FROM information_schema.columns c
		WHERE c.table_schema = current_schema() AND c.is_identity = 'YES'
	LOOP
		EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), coalesce(max(%I), 0) + 1, false) FROM %I',
			r.table_name, r.column_name, r.column_name, r.table_name);
	END LOOP;
END $$;
