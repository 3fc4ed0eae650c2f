#!/usr/bin/env bats
# Nothing leaked: what a rep or a manager may not see never shows in a
# message, a filter naming it is refused (77) rather than answered with an
# empty list, reports answer only what they can answer honestly for the
# actor, and merge and forget, which cannot be undone, need a manager.

bats_require_minimum_version 1.5.0
load helper

# Teams east (manager mia, rep rob) and west (rep wes); admin ada.
# Leads: 1 rob's, 2 wes's, 3 the pool's, 4 mia's.
# Accounts: 1 甲公司 wes's, 2 乙公司 rob's; contacts: 1 张三 wes's at 1.
setup_people() {
	crm-user add --login ada --name Ada --role admin >/dev/null
	export CRM_USER=ada
	crm-user team add east
	crm-user team add west
	crm-user add --login mia --name Mia --role manager --team east >/dev/null
	crm-user add --login rob --name Rob --team east >/dev/null
	crm-user add --login wes --name Wes --team west >/dev/null
	crm-lead add --name 罗伯 --phone 13800000001 --owner rob >/dev/null
	crm-lead add --name 韦斯 --phone 13800000002 --owner wes >/dev/null
	crm-lead add --name 公海 --phone 13800000003 >/dev/null
	crm-lead add --name 米娅 --phone 13800000004 --owner mia >/dev/null
	crm-account add --name 甲公司 --owner wes >/dev/null
	crm-account add --name 乙公司 --owner rob >/dev/null
	crm-contact add --name 张三 --phone 13900000001 --account 1 --owner wes >/dev/null
	unset CRM_USER
}


