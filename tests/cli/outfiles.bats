#!/usr/bin/env bats
# Reject files (--reject FILE) of every importer: never the database, its
# -wal or -shm, nor an input; never through a symbolic link or onto a
# directory; an existing file only with --force; never created by a dry
# run, nor by an import that fails.

load helper
bats_require_minimum_version 1.5.0

start() {
	crm init -q
	crm-lead add --name 张伟 --phone 13812345678 -q >/dev/null
	printf 'name,phone\n李娜,13900000001\n王芳,bad\n' >bad.csv
	before=$(fingerprint)
}

@test "--reject at the database, its -wal or -shm: refused (73), with or without --force" {
	skip_on_pg "the database is no file there for a reject file to overwrite"
	start
	for f in "$CRM_DB" "$CRM_DB-wal" "$CRM_DB-shm"; do
		crm-lead list >/dev/null	# the tools keep -wal and -shm; sqlite3 does not
		[ -e "$f" ]
		size=$(stat -c %s "$f")
		must_fail 73 crm-lead import --skip-bad --reject "$f" bad.csv
		case $f in
		*-wal) what="the database's -wal file" ;;
		*-shm) what="the database's -shm file" ;;
		*) what="the database" ;;
		esac
		assert_output "crm-lead: --reject '$f': refusing to overwrite $what"
		must_fail 73 crm-lead import --skip-bad --force --reject "$f" bad.csv
		assert_output "crm-lead: --reject '$f': refusing to overwrite $what"
		[ "$(stat -c %s "$f")" -eq "$size" ]
		intact
	done
	# by another name: a relative path, and a directory symlink
	ln -s . here
	must_fail 73 crm-lead import --skip-bad --force --reject here/crm.db bad.csv
	assert_output "crm-lead: --reject 'here/crm.db': refusing to overwrite the database"
	# a -wal that does not exist yet is refused by name
	rm -f "$CRM_DB-wal"
	must_fail 73 crm-lead import --skip-bad --reject "$CRM_DB-wal" bad.csv
	[ ! -e "$CRM_DB-wal" ] || [ ! -s "$CRM_DB-wal" ]
	intact
}

@test "--reject at the database from every importer: refused before anything is read" {
	skip_on_pg "the database is no file there for a reject file to overwrite"
	start
	crm-user add --login boss --name Boss --role admin >/dev/null
	export CRM_USER=boss
	before=$(fingerprint)
	printf 'name\nAcme\n' >in.csv
	printf 'source\tperiod\tamount\nweb\t2026-01\t1\n' >in.tsv
	for cmd in "crm-account import" "crm-contact import" "crm-stage import" \
		"crm-roi cost import" "crm-user import"; do
		in=in.csv
		[ "$cmd" != "crm-roi cost import" ] || in=in.tsv
		must_fail 73 $cmd --skip-bad --reject "$CRM_DB" $in
		assert_output "${cmd%% *}: --reject '$CRM_DB': refusing to overwrite the database"
		intact
	done
}

@test "--reject at an input file: refused, the input untouched" {
	start
	cp bad.csv orig.csv
	must_fail 73 crm-lead import --skip-bad --reject bad.csv bad.csv
	assert_output "crm-lead: --reject 'bad.csv': refusing to overwrite an input file"
	must_fail 73 crm-lead import --skip-bad --force --reject ./bad.csv other.csv bad.csv
	assert_output "crm-lead: --reject './bad.csv': refusing to overwrite an input file"
	# standard input redirected from the file
	must_fail 73 crm-lead import --skip-bad --force --reject bad.csv - <bad.csv
	assert_output "crm-lead: --reject 'bad.csv': refusing to overwrite the standard input"
	cmp bad.csv orig.csv
	intact
}

