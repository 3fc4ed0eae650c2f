#!/usr/bin/env bats
# crm-assign run: rules, round-robin, least-loaded, weights, away, capacity,
# --to, --reassign, -n, --explain, bad input and who may assign.

load helper
bats_require_minimum_version 1.5.0

EAST='上海 江苏 浙江 安徽'

# Teams east (e1..e4, managed by emgr) and west (w1..w3); the admin root acts.
team_setup() {
	crm-user add --login root --name Root --role admin >/dev/null
	export CRM_USER=root
	crm-user add --login emgr --name 'East Boss' --role manager >/dev/null
	crm-user team add east --manager emgr
	crm-user team add west
	for u in e1 e2 e3 e4; do crm-user add --login $u --name $u --team east --manager emgr >/dev/null; done
	for u in w1 w2 w3; do crm-user add --login $u --name $u --team west >/dev/null; done
}

# The eastern regions to team east by round-robin, everything else to west.
rules_config() {
	cat >crm.yaml <<-'EOF'
	assignment:
	  rules:
	    - name: east
	      match: {region: [上海, 江苏, 浙江, 安徽]}
	      team: east
	      method: round-robin
	  default: {team: west, method: least-loaded}
	EOF
	export CRM_CONFIG=crm.yaml
}

# gen_leads N FIRST [REGIONS]: N business cards as TSV, numbered from FIRST,
# regions taken in turn from REGIONS (default: four eastern, three others).
gen_leads() {
	awk -v n="$1" -v s="$2" -v regions="${3:-$EAST 北京 四川 广东}" 'BEGIN {
		k = split(regions, r, " ")
		print "name\tcompany\tregion"
		for (i = s; i < s + n; i++)
			printf "客户%d\t公司%d\t%s\n", i, i, r[i % k + 1]
	}'
}

# import_assign FILE [crm-assign options]: the nightly pipeline.
import_assign() {
	local f=$1
	shift
	crm-lead import -q --source expo-2024 "$f" | crm-assign "$@"
}

# q SQL: run SQL against the test database.
q() { db_query_tsv "$@"; }

# spread: "min max sum" of the counts on stdin (one "login count" a line).
spread() { awk '{ c[$1] = $2; s += $2 } END { mn = -1; for (k in c) { if (mn < 0 || c[k] < mn) mn = c[k]; if (c[k] > mx) mx = c[k] } print mn, mx, s }'; }

team_counts() {	# team: "login count" for each member holding leads
	q "SELECT u.login, count(l.id) FROM users u JOIN teams t ON t.id = u.team_id
	   LEFT JOIN leads l ON l.owner_id = u.id WHERE t.name = '$1'
	   GROUP BY u.id"
}

