#!/usr/bin/env bats
# Who you are (SPEC §4 "Identity"): the Unix login when a crm user has it,
# else CRM_USER, else the Unix login; --as someone else only for an admin;
# the audit names both.  And a database shared by a Unix group with crm
# init --group.  The tests with real Unix users need root; they skip
# otherwise.

load helper

# One test at a time under bats --jobs: the tests add and remove Unix
# users and groups, and /etc/passwd and /etc/group take one writer at a time.
setup_file() { export BATS_NO_PARALLELIZE_WITHIN_FILE=true; }

snapshot() { db_query "SELECT * FROM users; SELECT * FROM leads; SELECT count(*) FROM audit"; }

# Unix users and a group with names of this run only, removed in teardown.
need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to create Unix users"
	command -v useradd >/dev/null && command -v runuser >/dev/null || skip "needs useradd and runuser"
	ID=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
	GRP=crmg$ID UA=crma$ID UB=crmb$ID
	groupadd "$GRP"
	MADE_GROUP=1
	useradd -M -N -g "$GRP" "$UA"	# the group is A's primary group
	MADE_A=1
	useradd -M -N -G "$GRP" "$UB"	# and one of B's other groups
	MADE_B=1
	# somewhere both can reach: the test's own directory is root's alone
	BASE=$(mktemp -d /tmp/crm-identity.XXXXXX)
	chmod 755 "$BASE"
}

teardown() {
	[ -z "${MADE_A:-}" ] || userdel "$UA"
	[ -z "${MADE_B:-}" ] || userdel "$UB"
	[ -z "${MADE_GROUP:-}" ] || groupdel "$GRP"
	[ -z "${BASE:-}" ] || rm -rf "$BASE"
}

# as USER CMD...: run CMD as the Unix user with umask 077 and a clean
# environment (CRM_DB and CRM_NOW, plus any VAR=value given before CMD).
as() {
	local u=$1
	shift
	runuser -u "$u" -- env -i PATH="$PATH" HOME="$BASE" XDG_CONFIG_HOME="$BASE/config" \
		LC_ALL=C.UTF-8 TZ=Asia/Shanghai CRM_DB="$CRM_DB" CRM_NOW="$CRM_NOW" \
		sh -c 'umask 077; exec env "$@"' sh "$@"
}

modes() {	# mode and group of each of the database's files and its directory
	stat -c '%a %G %n' "$(dirname "$CRM_DB")" "$CRM_DB" "$CRM_DB-wal" "$CRM_DB-shm" |
		sed "s|$BASE/||"
}

@test "CRM_USER names who you are when your Unix login is no crm user; --as is for admins" {
	crm-user add --login boss --name Boss --role admin >/dev/null
	export CRM_USER=boss
	crm-user add --login rep --name Rep >/dev/null
	crm-user add --login rep2 --name 'Rep Two' >/dev/null
	CRM_USER=rep crm-lead add --name 张伟 -q
	before=$(snapshot)
	CRM_USER=rep must_fail 77 crm-lead add --name x --as boss
	assert_output "crm-lead: permission denied: 'rep' may not act as 'boss' (only an admin may use --as)"
	CRM_USER=rep must_fail 77 crm-lead list --as rep2
	CRM_USER=rep must_fail 77 crm-user add --login evil --name Evil --role admin --as boss
	CRM_USER=nobody must_fail 77 crm-lead list --as rep
	assert_output "crm-lead: unknown user 'nobody' (from CRM_USER)"
	[ "$(snapshot)" = "$before" ]
	# --as oneself is no change
	CRM_USER=rep run crm-lead list -H --fields name --as rep
	assert_output 张伟
	# an admin acts as a rep: the rep's rights, and the audit names both
	run crm-lead add --name 李娜 --owner rep2 --as rep
	assert_failure 77
	crm-lead add --name 李娜 -q --as rep
	run db_query "SELECT actor, real_actor, tool FROM audit WHERE entity = 'lead' GROUP BY actor, real_actor, tool ORDER BY min(id)"
	assert_output "rep|rep|crm-lead
rep|boss|crm-lead"
	must_fail 77 crm-lead list --as ghost
	assert_output "crm-lead: unknown user 'ghost' (from --as)"
	run crm check
	assert_line "audit	ok"
}

@test "with no users (single-user mode) anyone may use --as, and the audit names both" {
	crm-lead add --name 张伟 -q --as helper
	run db_query "SELECT DISTINCT actor, real_actor FROM audit"
	assert_output "helper|tester"
}

@test "LOGNAME and USER do not say who you are" {
	crm-user add --login boss --name Boss --role admin >/dev/null
	unset CRM_USER
	LOGNAME=boss USER=boss must_fail 77 crm-user add --login x --name X
	assert_output "crm-user: unknown user '$(id -un)' (your Unix login; set CRM_USER)"
}