@test "lead import: a duplicate out of sight is named without its id or owner" {
	setup_people
	printf 'name,phone\nA,13800000001\nB,13800000002\nC,13800000003\n' >l.csv
	CRM_USER=rob run --separate-stderr crm-lead import l.csv -H
	assert_success
	assert_output ""
	[ "$stderr" = "crm-lead: l.csv:2: duplicate of lead 1 (same phone), skipped
crm-lead: l.csv:3: duplicate of a lead owned by someone else (same phone), skipped
crm-lead: l.csv:4: duplicate of lead 3 (same phone), skipped
crm-lead: imported 0, duplicates 3, rejected 0" ]
	CRM_USER=rob must_fail 65 crm-lead import --on-duplicate error l.csv
	assert_output "crm-lead: l.csv:2: duplicate of lead 1 (same phone)
crm-lead: l.csv:3: duplicate of a lead owned by someone else (same phone)
crm-lead: l.csv:4: duplicate of lead 3 (same phone)
crm-lead: 3 duplicates, nothing imported"
	# merging into a lead out of sight is refused and writes nothing
	before=$(fingerprint)
	CRM_USER=rob must_fail 77 crm-lead import --on-duplicate update l.csv
	assert_output "crm-lead: l.csv:2: duplicate of lead 1 (same phone), merged
crm-lead: l.csv:3: permission denied: duplicate of a lead owned by someone else (same phone)"
	[ "$(fingerprint)" = "$before" ]
	# a manager sees their team's leads, not the other team's
	printf 'name,phone\nD,13800000001\nE,13800000002\n' >m.csv
	CRM_USER=mia run --separate-stderr crm-lead import m.csv
	[ "$stderr" = "crm-lead: m.csv:2: duplicate of lead 1 (same phone), skipped
crm-lead: m.csv:3: duplicate of a lead owned by someone else (same phone), skipped
crm-lead: imported 0, duplicates 2, rejected 0" ]
	# whoever may see it is told which lead it is
	CRM_USER=ada run --separate-stderr crm-lead import l.csv
	[ "$(echo "$stderr" | sed -n 2p)" = "crm-lead: l.csv:3: duplicate of lead 2 (same phone), skipped" ]
}

@test "account and contact import: duplicates and accounts out of sight, no id or owner" {
	setup_people
	printf 'name\n甲公司\n乙公司\n' >a.tsv
	CRM_USER=rob run --separate-stderr crm-account import a.tsv
	assert_success
	# the printed ids leave out the one the rep may not see
	assert_output "id	status
	duplicate
2	duplicate"
	[ "$stderr" = "crm-account: a.tsv:2: duplicate of an account owned by someone else (same name), skipped
crm-account: a.tsv:3: duplicate of account 2 (same name), skipped
crm-account: imported 0, duplicates 2, rejected 0" ]
	CRM_USER=rob must_fail 65 crm-account import --on-duplicate error a.tsv
	assert_output "crm-account: a.tsv:2: duplicate of an account owned by someone else (same name)
crm-account: a.tsv:3: duplicate of account 2 (same name)
crm-account: 2 bad rows, nothing imported"
	before=$(fingerprint)
	CRM_USER=rob must_fail 77 crm-account import --on-duplicate update a.tsv
	assert_output "crm-account: a.tsv:2: permission denied: duplicate of an account owned by someone else (same name)"
	[ "$(fingerprint)" = "$before" ]
	printf 'name\tphone\taccount\n李四\t13900000001\t\n王五\t13900000005\t甲公司\n' >c.tsv
	CRM_USER=rob must_fail 65 crm-contact import c.tsv
	assert_output "crm-contact: c.tsv:2: duplicate of a contact owned by someone else (same phone), skipped
crm-contact: c.tsv:3: account '甲公司' is owned by someone else
crm-contact: 1 bad row, nothing imported"
	[ "$(fingerprint)" = "$before" ]
	CRM_USER=ada run --separate-stderr crm-contact import c.tsv
	assert_success
	[ "$(echo "$stderr" | head -n 1)" = "crm-contact: c.tsv:2: duplicate of contact 1 (same phone), skipped" ]
}

@test "deal import: a duplicate external id out of sight is not named" {
	setup_people
	printf 'external_id\ttitle\tamount\nX-1\t大单\t100\n' >d.tsv
	CRM_USER=wes crm-stage import d.tsv >/dev/null 2>&1
	CRM_USER=rob run --separate-stderr crm-stage import d.tsv
	assert_success
	assert_output "id	status
	duplicate"
	[ "$(echo "$stderr" | head -n 1)" = "crm-stage: d.tsv:2: duplicate of a deal owned by someone else (same external id 'X-1'), skipped" ]
	CRM_USER=ada run --separate-stderr crm-stage import d.tsv
	assert_output "id	status
1	duplicate"
	[ "$(echo "$stderr" | head -n 1)" = "crm-stage: d.tsv:2: duplicate of deal 1 (same external id 'X-1'), skipped" ]
}

@test "claim: the owner is named only to who may see them" {
	setup_people
	CRM_USER=rob must_fail 65 crm-lead claim 2
	assert_output "crm-lead: lead 2 is not in the pool: it belongs to someone else"
	CRM_USER=mia must_fail 65 crm-lead claim 2
	assert_output "crm-lead: lead 2 is not in the pool: it belongs to someone else"
	CRM_USER=mia must_fail 65 crm-lead claim 1
	assert_output "crm-lead: lead 1 is not in the pool: it belongs to 'rob'"
	CRM_USER=ada must_fail 65 crm-lead claim 2
	assert_output "crm-lead: lead 2 is not in the pool: it belongs to 'wes'"
}

@test "log and task lists: a subject out of sight is 77, a missing one 1" {
	setup_people
	CRM_USER=wes crm-log add --lead 2 --kind call "wes calls" >/dev/null
	CRM_USER=wes crm-task add --lead 2 --title "call back" --due 3d >/dev/null
	for subject in "--lead 2" "--account 1" "--contact 1"; do
		# shellcheck disable=SC2086
		CRM_USER=rob must_fail 77 crm-log list $subject
		# shellcheck disable=SC2086
		CRM_USER=rob must_fail 77 crm-task list $subject
	done
	CRM_USER=rob must_fail 77 crm-log list --lead 2
	assert_output "crm-log: permission denied: lead 2 is not visible to 'rob'"
	CRM_USER=mia must_fail 77 crm-log list --account 1
	assert_output "crm-log: permission denied: account 1 is not visible to 'mia'"
	CRM_USER=rob must_fail 77 crm-task list --lead 2
	assert_output "crm-task: permission denied: lead 2 is not visible to 'rob'"
	CRM_USER=rob must_fail 1 crm-log list --lead 99
	assert_output "crm-log: lead 99 not found"
	CRM_USER=rob must_fail 1 crm-task list --contact 99
	assert_output "crm-task: contact 99 not found"
	# what the actor may see is listed as before
	CRM_USER=wes run crm-log list --lead 2 -H
	assert_output --regexp "	lead	2	韦斯	call	wes calls		wes$"
	CRM_USER=wes run crm-task list --lead 2 -H
	assert_output --regexp "	wes	lead	2	韦斯	call back	open	$"
	CRM_USER=rob run crm-log list --lead 3 -H
	assert_success
	assert_output ""
}

@test "log and task lists: an unowned account is the managers', not a rep's, like show" {
	setup_people
	CRM_USER=ada crm-account add --name 丙公司 >/dev/null
	CRM_USER=rob must_fail 77 crm-account show 3
	CRM_USER=rob must_fail 77 crm-log list --account 3
	assert_output "crm-log: permission denied: account 3 is not visible to 'rob'"
	CRM_USER=rob must_fail 77 crm-task list --account 3
	assert_output "crm-task: permission denied: account 3 is not visible to 'rob'"
	CRM_USER=mia run crm-log list --account 3 -H
	assert_success
	assert_output ""
	# the pool's leads stay everyone's
	CRM_USER=rob run crm-task list --lead 3 -H
	assert_success
}

@test "--owner and --team naming what is out of sight: 77, not an empty list" {
	setup_people
	check() {
		must_fail 77 "$@"
		assert_output --regexp "^crm-[a-z]+: permission denied: (user 'wes'|team 'west') is not visible to '(rob|mia)'$"
	}
	for who in rob mia; do
		CRM_USER=$who check crm-lead list --owner wes
		CRM_USER=$who check crm-account list --owner wes
		CRM_USER=$who check crm-contact list --owner wes
		CRM_USER=$who check crm-stage list --owner wes
		CRM_USER=$who check crm-stage list --team west
		CRM_USER=$who check crm-log list --owner wes
		CRM_USER=$who check crm-task list --owner wes
		for r in funnel forecast kpi leaderboard lost activity rfm cycle accuracy; do
			CRM_USER=$who check crm-report $r --owner wes
			CRM_USER=$who check crm-report $r --team west
		done
	done
	CRM_USER=mia must_fail 77 crm-report forecast --team west
	assert_output "crm-report: permission denied: team 'west' is not visible to 'mia'"
	CRM_USER=rob must_fail 65 crm-report forecast --team north
	assert_output "crm-report: unknown team 'north'"
	# one's own team and those one may see are fine
	CRM_USER=rob run crm-report forecast --team east
	assert_success
	CRM_USER=mia run crm-lead list --owner rob -H --fields id
	assert_output "1"
	CRM_USER=ada run crm-stage list --team west -H
	assert_success
}

@test "accuracy by team: a rep's forecast is set against their own won deals" {
	setup_people
	export CRM_USER=ada
	crm-stage add --title 罗伯单 --amount 1000 --owner rob --close-date 2026-03-20 -q
	crm-stage add --title 米娅单 --amount 5000 --owner mia --close-date 2026-03-20 -q
	crm-report forecast --snapshot -q >/dev/null
	crm-stage won 2 -q >/dev/null
	unset CRM_USER
	# rob's snapshot: 1000 at 10% = 100.00; rob won nothing (mia's 5000 is not his)
	CRM_USER=rob run crm-report accuracy --by team -H
	assert_success
	assert_line --index 0 --regexp "^east	2026-03	[^	]+	100\.00	0\.00	"
	CRM_USER=mia run crm-report accuracy --by team -H
	assert_line --index 0 --regexp "^east	2026-03	[^	]+	600\.00	5000\.00	"
}

@test "rfm: the name of an account out of sight is left out" {
	setup_people
	export CRM_USER=ada
	crm-stage add --title 单 --amount 300 --owner rob --account 1 -q
	crm-stage won 1 -q >/dev/null
	unset CRM_USER
	CRM_USER=rob run crm-report rfm -H
	assert_success
	[ "$(echo "$output" | cut -f1,2)" = "1	" ]
	CRM_USER=ada run crm-report rfm -H
	[ "$(echo "$output" | cut -f1,2)" = "1	甲公司" ]
}

@test "merge and forget need a manager or an admin unless the config lets reps" {
	setup_people
	export CRM_USER=ada
	crm-lead add --name 罗伯2 --phone 13800000001 --owner rob >/dev/null
	crm-account add --name 乙公司2 --owner rob >/dev/null
	crm-contact add --name 李四 --owner rob >/dev/null
	crm-contact add --name 李四2 --owner rob >/dev/null
	unset CRM_USER
	before=$(fingerprint)
	CRM_USER=rob must_fail 77 crm-lead merge 1 5
	assert_output "crm-lead: permission denied: only a manager or an admin may merge leads"
	CRM_USER=rob must_fail 77 crm-lead forget 1
	assert_output "crm-lead: permission denied: only a manager or an admin may forget leads"
	CRM_USER=rob must_fail 77 crm-account merge 2 3
	assert_output "crm-account: permission denied: only a manager or an admin may merge accounts"
	CRM_USER=rob must_fail 77 crm-account forget 2
	assert_output "crm-account: permission denied: only a manager or an admin may forget accounts"
	CRM_USER=rob must_fail 77 crm-contact merge 2 3
	assert_output "crm-contact: permission denied: only a manager or an admin may merge contacts"
	CRM_USER=rob must_fail 77 crm-contact forget 2
	assert_output "crm-contact: permission denied: only a manager or an admin may forget contacts"
	[ "$(fingerprint)" = "$before" ]
	# the config may let reps do either, each on its own
	printf 'permissions:\n  rep_merge: true\n' >crm.yaml
	export CRM_CONFIG=crm.yaml
	CRM_USER=rob run crm-lead merge 1 5 -q
	assert_success
	CRM_USER=rob must_fail 77 crm-lead forget 1
	printf 'permissions:\n  rep_forget: yes\n' >crm.yaml
	# on PostgreSQL only admins forget (row-level security hides the person's other records)
	if on_pg; then
		CRM_USER=rob must_fail 77 crm-contact forget 3 -q
	else
		CRM_USER=rob run crm-contact forget 3 -q
		assert_success
	fi
	CRM_USER=rob must_fail 77 crm-account merge 2 3
	unset CRM_CONFIG
	# a manager merges and forgets their team's records
	CRM_USER=mia run crm-account merge 2 3 -q
	assert_success
	if on_pg; then
		CRM_USER=mia must_fail 77 crm-lead forget 1 -q
	else
		CRM_USER=mia run crm-lead forget 1 -q
		assert_success
	fi
	# and is still held to what they may change
	CRM_USER=mia must_fail 77 crm-lead forget 2
	assert_output "crm-lead: permission denied: lead 2 is not visible to 'mia'"
}

@test "permissions: bad values and keys are configuration errors" {
	printf 'permissions:\n  rep_merge: maybe\n' >crm.yaml
	must_fail 78 crm-lead list -c crm.yaml
	assert_output "crm-lead: crm.yaml:2:14: invalid boolean 'maybe'"
	printf 'permissions:\n  rep_delete: true\n' >crm.yaml
	must_fail 78 crm-lead list -c crm.yaml
	assert_output --partial "crm.yaml:2:3: unknown key 'rep_delete'"
	printf 'permissions: [rep_merge]\n' >crm.yaml
	must_fail 78 crm-lead list -c crm.yaml
}
