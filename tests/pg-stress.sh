#!/bin/sh
# Eight writers at once on PostgreSQL, and nothing lost or doubled.  A
# fresh crm database in a scratch cluster (tests/pg.sh), a team and two
# reps who claim from the pool, then for PG_STRESS_SECONDS (default 8)
# eight background loops on eight connections, each repeating one kind of
# write and logging every command's exit status and what it reported:
#   imp1, imp2  crm-lead import of small CSVs (phones unique per writer,
#               round and row: no duplicates expected; half of them in 上海,
#               which the config's rule gives to team east)
#   log         crm-log add on the seed leads
#   stage       crm-stage move through the open stages, then won, of the
#               deals made for it
#   assign      crm-assign --unassigned (round-robin over team east)
#   claim1,2    crm-lead claim --as c1 / c2 of the lowest lead in the pool,
#               the same one for both: one gets it, the other is told 65
#   task        crm-task add on the seed leads
# With CRM_BUSY_TIMEOUT 10000 nothing should fail; a 69 (locked) must
# have written nothing: the writer runs the command again and counts it.
# Then psql checks that every lead imported is there once, every owner
# has exactly its one assign or claim audit row, the logs, tasks and
# stages are the writers' successes and last moves, no lead went to two
# claimers, crm check finds the audit chain whole, and the counts add up.
# Exit 0 (or 0 skipped, without PostgreSQL), 1 saying what is wrong.
# usage: tests/pg-stress.sh [BUILD]
# PG_STRESS_SECONDS: how long (8); PG_STRESS_BUSY: CRM_BUSY_TIMEOUT (10000;
# 20 makes 69s to retry); PG_STRESS_KEEP=1 keeps the logs and says where.
B=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
case $B in /*) ;; *) B=$top/$B ;; esac
me=pg-stress
secs=${PG_STRESS_SECONDS:-8}
[ -x "$B/bin/crm" ] || { echo "$me: $B/bin/crm missing (make all)" >&2; exit 1; }
command -v psql >/dev/null || { echo "$me: skipped: no psql"; exit 0; }

tmp=$(mktemp -d)
chmod 755 "$tmp"
cleanup() {
	sh "$top/tests/pg.sh" stop "$tmp/pg" >/dev/null 2>&1
	if [ -n "${PG_STRESS_KEEP-}" ]; then echo "$me: logs kept in $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
conn=$(sh "$top/tests/pg.sh" start "$tmp/pg" 2>"$tmp/pg.err") || {
	echo "$me: skipped: no PostgreSQL cluster ($(tail -n 1 "$tmp/pg.err"))"
	exit 0
}
psql "$conn" -q -c "CREATE DATABASE stress TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'" \
	>/dev/null 2>&1 || { echo "$me: cannot create database stress" >&2; exit 1; }
CRM_DB=$(echo "$conn" | sed 's/dbname=[^ ]*/dbname=stress/')
export CRM_DB CRM_USER=root CRM_BUSY_TIMEOUT="${PG_STRESS_BUSY:-10000}" TZ=Asia/Shanghai LC_ALL=C.UTF-8
export XDG_CONFIG_HOME="$tmp/config" CRM_CONFIG="$tmp/crm.yaml"
unset CRM_NOW
cd "$tmp" || exit 1
PATH=$B/bin:$PATH

q() { psql "$CRM_DB" -X -A -t -q -F '	' -c "$1"; }
fail() { echo "$me: $*"; bad=1; }

cat >crm.yaml <<'EOF'
assignment:
  rules:
    - name: east
      match: {region: 上海}
      team: east
      method: round-robin
EOF

# the set-up, one command at a time
NSEED=20 NDEALS=24
{
	crm init -q &&
	crm-user add -q --login root --name Root --role admin &&
	crm-user team add east &&
	for u in e1 e2 e3; do crm-user add -q --login $u --name $u --team east || exit 1; done &&
	crm-user add -q --login c1 --name c1 &&
	crm-user add -q --login c2 --name c2 &&
	awk -v n=$NSEED 'BEGIN { print "name,phone,region"
		for (i = 1; i <= n; i++) printf "种子%d,1370000%04d,北京\n", i, i }' >seed.csv &&
	crm-lead import -q seed.csv &&
	for i in $(seq $NDEALS); do crm-stage add -q --title "deal $i" || exit 1; done
} >setup.out 2>&1 || { echo "$me: the set-up failed:"; cat setup.out; exit 1; }

# run LOG WRITER ROUND command...: the command until it is not 69, each
# attempt logged as "round<TAB>status<TAB>attempt<TAB>stderr's last line";
# its stdout in out, its status in $rc
run() {
	log=$1 r=$2
	shift 2
	a=1
	while :; do
		"$@" >out 2>err
		rc=$?
		printf '%s\t%s\t%s\t%s\n' "$r" $rc $a "$(tail -n 1 err | tr '\t' ' ')" >>"$log"
		[ $rc -eq 69 ] || break
		a=$((a + 1))
	done
}

