-- pg/show.sql: bench/pointquery.c's one query for psql (PostgreSQL): the
-- lead :id with its owner's login, a header and the row.
\set ON_ERROR_STOP on
\pset format unaligned
\pset fieldsep '\t'
\pset footer off
SELECT l.*, u.login AS owner FROM leads l LEFT JOIN users u ON u.id = l.owner_id WHERE l.id = :id;
