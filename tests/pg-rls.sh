#!/bin/sh
# Who may do what on PostgreSQL, enforced by the server (security_pg.h):
# a team made through the tools, then psql connected as each login counts
# the rows of every table under row-level security and must count what
# the tools list for that login; raw SQL against others' rows changes
# nothing; the audit is append-only for reps; sessions act as another
# login only when the server grants it.  Skips (exit 0 with a message)
# when no PostgreSQL server can be started here.
# usage: tests/pg-rls.sh [BUILD]
me=pg-rls
. "$(dirname "$0")/pg-scenario.sh"
psql -X -q -d "$conn" -v ON_ERROR_STOP=1 \
	-c "CREATE DATABASE rls TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'" || exit 1
# as whom: the cluster's owner (a superuser, as a service account would
# be a member of every login), or a login itself
as_owner=$(echo "$conn" | sed 's/dbname=[^ ]*/dbname=rls/')
as() { echo "$as_owner" | sed "s/user=[^ ]*/user=$1/"; }
export CRM_DB="$as_owner" TZ=Asia/Shanghai LC_ALL=C.UTF-8 CRM_NOW=2026-03-02T09:00:00Z
export XDG_CONFIG_HOME="$tmp/config"
cd "$tmp" || exit 1
PATH=$B/bin:$PATH
fails=0
fail() { echo "$me: $*"; fails=$((fails + 1)); }
# sql LOGIN SQL: one value, as psql connected as LOGIN prints it
sql() { psql -X -A -t -d "$(as "$1")" -c "$2" 2>&1; }
rows() { tail -n +2 | wc -l | tr -d ' '; }

# ---- the team, made through the tools by the admin ----
export CRM_USER=boss
set -e
crm init -q
crm-user add -l boss -N Boss -r admin >/dev/null
crm-user team add east
crm-user team add west
crm-user add -l alice -N Alice -t east >/dev/null
crm-user add -l bob -N Bob -t east >/dev/null
crm-user add -l mia -N Mia -r manager -t east >/dev/null
crm-user add -l carl -N Carl -t west >/dev/null
# 12 leads: owners in turn alice, bob, carl, two in the pool
printf 'name\tcompany\tphone\towner\n' >leads.tsv
i=1
while [ $i -le 12 ]; do
	set -- alice bob carl
	shift $((i % 3))
	o=$1
	[ $i -gt 10 ] && o=
	printf 'N%d\tC%d\t1380000%04d\t%s\n' $i $i $i "$o" >>leads.tsv
	i=$((i + 1))
done
crm-lead import -q --tsv leads.tsv >/dev/null
# each rep converts one of theirs (account, contact, deal) and logs a call
for u in alice bob carl; do
	id=$(CRM_USER=$u crm-lead list --owner $u | sed -n 2p | cut -f1)
	CRM_USER=$u crm-log add -q --lead "$id" --kind call "call $u"
	CRM_USER=$u crm-lead convert -q "$id" --title "deal $u" --amount 1000 >/dev/null
	CRM_USER=$u crm-task add -q --lead "$id" --due 2026-03-09 --title "follow up $u" >/dev/null
done
crm-account add -q --name Unowned >/dev/null
set +e