# writer NAME: its loop, in its own directory, until the deadline
writer() {
	w=$1
	mkdir "$tmp/$w" && cd "$tmp/$w" || exit 1
	: >log
	r=0
	while [ "$(date +%s)" -lt "$end" ]; do
		r=$((r + 1))
		case $w in
		imp1 | imp2)
			n=${w#imp}
			awk -v w="$n" -v r="$r" 'BEGIN { print "name,phone,region"
				for (i = 0; i < 3; i++)
					printf "w%s-%d-%d,139%s%05d%02d,%s\n", w, r, i, w, r, i,
						i % 2 ? "北京" : "上海" }' >in.csv
			run log $r crm-lead import in.csv
			[ $rc -eq 0 ] && sed -n 's/^crm-lead: imported \([0-9]*\),.*/\1/p' err >>imported
			;;
		log)
			run log $r crm-log add -q --lead $((r % NSEED + 1)) --kind call "stress log $r"
			[ $rc -eq 0 ] && echo $r >>done
			;;
		stage)
			# deal d: contact -> qualify -> proposal -> negotiation -> won
			d=$(((r - 1) % NDEALS + 1)) k=$(((r - 1) / NDEALS))
			case $k in
			0) to=qualify ;; 1) to=proposal ;; 2) to=negotiation ;; 3) to=won ;;
			*) sleep 0.2; continue ;;
			esac
			if [ $to = won ]; then
				run log $r crm-stage won $d
			else
				run log $r crm-stage move $d $to
			fi
			[ $rc -eq 0 ] && printf '%s\t%s\n' $d $to >>moves
			;;
		assign)
			run log $r crm-assign -q --unassigned -H
			# every lead it looked at, the owner empty for those left alone
			[ $rc -eq 0 ] && awk -F '\t' '$4 != "" { print $1 "\t" $4 }' out >>assigned
			;;
		claim1 | claim2)
			u=c${w#claim}
			id=$(q "SELECT min(id) FROM leads WHERE owner_id IS NULL")
			if [ -z "$id" ]; then
				sleep 0.05
				continue
			fi
			run log $r crm-lead claim -H --as $u "$id"
			if [ $rc -eq 0 ]; then
				cut -f1,3 out >>claimed
			elif [ $rc -eq 65 ] && grep -q 'is not in the pool' err; then
				echo "$id" >>lost	# taken before us: expected
			fi
			;;
		task)
			run log $r crm-task add -q --title "stress task $r" --due 3d --lead $((r % NSEED + 1))
			[ $rc -eq 0 ] && echo $r >>done
			;;
		esac
	done
	touch imported done moves assigned claimed lost
}

WRITERS="imp1 imp2 log stage assign claim1 claim2 task"
start=$(date +%s)
end=$((start + secs))
pids=
for w in $WRITERS; do
	writer $w &
	pids="$pids $!"
done
for p in $pids; do wait $p; done
took=$(($(date +%s) - start))

bad=0
# every command's status: 0, a 69 retried, or a claim that lost the race
for w in $WRITERS; do
	awk -F '\t' -v w=$w '$2 != 0 && $2 != 69 && !(w ~ /^claim/ && $2 == 65 && $4 ~ /is not in the pool/) {
		printf "%s: round %s: status %s: %s\n", w, $1, $2, $4 }' $w/log >>unexpected
done
[ -s unexpected ] && fail "commands failed:
$(head -n 20 unexpected)"

# leads: the seed and what the importers reported, each phone once
want=$(cat imp1/imported imp2/imported | awk -v s=$NSEED '{ s += $1 } END { print s }')
got=$(q "SELECT count(*) FROM leads")
[ "$got" = "$want" ] || fail "leads: $got in the database, $want seeded and reported imported"
dup=$(q "SELECT phone_norm, count(*) FROM leads GROUP BY phone_norm HAVING count(*) > 1")
[ -z "$dup" ] || fail "leads: phones twice: $dup"
imports=$(cat imp1/log imp2/log | awk -F '\t' '$2 == 0' | wc -l)
got=$(q "SELECT count(*) FROM audit WHERE action = 'import'")
[ "$got" -eq $((imports + 1)) ] || fail "import audit rows: $got, not $((imports + 1))"

# owners: exactly one assign or claim audit row per owned lead (nothing
# reassigns or reclaims here), naming the owner now; none for the others
q "SELECT l.id, coalesce(u.login, '-'), count(a.id), coalesce(string_agg(a.new_value, ','), '-')
	FROM leads l LEFT JOIN users u ON u.id = l.owner_id
	LEFT JOIN audit a ON a.entity = 'lead' AND a.entity_id = l.id
		AND a.field = 'owner' AND a.action IN ('assign', 'claim')
	GROUP BY l.id, u.login ORDER BY l.id" >owners