@test "--reject through a symbolic link (to a file or dangling) or at a directory: refused" {
	start
	echo keep >target.txt
	ln -s target.txt link
	ln -s nowhere.txt dangling
	for f in link dangling; do
		must_fail 73 crm-lead import --skip-bad --reject $f bad.csv
		assert_output "crm-lead: --reject '$f': is a symbolic link; refusing to follow it"
		must_fail 73 crm-lead import --skip-bad --force --reject $f bad.csv
		assert_output "crm-lead: --reject '$f': is a symbolic link; refusing to follow it"
	done
	[ "$(cat target.txt)" = keep ]
	[ ! -e nowhere.txt ]
	mkdir dir
	must_fail 73 crm-lead import --skip-bad --force --reject dir bad.csv
	assert_output "crm-lead: --reject 'dir': is a directory"
	must_fail 73 crm-lead import --skip-bad --force --reject /dev/null bad.csv
	assert_output "crm-lead: --reject '/dev/null': not a regular file"
	must_fail 64 crm-lead import --skip-bad --reject '' bad.csv
	assert_output "crm-lead: --reject: empty file name
Try 'crm-lead --help'."
	intact
}

@test "--reject at an existing file: refused and untouched; --force replaces it" {
	start
	echo old >rej.csv
	must_fail 73 crm-lead import --skip-bad --reject rej.csv bad.csv
	assert_output "crm-lead: --reject 'rej.csv': file exists (use --force to replace it)"
	[ "$(cat rej.csv)" = old ]
	intact
	run --separate-stderr crm-lead import --skip-bad --force --reject rej.csv bad.csv
	assert_success
	assert_equal "$stderr" "crm-lead: imported 1, duplicates 0, rejected 1"
	assert_equal "$(tr -d '\r' <rej.csv)" "name,phone,error
王芳,bad,invalid phone 'bad'"
	# a new file is created mode 0600: it holds rows of personal data
	rm rej.csv
	printf 'name,phone\n赵六,bad\n' >bad2.csv
	run crm-lead import -q --skip-bad --reject rej.csv bad2.csv
	assert_success
	[ "$(stat -c %a rej.csv)" = 600 ]
	# --force alone names no file to replace: a usage error, nothing imported
	must_fail 64 crm-lead import --skip-bad --force bad2.csv
	assert_output "crm-lead: --force goes with --reject
Try 'crm-lead --help'."
	must_fail 64 crm-account import --force bad2.csv
	assert_line "crm-account: --force goes with --reject"
}

@test "a dry run creates no reject file: the rejected rows go to stderr" {
	start
	run --separate-stderr crm-lead import -n --skip-bad --reject rej.csv bad.csv
	assert_success
	assert_equal "$(tr -d '\r' <<<"$stderr")" "name,phone,error
王芳,bad,invalid phone 'bad'
crm-lead: would import 1, duplicates 0, rejected 1"
	[ ! -e rej.csv ]
	# the target is still checked
	must_fail 73 crm-lead import -n --skip-bad --reject "$CRM_DB" bad.csv
	intact
}

@test "an import that fails creates no reject file" {
	start
	must_fail 66 crm-lead import --skip-bad --reject rej.csv missing.csv
	assert_output "crm-lead: missing.csv: No such file or directory"
	[ ! -e rej.csv ]
	# a bad row in the first file, the second file missing: nothing at all
	must_fail 66 crm-lead import --skip-bad --reject rej.csv bad.csv missing.csv
	[ ! -e rej.csv ]
	intact
	printf 'name\nAcme\n' >in.csv
	must_fail 66 crm-account import --skip-bad --reject rej.csv in.csv missing.csv
	[ ! -e rej.csv ]
	must_fail 66 crm-roi cost import --skip-bad --reject rej.csv missing.csv
	[ ! -e rej.csv ]
	intact
}

@test "a rep gets the same refusals, and a reject file of their own" {
	start
	crm-user add --login boss --name Boss --role admin >/dev/null
	CRM_USER=boss crm-user add --login bob --name Bob --role rep >/dev/null
	export CRM_USER=bob
	before=$(fingerprint)
	if ! on_pg; then	# on PostgreSQL the database is no file to overwrite
		must_fail 73 crm-lead import --skip-bad --reject "$CRM_DB" bad.csv
		assert_output "crm-lead: --reject '$CRM_DB': refusing to overwrite the database"
	fi
	must_fail 73 crm-lead import --skip-bad --reject bad.csv bad.csv
	intact
	run crm-lead import -q --skip-bad --reject rej.csv bad.csv
	assert_success
	[ "$(wc -l <rej.csv)" -eq 2 ]
}