# ---- psql sees what the tools show, login by login ----
for u in alice bob carl mia boss; do
	for pair in "leads:crm-lead list" "accounts:crm-account list" "contacts:crm-contact list" \
		"deals:crm-stage list" "tasks:crm-task list --all --status all"; do
		table=${pair%%:*}
		tool=$(CRM_USER=$u ${pair#*:} | rows)
		server=$(sql $u "SELECT count(*) FROM $table")
		[ "$tool" = "$server" ] || fail "$u: ${pair#*:} lists $tool, psql counts $server in $table"
	done
done
# by hand: lead i went to (bob carl alice)[i % 3], the last two to the
# pool: alice sees her 3 and the pool's 2, bob his 4 and 2, carl (west)
# his 3 and 2, their manager mia alice's, bob's and the pool's
for want in alice:5 bob:6 carl:5 mia:9 boss:12; do
	got=$(sql ${want%%:*} "SELECT count(*) FROM leads")
	[ "$got" = "${want#*:}" ] || fail "${want%%:*} sees $got leads, not ${want#*:}"
done
# the unowned account: managers and admins only
[ "$(sql alice "SELECT count(*) FROM accounts WHERE owner_id IS NULL")" = 0 ] ||
	fail "a rep sees the unowned account"
[ "$(sql mia "SELECT count(*) FROM accounts WHERE owner_id IS NULL")" = 1 ] ||
	fail "a manager does not see the unowned account"
# interactions go with their subject
[ "$(sql alice "SELECT count(*) FROM interactions")" = 1 ] || fail "alice sees others' interactions"

# ---- raw SQL against another rep's rows changes nothing ----
before=$(crm-lead list | md5sum)
bob_id=$(sql boss "SELECT id FROM users WHERE login = 'bob'")
for stmt in "UPDATE leads SET name = 'taken' WHERE owner_id = $bob_id" \
	"DELETE FROM leads WHERE owner_id = $bob_id" \
	"UPDATE deals SET amount = 0 WHERE owner_id = $bob_id" \
	"DELETE FROM interactions WHERE user_id = $bob_id"; do
	out=$(sql alice "$stmt")
	case $out in "UPDATE 0" | "DELETE 0") ;; *) fail "alice: $stmt: $out" ;; esac
done
[ "$(crm-lead list | md5sum)" = "$before" ] || fail "alice's raw SQL changed bob's leads"
[ "$(sql boss "SELECT count(*) FROM deals WHERE amount = 0")" = 0 ] || fail "alice zeroed bob's deal"
# the pool's leads she may take, not give to bob (as the tools refuse her:
# a row she would no longer see)
case $(sql alice "UPDATE leads SET owner_id = $bob_id WHERE owner_id IS NULL") in
*"violates row-level security"*) ;; *) fail "alice gave the pool's leads to bob by hand" ;; esac
alice_id=$(sql boss "SELECT id FROM users WHERE login = 'alice'")
out=$(sql alice "UPDATE leads SET owner_id = $alice_id WHERE id = 12 AND owner_id IS NULL")
[ "$out" = "UPDATE 1" ] || fail "alice could not take a lead of the pool by hand: $out"
# the audit and the users are not a rep's to change
for stmt in "DELETE FROM audit" "UPDATE audit SET actor = 'x'" \
	"UPDATE users SET role = 'admin' WHERE login = 'alice'" \
	"INSERT INTO users (login, name, created_at) VALUES ('eve', 'Eve', 'x')"; do
	case $(sql alice "$stmt") in *"permission denied"*) ;;
	*) fail "alice: $stmt was not refused" ;; esac
done
crm check -q >/dev/null || fail "crm check after the raw SQL"
# the audit is read with what it is about: alice reads no row about carl's
# leads, yet her crm check hashes the whole chain (on the server)
carl_id=$(sql boss "SELECT id FROM users WHERE login = 'carl'")
n=$(sql alice "SELECT count(*) FROM audit a JOIN leads l ON l.id = a.entity_id
	WHERE a.entity = 'lead' AND l.owner_id = $carl_id")
[ "$n" = 0 ] || fail "alice reads $n audit rows of carl's leads"
n=$(sql boss "SELECT count(*) FROM audit WHERE entity = 'lead' AND entity_id IN
	(SELECT id FROM leads WHERE owner_id = $carl_id)")
[ "$n" -gt 0 ] || fail "no audit rows of carl's leads to hide"
all=$(sql boss "SELECT count(*) FROM audit")
[ "$(sql alice "SELECT count(*) FROM audit")" -lt "$all" ] || fail "alice reads the whole audit"
out=$(CRM_USER=alice crm check | grep -E '^audit')
[ "$out" = "$(printf 'audit\tok\naudit_rows\t%s' "$all")" ] || fail "alice's crm check: $out"
psql -X -q -d "$as_owner" -c "UPDATE audit SET new_value = 'forged' WHERE id = 3" || exit 1
for u in alice boss; do
	out=$(CRM_USER=$u crm check 2>&1)
	[ $? = 65 ] && case $out in *"audit row 3 altered"*) true ;; *) false ;; esac ||
		fail "$u's crm check missed a forged audit row: $out"