awk -F '\t' '($2 == "-" && $3 != 0) || ($2 != "-" && ($3 != 1 || $4 != $2)) {
	printf "lead %s: owner %s, %s audit rows (%s)\n", $1, $2, $3, $4 }' owners >wrong
[ -s wrong ] && fail "owners and their audit rows disagree:
$(head -n 20 wrong)"
# what the assigner and the claimers reported is what the database holds
cat assign/assigned claim1/claimed claim2/claimed | sort -n >reported
awk -F '\t' '$2 != "-" { print $1 "\t" $2 }' owners | sort -n >owned
cmp -s reported owned || fail "reported assignments and claims differ from the owners (- reported, + database):
$(diff reported owned | head -n 20)"
both=$(cat claim1/claimed claim2/claimed | cut -f1 | sort | uniq -d)
[ -z "$both" ] || fail "claimed by both: $both"
got=$(q "SELECT count(*) FROM audit WHERE action = 'claim'")
want=$(cat claim1/claimed claim2/claimed | wc -l)
[ "$got" -eq "$want" ] || fail "claim audit rows: $got, claims reported: $want"
got=$(q "SELECT count(*) FROM pool_events WHERE action = 'claim'")
[ "$got" -eq "$want" ] || fail "pool claim events: $got, claims reported: $want"
# one first-contact task per owned lead, its owner's
got=$(q "SELECT count(*) FROM tasks t JOIN leads l ON t.subject_type = 'lead' AND t.subject_id = l.id
	WHERE t.kind = 'first_contact' AND t.owner_id = l.owner_id")
want=$(wc -l <owned)
[ "$got" -eq "$want" ] || fail "first-contact tasks: $got, owned leads: $want"

# logs and tasks: the writers' successes, each once
for k in log task; do
	case $k in
	log) sql="SELECT summary FROM interactions WHERE summary LIKE 'stress log %'" pre='stress log ' ;;
	task) sql="SELECT title FROM tasks WHERE title LIKE 'stress task %'" pre='stress task ' ;;
	esac
	q "$sql" | sed "s/^$pre//" | sort -n >$k.db
	sort -n $k/done >$k.want
	cmp -s $k.want $k.db || fail "$k: the writer's successes differ from the database (- writer, + database):
$(diff $k.want $k.db | head -n 20)"
done

# and nothing else came in: all the tasks and interactions are those
got=$(q "SELECT count(*) FROM tasks")
want=$(($(wc -l <task/done) + $(wc -l <owned)))
[ "$got" -eq "$want" ] || fail "tasks: $got, added and first-contact: $want"
got=$(q "SELECT count(*) FROM interactions")
[ "$got" -eq "$(wc -l <log/done)" ] || fail "interactions: $got, logged: $(wc -l <log/done)"

# stages: each deal where its last move left it
awk -F '\t' '{ s[$1] = $2 } END { for (d = 1; d <= n; d++) print d "\t" (d in s ? s[d] : "contact") }' \
	n=$NDEALS stage/moves >stages.want
q "SELECT id, stage FROM deals ORDER BY id" >stages.db
cmp -s stages.want stages.db || fail "deal stages differ from the last moves (- moves, + database):
$(diff stages.want stages.db)"
got=$(q "SELECT count(*) FROM audit WHERE entity = 'deal' AND field = 'stage'")
want=$(($(wc -l <stage/moves) + NDEALS))	# and the first stage of each
[ "$got" -eq "$want" ] || fail "deal stage audit rows: $got, moves made: $want"

# the audit chain survived the writers
crm check >check.out 2>&1 || fail "crm check: status $?:
$(cat check.out)"
grep -qx 'audit	ok' check.out || fail "crm check: $(grep '^audit' check.out)"

# the numbers
printf '%s: %ss, %s commands:' $me "$took" "$(cat */log | wc -l)"
for w in $WRITERS; do
	awk -F '\t' -v w=$w '{ n++ } $2 == 69 { r++ } END { printf " %s %d", w, n - r; if (r) printf " (%d retried)", r }' $w/log
done
printf '; leads %s, owned %s (claimed %s, %s claims taken first by another), audit rows %s\n' \
	"$(q 'SELECT count(*) FROM leads')" "$(wc -l <owned)" "$(cat claim1/claimed claim2/claimed | wc -l)" \
	"$(cat claim1/lost claim2/lost | wc -l)" "$(q 'SELECT count(*) FROM audit')"
[ $bad -eq 0 ] && echo "$me: ok: nothing lost or doubled"
exit $bad