@test "a rep whose Unix login is a crm user cannot be anyone else, by CRM_USER, --as or LOGNAME" {
	need_root
	# the rep's own database: the file's permissions are not what is tested
	mkdir "$BASE/rep"
	export CRM_DB=$BASE/rep/crm.db
	crm init -q
	crm-user add --login boss --name Boss --role admin >/dev/null
	export CRM_USER=boss
	crm-user add --login "$UA" --name Rep >/dev/null
	chown -R "$UA" "$BASE/rep"
	before=$(snapshot)
	run as "$UA" CRM_USER=boss crm-lead add --name x
	assert_failure 77
	assert_output "crm-lead: permission denied: CRM_USER 'boss' is not your login '$UA'"
	run as "$UA" crm-lead add --name x --as boss
	assert_failure 77
	assert_output "crm-lead: permission denied: '$UA' may not act as 'boss' (only an admin may use --as)"
	run as "$UA" LOGNAME=boss USER=boss crm-user add --login evil --name Evil --role admin
	assert_failure 77
	assert_output "crm-user: permission denied: only an admin may add users"
	[ "$(snapshot)" = "$before" ]
	# as themselves they work, and own what they add
	run as "$UA" CRM_USER="$UA" crm-lead add --name 张伟 -q
	assert_success
	run as "$UA" crm-lead list -H --fields name,owner
	assert_output "张伟	$UA"
	# an admin acting as the rep: both in the audit
	crm-lead add --name 李娜 -q --as "$UA"
	run db_query "SELECT actor, real_actor FROM audit WHERE entity = 'lead' AND field = 'name' ORDER BY id"
	assert_output "$UA|$UA
$UA|boss"
	# deactivated, the rep does not fall back to CRM_USER
	crm-user deactivate "$UA"
	run as "$UA" CRM_USER=boss crm-lead list
	assert_failure 77
	assert_output "crm-lead: user '$UA' is deactivated"
}

@test "crm init --group=GROUP: two members of the group, each with umask 077, write and read" {
	need_root
	export CRM_DB=$BASE/team/crm.db
	(umask 077 && crm init -q --group="$GRP")
	assert_equal "$(modes)" "2770 $GRP team
660 $GRP team/crm.db
660 $GRP team/crm.db-wal
660 $GRP team/crm.db-shm"
	# A starts (no users yet: single-user mode), makes themself the admin and adds B
	run as "$UA" crm-user add --login "$UA" --name A --role admin -q
	assert_success
	run as "$UA" crm-user add --login "$UB" --name B -q
	assert_success
	run as "$UB" crm-lead add --name 张伟 -q
	assert_success
	run as "$UA" crm-lead add --name 李娜 --owner "$UB" -q
	assert_success
	run as "$UB" crm-lead list -H --fields name,owner
	assert_output "张伟	$UB
李娜	$UB"
	run as "$UA" crm check -q
	assert_success
	# their commands did not narrow the modes; files made again take them too
	assert_equal "$(modes)" "2770 $GRP team
660 $GRP team/crm.db
660 $GRP team/crm.db-wal
660 $GRP team/crm.db-shm"
	rm "$CRM_DB-wal" "$CRM_DB-shm"
	run as "$UB" crm-lead list -H --fields id
	assert_output "1
2"
	assert_equal "$(modes)" "2770 $GRP team
660 $GRP team/crm.db
660 $GRP team/crm.db-wal
660 $GRP team/crm.db-shm"
	# someone outside the group cannot open it at all
	run runuser -u nobody -- env CRM_DB="$CRM_DB" "$(command -v crm-lead)" list
	assert_failure
}

@test "crm init --group without a name takes the directory's group; a later --group shares an existing database" {
	need_root
	mkdir -m 2770 "$BASE/shared"
	chgrp "$GRP" "$BASE/shared"
	export CRM_DB=$BASE/shared/crm.db
	run as "$UA" crm init --group
	assert_success
	assert_output "$CRM_DB	schema version $(crm version | sed 's/.*schema version \([0-9]*\).*/\1/')"
	assert_equal "$(modes)" "2770 $GRP shared
660 $GRP shared/crm.db
660 $GRP shared/crm.db-wal
660 $GRP shared/crm.db-shm"
	run as "$UB" crm-lead add --name 张伟 -q
	assert_success
	# a private database made shared later; its directory is not the group's
	export CRM_DB=$BASE/own/crm.db
	crm init -q
	[ "$(stat -c %a "$CRM_DB-shm")" = 600 ]
	chmod 755 "$BASE/own"
	run crm init -q --group="$GRP"
	assert_success
	assert_output "crm: warning: directory '$BASE/own' is not setgid and writable for group '$GRP': members cannot recreate the -wal and -shm files (chgrp and chmod 2770 it)"
	assert_equal "$(modes)" "755 root own
660 $GRP own/crm.db
660 $GRP own/crm.db-wal
660 $GRP own/crm.db-shm"
	run as "$UB" crm-lead list -H
	assert_success
}

@test "crm init --group with an unknown group is 64 and makes nothing" {
	must_fail 64 crm init --group=no-such-group-here -d "$BATS_TEST_TMPDIR/g/crm.db"
	assert_output "crm: unknown group 'no-such-group-here'"
	[ ! -e g ]
}