done
psql -X -q -d "$as_owner" -c "UPDATE audit SET new_value = NULL WHERE id = 3" >/dev/null

# ---- the tools as a rep: the same answers as on SQLite ----
lead=$(CRM_USER=carl crm-lead list --owner carl | sed -n 2p | cut -f1)
out=$(CRM_USER=alice crm-lead show "$lead" 2>&1)
[ $? = 77 ] && [ "$out" = "crm-lead: permission denied: lead $lead is not visible to 'alice'" ] ||
	fail "alice showing carl's lead: $out"
out=$(CRM_USER=alice crm-lead show 999 2>&1)
[ $? = 1 ] || fail "a missing lead: $out"
# a duplicate of carl's lead, imported by alice, who cannot see it
phone=$(CRM_USER=carl crm-lead list --owner carl | sed -n 2p | cut -f5)
printf 'name\tcompany\tphone\nDup\tDup Co\t%s\n' "$phone" >dup.tsv
out=$(CRM_USER=alice crm-lead import --tsv dup.tsv 2>&1)
case $out in *"duplicate of a lead owned by someone else"*"imported 0, duplicates 1"*) ;;
*) fail "alice's import of carl's customer: $out" ;; esac

# ---- what looks beyond a login's rows, and only for whom it should ----
# ROI: costs are the company's, so a manager's revenue is the company's too
crm-stage won -q "$(crm-stage list | sed -n 2p | cut -f1)" >/dev/null
[ "$(CRM_USER=mia crm-roi)" = "$(crm-roi)" ] || fail "mia's ROI is not the company's"
n=$(sql alice "SELECT count(*) FROM crm_roi_leads('0', '9')")
[ "$n" = 0 ] || fail "a rep reads the company's leads through crm_roi_leads: $n"
[ "$(sql mia "SELECT count(*) FROM crm_roi_leads('0', '9')")" = 12 ] ||
	fail "a manager's crm_roi_leads does not count the company's leads"
# a rep cannot make the server think it is someone else
case $(sql alice "SET ROLE boss") in *"permission denied"*) ;; *) fail "alice could SET ROLE boss" ;; esac

# ---- sessions: who connected, and SET ROLE only where the server grants it ----
out=$(CRM_DB=$(as alice) CRM_USER= crm-lead list | rows)
[ "$out" = "$(sql alice "SELECT count(*) FROM leads")" ] || fail "alice connected as herself lists $out"
out=$(CRM_DB=$(as alice) CRM_USER=bob crm-lead list 2>&1)
[ $? = 77 ] || fail "alice connected as herself, CRM_USER=bob: $out"
out=$(CRM_DB=$(as boss) CRM_USER= crm-lead list --as alice | rows)
[ "$out" = "$(sql alice "SELECT count(*) FROM leads")" ] || fail "boss --as alice lists $out"
psql -X -q -d "$as_owner" -c "CREATE ROLE outsider LOGIN IN ROLE crm_rep" || exit 1
out=$(CRM_DB=$(as outsider) CRM_USER=alice crm-lead list 2>&1)
[ $? = 77 ] && case $out in *"does not let this session act as 'alice'"*) true ;; *) false ;; esac ||
	fail "an outsider acting as alice: $out"
[ "$(sql outsider "SELECT count(*) FROM leads")" = 0 ] || fail "a role crm does not know sees leads"

if [ $fails -gt 0 ]; then
	echo "$me: $fails failed"
	exit 1
fi
echo "$me: psql and the tools agree for reps, a manager and an admin; raw SQL, the audit and SET ROLE held"