@test "the expo night: 500 cards by region, first-contact tasks, and the next night goes on" {
	team_setup
	rules_config
	gen_leads 500 1 >night1.tsv
	run --separate-stderr import_assign night1.tsv
	assert_success
	assert_equal "$stderr" ""
	assert_line --index 0 "id	owner	rule"
	assert_equal "${#lines[@]}" 501
	# expected split from the data itself
	east=$(awk -F'\t' -v e="$EAST" 'BEGIN { split(e, a, " "); for (i in a) m[a[i]] = 1 }
		NR > 1 && ($3 in m) { n++ } END { print n }' night1.tsv)
	assert_equal "$(echo "$output" | grep -c '	east: region=.* -> team east round-robin$')" "$east"
	assert_equal "$(echo "$output" | grep -c '	default -> team west least-loaded$')" $((500 - east))
	# every eastern lead went east, every other one west
	assert_equal "$(q "SELECT count(*) FROM leads l JOIN users u ON u.id = l.owner_id
		JOIN teams t ON t.id = u.team_id
		WHERE (l.region IN ('上海','江苏','浙江','安徽')) <> (t.name = 'east')")" 0
	read -r mn mx sum < <(team_counts east | spread)
	assert_equal "$sum" "$east"
	[ $((mx - mn)) -le 1 ]
	read -r mn mx sum < <(team_counts west | spread)
	assert_equal "$sum" $((500 - east))
	[ $((mx - mn)) -le 1 ]
	# each new owner has an open first-contact task due in 3 days
	due=$(date -u -d '2026-03-02 09:00:00 UTC + 3 days' +%Y-%m-%dT%H:%M:%SZ)
	assert_equal "$(q "SELECT count(*) FROM leads l JOIN tasks t ON t.subject_type = 'lead'
		AND t.subject_id = l.id AND t.owner_id = l.owner_id WHERE t.kind = 'first_contact'
		AND t.status = 'open' AND t.due = '$due' AND t.title = 'first contact'")" 500
	run crm-task list --owner e1 -H
	assert_success
	assert_equal "${#lines[@]}" "$(q "SELECT count(*) FROM leads l JOIN users u ON u.id = l.owner_id WHERE u.login = 'e1'")"
	# the second night: 50 more, and east stays even across both nights
	gen_leads 50 501 >night2.tsv
	CRM_NOW=2026-03-03T09:00:00Z run import_assign night2.tsv
	assert_success
	assert_equal "${#lines[@]}" 51
	east2=$(awk -F'\t' -v e="$EAST" 'BEGIN { split(e, a, " "); for (i in a) m[a[i]] = 1 }
		NR > 1 && ($3 in m) { n++ } END { print n }' night2.tsv)
	read -r mn mx sum < <(team_counts east | spread)
	assert_equal "$sum" $((east + east2))
	[ $((mx - mn)) -le 1 ]
	assert_equal "$(q 'SELECT count(*) FROM leads WHERE owner_id IS NULL')" 0
}

@test "round-robin continues tomorrow where tonight stopped" {
	team_setup
	rules_config
	gen_leads 5 1 '上海' >a.tsv
	run import_assign a.tsv -H
	assert_success
	assert_equal "$(echo "$output" | cut -f2 | tr '\n' ' ')" "e1 e2 e3 e4 e1 "
	gen_leads 3 6 '上海' >b.tsv
	CRM_NOW=2026-03-03T09:00:00Z run import_assign b.tsv -H
	assert_equal "$(echo "$output" | cut -f2 | tr '\n' ' ')" "e2 e3 e4 "
}

@test "weights hold over 1,000 assignments: weight 2 gets 2/3 within one lead, spread out" {
	crm-user add --login root --name Root --role admin >/dev/null
	export CRM_USER=root
	crm-user team add east
	crm-user team add west
	crm-user add --login heavy --name Heavy --team east --weight 2 >/dev/null
	crm-user add --login light --name Light --team east >/dev/null
	rules_config
	: >owners
	for night in 0 1 2 3; do
		gen_leads 250 $((night * 250 + 1)) '上海' >n.tsv
		CRM_NOW=2026-03-0$((night + 2))T09:00:00Z import_assign n.tsv -H | cut -f2 >>owners
	done
	assert_equal "$(wc -l <owners)" 1000
	heavy=$(grep -c '^heavy$' owners)
	# 2/3 of 1000 is 666.67: within one lead means 666 or 667
	[ $((3 * heavy - 2000)) -ge -3 ]
	[ $((3 * heavy - 2000)) -le 3 ]
	# smooth: every three consecutive leads give heavy two, across nights too
	run awk 'NR >= 3 && (($0 == "heavy") + (p1 == "heavy") + (p2 == "heavy")) != 2 { bad++ }
		{ p2 = p1; p1 = $0 } END { print bad + 0 }' owners
	assert_output 0
}

@test "a rep away for a week gets nothing that week and is not flooded on return" {
	team_setup
	rules_config
	crm-user update e4 --team west
	crm-user away e3 --until 2026-03-08
	for d in 2 3 4 5 6 7 8; do
		gen_leads 30 $((d * 100)) '上海' >d.tsv
		CRM_NOW=2026-03-0${d}T09:00:00Z import_assign d.tsv >/dev/null
	done
	run team_counts east
	assert_output "e1	105
e2	105
e3	0"
	gen_leads 30 1000 '上海' >back.tsv
	CRM_NOW=2026-03-09T09:00:00Z run import_assign back.tsv -H
	assert_success
	# back on the 9th: an equal third of the night's leads, no catching up
	assert_equal "$(echo "$output" | grep -c '	e3	')" $((30 / 3))
	assert_equal "$(echo "$output" | grep -c '	e1	')" $((30 / 3))
}

@test "away is explained, and a user rule whose user is away leaves the lead in the pool" {
	team_setup
	cat >crm.yaml <<-'EOF'
	assignment:
	  rules:
	    - name: vip
	      match: {company: "大*"}
	      user: w1
	    - name: east
	      match: {region: 上海}
	      team: east
	EOF
	export CRM_CONFIG=crm.yaml
	crm-user away w1 --until 2026-03-04
	crm-user away e1 --until 2026-03-04
	printf 'name\tcompany\tregion\n甲\t大公司\t上海\n乙\t小公司\t上海\n' >l.tsv
	run --separate-stderr import_assign l.tsv --explain
	assert_success
	assert_output "id	owner	rule
1		unassigned: w1 away
2	e2	east: region=上海 -> team east round-robin"
	assert_equal "$stderr" "lead 1 (甲):
  rule 'vip' (line 3): yes, company=大公司
  w1 skipped: away until 2026-03-04
  -> unassigned: w1 away
crm-assign: lead 1: user 'w1' is away until 2026-03-04
lead 2 (乙):
  rule 'vip' (line 3): no, company '小公司' does not match '大*'
  rule 'east' (line 6): yes, region=上海
  e1 skipped: away until 2026-03-04
  -> e2"
}

@test "capacity: a full user is skipped; a full team leaves leads unassigned and says so" {
	team_setup
	cat >crm.yaml <<-'EOF'
	assignment:
	  rules:
	    - name: east
	      match: {region: 上海}
	      team: east
	      capacity: 3
	EOF
	export CRM_CONFIG=crm.yaml
	crm-user update e1 --capacity 2
	crm-user update e3 --team west
	crm-user update e4 --team west
	gen_leads 10 1 '上海' >l.tsv
	run --separate-stderr import_assign l.tsv -H
	assert_success
	# e1 holds 2 (its own cap), e2 3 (the rule's): the other 5 stay unassigned
	assert_equal "$(echo "$output" | cut -f2 | tr '\n' ' ')" "e1 e2 e1 e2 e2      "
	assert_equal "$(echo "$output" | grep -c '		unassigned: team east full$')" 5
	assert_equal "$stderr" "$(for i in 6 7 8 9 10; do echo "crm-assign: lead $i: team 'east' is full"; done)"
	assert_equal "$(q 'SELECT count(*) FROM leads WHERE owner_id IS NULL')" 5
	# -q keeps stderr quiet; the rule column still says why
	run --separate-stderr crm-assign --unassigned -q -H -n
	assert_equal "$stderr" ""
	assert_line --index 0 "6	客户6	上海		unassigned: team east full"
}

@test "inactive users never receive leads" {
	team_setup
	rules_config
	crm-user deactivate e2
	gen_leads 9 1 '上海' >l.tsv
	run import_assign l.tsv -H
	assert_success
	assert_equal "$(echo "$output" | cut -f2 | sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' ')" \
		"e1=3 e3=3 e4=3 "
}

@test "owned leads are kept unless --reassign; --to gives everything to one person" {
	team_setup
	rules_config
	gen_leads 3 1 '上海' >l.tsv
	import_assign l.tsv >/dev/null
	run crm-assign --to w2 <<<"$(printf 'id\tnote\n1\tx\n2\ty\n')"
	assert_success
	assert_output "id	note	owner	rule
1	x	e1	kept: owned by e1
2	y	e2	kept: owned by e2"
	run crm-assign --to w2 --reassign <<<"$(printf 'id\tnote\n1\tx\n')"
	assert_success
	assert_output "id	note	owner	rule
1	x	w2	--to w2"
	run crm-lead show 1
	assert_line "2026-03-02T09:00:00Z	root	crm-assign	assign	owner	e1	w2	"
	# the first-contact task moved with it: e1's closed, w2's open
	assert_equal "$(q "SELECT u.login, t.status FROM tasks t JOIN users u ON u.id = t.owner_id
		WHERE t.subject_id = 1 ORDER BY t.id")" "e1	done
w2	open"
	# an input with an owner column gets it filled in place
	run crm-assign --reassign <<<"$(printf 'owner\tid\nsomeone\t3\n')"
	assert_output "owner	id	rule
e4	3	east: region=上海 -> team east round-robin"
}

@test "--to refuses unknown and deactivated users" {
	team_setup
	rules_config
	gen_leads 1 1 >l.tsv
	crm-lead import -q l.tsv >ids
	must_fail 65 crm-assign --to nobody <ids
	assert_output "crm-assign: unknown user 'nobody'"
	crm-user deactivate e1
	must_fail 65 crm-assign --to e1 <ids
	assert_output "crm-assign: user 'e1' is deactivated"
}

@test "-n prints what would happen and writes nothing" {
	team_setup
	rules_config
	gen_leads 20 1 >l.tsv
	crm-lead import -q l.tsv >/dev/null
	before=$(fingerprint)
	run crm-assign -u -n -H
	assert_success
	assert_equal "${#lines[@]}" 20
	assert_equal "$(echo "$output" | cut -f4 | grep -c .)" 20
	assert_equal "$(fingerprint)" "$before"
	# and the real run does what -n said
	dry=$output
	run crm-assign -u -H
	assert_success
	assert_equal "$output" "$dry"
	assert_equal "$(q 'SELECT count(*) FROM leads WHERE owner_id IS NULL')" 0
}

@test "bad config: unknown team or user in a rule, unknown field, YAML error; nothing written" {
	team_setup
	gen_leads 3 1 >l.tsv
	crm-lead import -q l.tsv >ids
	before=$(fingerprint)
	printf 'assignment:\n  rules:\n    - name: east\n      match: {region: 上海}\n      team: eastt\n    - {name: boss, user: nobody}\n' >crm.yaml
	must_fail 78 crm-assign -c crm.yaml <ids
	assert_output "crm-assign: crm.yaml:3: rule 'east': unknown team 'eastt'
crm-assign: crm.yaml:6: rule 'boss': unknown user 'nobody'"
	printf 'assignment:\n  rules:\n    - name: east\n      match: {regoin: 上海}\n      team: east\n' >crm.yaml
	must_fail 78 crm-assign -c crm.yaml -u
	assert_output "crm-assign: crm.yaml:4:15: unknown lead field 'regoin'"
	: >crm.yaml
	must_fail 78 crm-assign -c crm.yaml -u
	assert_output "crm-assign: no assignment rules in the config: set assignment.rules or use --to"
	printf 'assignment:\n  rules: [\n' >crm.yaml
	must_fail 78 crm-assign -c crm.yaml -u
	assert_output --partial "crm-assign: crm.yaml:"
	assert_equal "$(fingerprint)" "$before"
}

@test "a rule may match custom fields, tags and globs" {
	team_setup
	cat >crm.yaml <<-'EOF'
	custom_fields:
	  lead:
	    - {name: company_size, type: enum, values: [small, large]}
	assignment:
	  rules:
	    - name: big
	      match: {company_size: large}
	      user: w3
	    - name: vip
	      match: {tags: vip}
	      user: w2
	    - name: cars
	      match: {industry: "汽车*"}
	      user: w1
	EOF
	export CRM_CONFIG=crm.yaml
	crm-lead add --name A --set company_size=large >/dev/null
	crm-lead add --name B --tags 'x,vip' >/dev/null
	crm-lead add --name C --industry 汽车配件 >/dev/null
	crm-lead add --name D --industry 机床 >/dev/null
	run --separate-stderr crm-assign -u -H
	assert_success
	assert_output "1	A		w3	big: company_size=large -> user w3
2	B		w2	vip: tags=vip -> user w2
3	C		w1	cars: industry=汽车配件 -> user w1
4	D			unassigned: no rule matches"
	assert_equal "$stderr" "crm-assign: lead 4: no rule matches and there is no default"
}

@test "bad input: ids that do not exist, bad ids, no id column, empty input; nothing written" {
	team_setup
	rules_config
	gen_leads 2 1 >l.tsv
	crm-lead import -q l.tsv >/dev/null
	before=$(fingerprint)
	run --separate-stderr crm-assign <<<"$(printf 'id\n1\n999\nabc\n2\n')"
	assert_equal "$status" 65
	assert_equal "$output" ""
	assert_equal "$stderr" "crm-assign: stdin:3: lead 999 not found
crm-assign: stdin:4: invalid lead id 'abc'"
	must_fail 65 crm-assign <<<"$(printf 'name\nx\n')"
	assert_output "crm-assign: stdin: no 'id' column"
	must_fail 65 crm-assign </dev/null
	assert_output "crm-assign: stdin: empty input"
	must_fail 65 crm-assign <<<"$(printf 'id\tx\n1\n')"
	assert_output "crm-assign: stdin:2: expected 2 fields, got 1"
	assert_equal "$(fingerprint)" "$before"
}

@test "who may assign: not a rep; a manager only within their team" {
	team_setup
	rules_config
	gen_leads 7 1 >l.tsv
	crm-lead import -q l.tsv >ids
	must_fail 77 crm-assign -u --as e1
	assert_output "crm-assign: permission denied: only a manager or an admin may assign leads"
	must_fail 77 crm-assign --to w1 --as emgr <ids
	assert_output "crm-assign: permission denied: 'emgr' may not give leads to 'w1'"
	run --separate-stderr crm-assign -u -H --as emgr
	assert_success
	east=$(awk -F'\t' -v e="$EAST" 'BEGIN { split(e, a, " "); for (i in a) m[a[i]] = 1 }
		NR > 1 && ($3 in m) { n++ } END { print n }' l.tsv)
	assert_equal "$(echo "$output" | grep -c 'team east round-robin$')" "$east"
	assert_equal "$(echo "$output" | grep -c '		unassigned: team west is not managed by emgr$')" $((7 - east))
	assert_equal "$(echo "$stderr" | grep -c "^crm-assign: lead [0-9]*: rule 'default' gives it to team 'west', whom 'emgr' does not manage$")" \
		$((7 - east))
	# a lead owned outside the manager's team is refused as a whole
	crm-assign -u -q >/dev/null
	owned_west=$(q "SELECT l.id FROM leads l JOIN users u ON u.id = l.owner_id WHERE u.login LIKE 'w%' LIMIT 1")
	before=$(fingerprint)
	must_fail 77 crm-assign --reassign --as emgr <<<"$(printf 'id\n1\n%s\n' "$owned_west")"
	assert_output "crm-assign: stdin:3: permission denied: lead $owned_west is not visible to 'emgr'"
	assert_equal "$(fingerprint)" "$before"
}

@test "the round-robin cursor is kept in assign_state" {
	team_setup
	rules_config
	gen_leads 6 1 '上海' >l.tsv
	import_assign l.tsv >/dev/null
	run q "SELECT s.rule, u.login, s.current FROM assign_state s JOIN users u ON u.id = s.user_id ORDER BY u.login"
	# six leads over four: e1 and e2 had two, e3 and e4 are owed the next
	assert_output "east	e1	-2
east	e2	-2
east	e3	2
east	e4	2"
}

@test "table output, help, usage errors, completion" {
	team_setup
	rules_config
	gen_leads 2 1 '上海' >l.tsv
	crm-lead import -q l.tsv >/dev/null
	run crm-assign -u -f table
	assert_success
	assert_line --index 0 'id  name   region  owner  rule'
	assert_line --index 2 ' 1  客户1  上海    e1     east: region=上海 -> team east round-robin'
	run crm-assign --help
	assert_success
	assert_line --index 0 "Usage:"
	assert_line "See crm-assign(1)."
	must_fail 64 crm-assign --bogus
	must_fail 64 crm-assign run extra
	assert_output "crm-assign: unexpected argument 'extra'
Try 'crm-assign --help'."
	must_fail 64 crm-assign --from e1 -u
	run crm-assign --complete=subcommands
	assert_output "run
handover
reclaim"
	run crm-assign -V
	assert_success
	assert_output --regexp '^crm-assign [0-9]'
}

@test "write errors and a locked database fail cleanly" {
	team_setup
	rules_config
	gen_leads 2 1 '上海' >l.tsv
	crm-lead import -q l.tsv >/dev/null
	must_fail 74 sh -c 'crm-assign -u -n >/dev/full'
	assert_output "crm-assign: write error: No space left on device"
	hold_lock 3
	CRM_BUSY_TIMEOUT=100 must_fail 69 crm-assign -u
	assert_output --partial "database is locked"
	kill "$LOCK_PID" 2>/dev/null || true
	wait "$LOCK_PID" 2>/dev/null || true
	assert_equal "$(q 'SELECT count(*) FROM leads WHERE owner_id IS NULL')" 2
}
