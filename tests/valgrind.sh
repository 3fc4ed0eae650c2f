#!/bin/sh
# make valgrind: a working session that touches every tool, each command
# run under memcheck, on a fresh temporary database.  Passes only when
# every command ends with the status expected of it and memcheck reports
# no error and no definitely or indirectly lost block, in any process
# (crm NOUN runs crm-NOUN, so children are traced too).  A few commands
# fail on purpose: error paths are where leaks hide.
# usage: tests/valgrind.sh BINDIR
set -u
bin=$(cd "${1:-build/bin}" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
PATH=$bin:$PATH
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp" || exit 70
export CRM_DB="$tmp/crm.db" CRM_CONFIG="$tmp/crm.yaml" XDG_CONFIG_HOME="$tmp/config"
export CRM_NOW=2026-03-02T09:00:00Z TZ=Asia/Shanghai LC_ALL=C.UTF-8 LOGNAME=tester
unset CRM_USER CRM_BUSY_TIMEOUT

runs=0 bad=0

# vg STATUS command...: run it under memcheck (stdin as given by the
# caller); count it bad when the status differs or memcheck said anything.
vg() {
	want=$1
	shift
	runs=$((runs + 1))
	rm -f "$tmp"/vg.*
	valgrind -q --trace-children=yes --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
		--log-file="$tmp/vg.%p" "$@" >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ "$st" -ne "$want" ] || [ -n "$(cat "$tmp"/vg.* 2>/dev/null)" ]; then
		bad=$((bad + 1))
		echo "FAIL (status $st, expected $want): $*"
		cat "$tmp"/vg.* "$tmp/err" 2>/dev/null | sed 's/^/    /' | head -60
	else
		echo "ok: $*"
	fi
}

cat >crm.yaml <<'EOF'
currency: CNY
custom_fields:
  lead:
    - {name: budget, type: money}
    - {name: size, type: enum, values: [small, medium, large]}
import:
  aliases:
    预算: budget
assignment:
  rules:
    - {name: east, match: {region: [上海, 江苏, 浙江]}, team: east, method: round-robin}
    - {name: south, match: {region: "广*"}, team: east, method: least-loaded, capacity: 100}
  default: {user: boss}
EOF

# ~40 leads with Chinese headers: the example's plus generated ones
cp "$top/examples/leads.csv" leads.csv
awk 'BEGIN { for (i = 1; i <= 30; i++)
	printf "客户%d,测试公司%d有限公司,经理,139%08d,c%d@example.cn,%s,市%d,制造业,expo,\n",
		i, i, i, i, (i % 3 ? "浙江" : "广东"), i }' >>leads.csv
printf '姓名,手机\n好人,13800000001\n坏人,138-abc\n' >bad.csv

vg 0 crm init
vg 0 crm-user add --login boss --name 张伟 --role admin -q
export CRM_USER=boss
vg 0 crm-user team add east
vg 0 crm-user add --login li --name 李娜 --team east --role manager -q
vg 0 crm-user add --login wang --name 王芳 --team east --manager li -q
vg 0 crm-user list -f table

vg 0 crm-lead add --name 陈静 --company 深圳前海智造科技有限公司 --phone '+86 136 0001 2345' --region 广东 --set budget=12000
vg 0 crm-lead import leads.csv --campaign expo-2026
vg 65 crm-lead import bad.csv
vg 0 crm-lead import bad.csv --skip-bad --reject rejects.csv
vg 0 crm-lead list -f table --fields id,name,company,phone,region
vg 0 crm-lead list -f csv --region 浙江
vg 0 crm-lead show 1
vg 1 crm-lead show 999
printf 'id\theat\ttags\n1\thot\tvip,expo\n2\twarm\t\n' >upd.tsv
vg 0 crm-lead update <upd.tsv
vg 0 crm-lead dupes
vg 0 crm-lead tag 3 重点
vg 0 crm-lead merge 6 7
vg 0 crm-lead disqualify 8 --reason 没有预算
vg 65 crm-lead update 2 --phone 138-abc

vg 0 crm-assign --unassigned
printf 'id\n2\n3\n' >ids.tsv
vg 0 crm-assign --to wang --reassign <ids.tsv
vg 0 crm-assign --reassign --explain <ids.tsv
vg 65 crm-assign --to nobody <ids.tsv

vg 0 crm-log add --lead 1 --kind call --next 发报价 '谈了价格'
printf 'subject_type\tsubject_id\tkind\tsummary\nlead\t2\tvisit\t上门拜访\nlead\t3\twechat\t加了微信\n' >log.tsv
vg 0 crm-log add <log.tsv
vg 0 crm-log list --lead 1 -f table

vg 0 crm-task add --title 回访 --due 3d --lead 1
vg 0 crm-task list --all
vg 0 crm-task done 1
vg 0 crm-task remind

vg 0 crm-lead convert 1 --title '数控机床 20 台' --amount 240000
vg 0 crm-account show 1
vg 0 crm-account list -f table
vg 0 crm-contact add --name 赵敏 --account 1 --phone 13900001111
vg 0 crm-contact list

if [ -x "$bin/crm-stage" ]; then
	vg 0 crm-stage move 1 qualify
	vg 0 crm-stage add --title 备件 --amount 8000 --account 1
	printf 'id\tstage\n1\tproposal\n2\tqualify\n' >moves.tsv
	vg 0 crm-stage move <moves.tsv
	vg 0 crm-stage won 1
	vg 0 crm-stage history 1
	vg 0 crm-stage list -f table
else
	echo "skip: crm-stage is not built"
fi

vg 0 crm-report funnel
vg 0 crm-report kpi -f table
vg 0 crm-report forecast
vg 0 crm-report leaderboard -f table
vg 0 crm-report activity --by owner
vg 0 crm-roi cost add --source expo --period 2026-03 --amount 12000
vg 0 crm-roi -f table

vg 0 crm check
vg 0 crm backup "$tmp/backup.db"
vg 73 crm backup "$tmp/backup.db"
vg 0 crm backup --force "$tmp/backup.db"
vg 0 crm restore -n "$tmp/backup.db"
vg 0 crm audit --entity lead --id 2 -f json
vg 0 crm audit --since 7d -f table
vg 0 crm audit head
anchor=$(crm audit head | awk -F'\t' '{ v[$1] = $2 } END { print v["id"] ":" v["hash"] }')
vg 0 crm audit verify "$anchor"
vg 0 crm-privacy export --phone '+86 136 0001 2345'
vg 0 crm-privacy export --phone 13900001111 --text
vg 0 crm-lead forget 2
vg 0 crm restore "$tmp/backup.db"
vg 66 crm-lead list -d "$tmp/nothere.db"
vg 0 crm lead list --limit 3
printf 'pipeline: [\n' >broken.yaml
vg 78 crm-lead list -c broken.yaml

echo "valgrind: $runs commands, $bad failed"
[ "$bad" -eq 0 ]
