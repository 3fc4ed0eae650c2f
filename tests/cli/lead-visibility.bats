#!/usr/bin/env bats
# crm-lead and roles: a rep sees and changes only their own leads, a manager
# their team's, an admin all; the pool is seen by all and changed by
# managers and admins.  A refused change exits 77 and changes nothing.

load helper

# Teams east (manager mia, rep rob) and west (rep wes); admin ada.
# Leads: 1 rob's, 2 wes's, 3 the pool's, 4 mia's, 5 rob's (a duplicate of 2).
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
	crm-lead add --name 韦斯2 --phone 13800000002 --owner rob >/dev/null
	unset CRM_USER
}

ids() { crm-lead list -H --fields id "$@" | tr '\n' ' '; }
snapshot() { db_query "SELECT * FROM leads; SELECT count(*) FROM audit"; }

@test "list shows a rep their own and the pool, a manager their team's, an admin all" {
	setup_people
	[ "$(CRM_USER=ada ids)" = "1 2 3 4 5 " ]
	[ "$(CRM_USER=mia ids)" = "1 3 4 5 " ]
	[ "$(CRM_USER=rob ids)" = "1 3 5 " ]
	[ "$(CRM_USER=wes ids)" = "2 3 " ]
	[ "$(CRM_USER=mia ids --owner rob)" = "1 5 " ]
	[ "$(CRM_USER=wes ids --unassigned)" = "3 " ]
	# another rep's leads asked for by name: refused, not an empty list
	CRM_USER=rob must_fail 77 crm-lead list --owner wes
	assert_output "crm-lead: permission denied: user 'wes' is not visible to 'rob'"
	CRM_USER=nobody must_fail 77 crm-lead list
	assert_output "crm-lead: unknown user 'nobody' (from CRM_USER)"
}

@test "show: a lead out of sight is refused with 77" {
	setup_people
	CRM_USER=rob must_fail 77 crm-lead show 2
	assert_output "crm-lead: permission denied: lead 2 is not visible to 'rob'"
	CRM_USER=rob run crm-lead show 3
	assert_success
	CRM_USER=mia run crm-lead show 1
	assert_success
	CRM_USER=wes must_fail 77 crm-lead show 4
}

@test "update, tag, untag, disqualify, forget, merge: refused changes are 77 and change nothing" {
	setup_people
	before=$(snapshot)
	for cmd in "update 2 --city x" "tag 2 vip" "untag 2 vip" "disqualify 2 --reason no" \
		   "forget 2" "merge 1 2" "merge 2 1" "update 3 --city x" "tag 3 vip" \
		   "update 1 --owner wes" "update 1 --owner="; do
		# shellcheck disable=SC2086
		CRM_USER=rob must_fail 77 crm-lead $cmd
	done
	CRM_USER=mia must_fail 77 crm-lead update 2 --city x
	CRM_USER=mia must_fail 77 crm-lead update 1 --owner wes
	CRM_USER=wes must_fail 77 crm-lead forget 4
	# the bulk path is held to the same rules
	must_fail 77 bash -c "printf 'id\tcity\n1\tx\n2\ty\n' | CRM_USER=rob crm-lead update"
	assert_output "crm-lead: permission denied: lead 2 is not visible to 'rob'"
	[ "$(snapshot)" = "$before" ]
}

@test "the allowed changes go through for each role" {
	setup_people
	CRM_USER=rob crm-lead update 1 --city 杭州
	CRM_USER=rob crm-lead tag 5 mine
	CRM_USER=mia crm-lead update 3 --owner rob	# a manager hands out a pool lead
	CRM_USER=mia crm-lead update 1 --heat hot
	CRM_USER=ada crm-lead update 2 --owner mia
	run db_query "SELECT l.id, coalesce(l.city, ''), coalesce(l.heat, ''), coalesce(l.tags, ''),
		u.login, l.assigned_at FROM leads l JOIN users u ON u.id = l.owner_id WHERE l.id IN (1, 2, 3, 5) ORDER BY l.id"
	assert_output "1|杭州|hot||rob|2026-03-02T09:00:00Z
2||||mia|2026-03-02T09:00:00Z
3||||rob|2026-03-02T09:00:00Z
5|||mine|rob|2026-03-02T09:00:00Z"
	run db_query "SELECT actor, field, coalesce(old_value, ''), new_value FROM audit
		WHERE action != 'create' ORDER BY id"
	assert_output "rob|city||杭州
rob|tags||mine
mia|owner||rob
mia|heat||hot
ada|owner|wes|mia"
}

@test "a rep's new lead is their own; a rep cannot give one to someone else" {
	setup_people
	CRM_USER=rob run crm-lead add --name 新客户 -H
	assert_success
	assert_output --regexp "^6	新客户	.*	rob	2026-03-02T09:00:00Z$"
	CRM_USER=rob must_fail 77 crm-lead add --name x --owner wes
	assert_output "crm-lead: permission denied: 'rob' may not change leads of 'wes'"
	CRM_USER=mia run crm-lead add --name y --owner rob -H
	assert_success
}

@test "dupes only pairs leads the actor can see" {
	setup_people
	CRM_USER=ada run crm-lead dupes -H
	assert_output "1	2	韦斯		13800000002		phone
1	5	韦斯2		13800000002		phone"
	CRM_USER=rob run crm-lead dupes -H
	assert_output ""
	CRM_USER=wes run crm-lead dupes -H
	assert_output ""
}
