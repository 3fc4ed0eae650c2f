#!/usr/bin/env bats
# examples/: nightly.sh, weekly-report.sh, plot.sh and the crontab, each run
# against a temporary database: the nightly import and assignment by
# examples/crm.yaml's rules (checked with awk over the CSV), the weekly
# mail through stub mail and sendmail commands that capture it, the charts.

load helper
bats_require_minimum_version 1.5.0

EX=$TOP/examples

# A team as examples/crm.yaml expects it: wangfang and alice, teams east,
# south and west.
team_setup() {
	export CRM_CONFIG=$EX/crm.yaml
	crm-user add --login boss --name 张伟 --role admin >/dev/null
	export CRM_USER=boss
	for t in east south west; do crm-user team add "$t" >/dev/null; done
	crm-user add --login wangfang --name 王芳 --team east >/dev/null
	crm-user add --login li --name 李娜 --team east >/dev/null
	crm-user add --login chen --name 陈静 --team south >/dev/null
	crm-user add --login alice --name Alice --team west >/dev/null
	crm-user add --login zhao --name 赵磊 --team west >/dev/null
}

# The team each lead of examples/leads.csv should go to by the config's
# rules, in file order (region, source and industry columns).
expected_teams() {
	awk -F, 'NR > 1 {
		if ($9 == "referral" && $8 ~ /^汽车/) t = "east"	# wangfang
		else if ($6 ~ /^(上海|江苏|浙江|安徽)$/) t = "east"
		else if ($6 ~ /^(广东|福建|广西|海南)$/) t = "south"
		else if ($9 == "expo" && $8 ~ /^制造/) t = "west"	# alice
		else t = "west"
		print NR - 1 "\t" t }' "$EX/leads.csv"
}

actual_teams() {
	db_query_tsv \
		"SELECT l.id, t.name FROM leads l JOIN users u ON u.id = l.owner_id
		 JOIN teams t ON t.id = u.team_id ORDER BY l.id"
}

# A stub for mail or sendmail that keeps its arguments and its input.
stub() {
	mkdir -p "$BATS_TEST_TMPDIR/stubs"
	cat >"$BATS_TEST_TMPDIR/stubs/$1" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >"$BATS_TEST_TMPDIR/$1.args"
cat >"$BATS_TEST_TMPDIR/$1.body"
EOF
	chmod +x "$BATS_TEST_TMPDIR/stubs/$1"
}

# A PATH of only the crm tools, the stubs and what the scripts use, so
# that a mail command installed on this machine cannot answer.
narrow_path() {
	local d=$BATS_TEST_TMPDIR/bin
	mkdir -p "$d"
	for c in sh cat date mktemp rm tr printf awk sed mkdir mv ls wc gnuplot; do
		p=$(command -v "$c") && [ "${p#/}" != "$p" ] && ln -sf "$p" "$d/$c"
	done
	echo "$BATS_TEST_TMPDIR/stubs:$(dirname "$(command -v crm-roi)"):$d"
}

use_dataset() {
	if on_pg; then	# the generator loads a SQLite file: crm migrate brings it over
		TZ=Asia/Shanghai sh "$TOP/tests/gen-dataset.sh" -d "$BATS_TEST_TMPDIR/data.db" "$BATS_TEST_TMPDIR/data" >/dev/null
		CRM_DB=$BATS_TEST_TMPDIR/data.db CRM_USER=admin crm migrate --to "$CRM_DB" >/dev/null
	else
		TZ=Asia/Shanghai sh "$TOP/tests/gen-dataset.sh" -d "$CRM_DB" "$BATS_TEST_TMPDIR/data" >/dev/null
	fi
	export CRM_CONFIG=$BATS_TEST_TMPDIR/data/crm.yaml CRM_USER=admin
}

@test "nightly.sh: the drop directory is imported, assigned by the rules, reminded" {
	team_setup
	mkdir -p drop
	cp "$EX/leads.csv" drop/expo.csv
	n=$(awk 'END { print NR - 1 }' "$EX/leads.csv")
	CRM_DROP=$PWD/drop run --separate-stderr sh "$EX/nightly.sh"
	assert_success
	assert_line --index 0 "$PWD/drop/expo.csv: $n leads imported and assigned"
	# a reminder table, empty on the first night
	assert_line --index 1 --regexp '^recipient +email +subject_type +subject_id +subject_name +reason +days +title$'
	[ ! -e drop/expo.csv ]
	ls drop/done/*-expo.csv
	[ "$(db_query 'SELECT count(*) FROM leads WHERE owner_id IS NOT NULL')" -eq "$n" ]
	[ "$(actual_teams)" = "$(expected_teams)" ]
	# the key account rule and alice's expo rule name their users
	[ "$(db_query "SELECT count(*) FROM leads l JOIN users u ON u.id = l.owner_id
		WHERE l.source = 'referral' AND l.industry LIKE '汽车%' AND u.login <> 'wangfang'")" -eq 0 ]
	# four days on, every first-contact task is overdue: one reminder per lead
	CRM_DROP=$PWD/drop CRM_NOW=2026-03-06T09:00:00Z run sh "$EX/nightly.sh"
	assert_success
	[ "$(printf '%s\n' "$output" | grep -c ' overdue ')" -eq "$n" ]
}

@test "nightly.sh: files as arguments; a bad file fails the run and stays" {
	team_setup
	cp "$EX/leads.csv" a.csv
	run sh "$EX/nightly.sh" a.csv
	assert_success
	assert_line --index 0 "a.csv: 24 leads imported and assigned"
	[ -e a.csv ]
	# the same file again: all duplicates, nothing new
	run --separate-stderr sh "$EX/nightly.sh" a.csv
	assert_success
	assert_line --index 0 "a.csv: no new leads"
	mkdir -p drop
	printf '姓名,手机\n钱七,138-abc\n' >drop/bad.csv
	CRM_DROP=$PWD/drop run --separate-stderr sh "$EX/nightly.sh"
	[ "$status" -eq 65 ]
	[ "$stderr" = "crm-lead: $PWD/drop/bad.csv:2: invalid phone '138-abc'
crm-lead: 1 bad row, nothing imported" ]
	[ -e drop/bad.csv ]
	[ "$(db_query 'SELECT count(*) FROM leads')" -eq 24 ]
	# no drop directory and no files: only the reminders
	CRM_DROP=$PWD/none run sh "$EX/nightly.sh"
	assert_success
	assert_line --index 0 --regexp '^recipient '
	refute_output --partial imported
	# a tool that cannot run fails the script
	CRM_USER=ghost must_fail 77 sh "$EX/nightly.sh" a.csv
}

@test "weekly-report.sh: funnel, forecast and ROI tables through mail(1)" {
	use_dataset
	stub mail
	PATH=$(narrow_path) MAILTO='boss@example.com, li@example.com' \
		run --separate-stderr sh "$EX/weekly-report.sh" --since 2025-10-01
	assert_success
	assert_output ""
	[ "$(cat "$BATS_TEST_TMPDIR/mail.args")" = \
	  "-s crm weekly report $(date +%Y-%m-%d) boss@example.com li@example.com" ]
	body=$BATS_TEST_TMPDIR/mail.body
	# each table whole, as the tools print it
	for t in "crm-report funnel --since 2025-10-01" "crm-report forecast" "crm-roi --since 2025-10-01"; do
		$t -f table >want
		grep -qxF -- "$(head -n1 want)" "$body"
		awk 'NR == FNR { w[++n] = $0; next } $0 == w[1] { ok = 1; for (i = 1; i <= n; i++) {
			if ((getline l) <= 0 && i < n) ok = 0; if (i < n && l != w[i + 1]) ok = 0 } if (ok) f = 1 }
			END { exit !f }' want "$body"
	done
	grep -qx '== Funnel: leads since 2025-10-01 ==' "$body"
	grep -qx '== Forecast: open deals by expected close ==' "$body"
	grep -qx '== Channel ROI: leads since 2025-10-01 ==' "$body"
	grep -q '^source  *leads  *customers  *conversion' "$body"
	grep -q '^step  *stage  *name  *count' "$body"
}

@test "weekly-report.sh: sendmail without mail; stdout; failures send nothing" {
	use_dataset
	stub sendmail
	PATH=$(narrow_path) MAILTO=boss@example.com run sh "$EX/weekly-report.sh"
	assert_success
	[ "$(cat "$BATS_TEST_TMPDIR/sendmail.args")" = "-t" ]
	run head -n 5 "$BATS_TEST_TMPDIR/sendmail.body"
	assert_output "To: boss@example.com
Subject: crm weekly report $(date +%Y-%m-%d)
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit"
	grep -q '^== Channel ROI: leads since 4w ==$' "$BATS_TEST_TMPDIR/sendmail.body"
	# --stdout, or no MAILTO: the report on stdout, no mail
	rm "$BATS_TEST_TMPDIR/sendmail.args"
	PATH=$(narrow_path) MAILTO=boss@example.com run sh "$EX/weekly-report.sh" --stdout
	assert_success
	assert_line '== Forecast: open deals by expected close =='
	[ ! -e "$BATS_TEST_TMPDIR/sendmail.args" ]
	run env -u MAILTO sh "$EX/weekly-report.sh" --since 2025-01-01
	assert_success
	assert_line '== Channel ROI: leads since 2025-01-01 =='
	# no mail command at all
	rm "$BATS_TEST_TMPDIR/stubs/sendmail"
	PATH=$(narrow_path) MAILTO=boss@example.com run --separate-stderr sh "$EX/weekly-report.sh"
	[ "$status" -eq 69 ]
	[ "$stderr" = "weekly-report.sh: neither mail nor sendmail found; use --stdout" ]
	# a report that fails: nothing is sent, the run fails with its status
	stub mail
	PATH=$(narrow_path) MAILTO=boss@example.com CRM_USER=ghost run sh "$EX/weekly-report.sh"
	[ "$status" -eq 77 ]
	[ ! -e "$BATS_TEST_TMPDIR/mail.args" ]
	run sh "$EX/weekly-report.sh" --frob
	[ "$status" -eq 64 ]
}

@test "plot.sh: funnel, forecast and ROI as PNG files" {
	use_dataset
	run sh "$EX/plot.sh" charts --since 2025-06-01
	assert_success
	assert_output "charts/funnel.png charts/forecast.png charts/roi.png"
	for c in funnel forecast roi; do
		[ -s "charts/$c.png" ]
		[ "$(head -c 8 "charts/$c.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
	done
	[ "$(ls -A charts | wc -l)" -eq 3 ]
	# a report that fails leaves no chart behind and fails the run
	CRM_USER=ghost run sh "$EX/plot.sh" other
	[ "$status" -eq 77 ]
	[ ! -e other/funnel.png ]
	run sh "$EX/plot.sh"
	[ "$status" -eq 64 ]
}

@test "crontab: every job runs a tool or an example that exists" {
	while read -r m h dom mon dow cmd; do
		for f in "$m" "$h" "$dom" "$mon" "$dow"; do
			[[ $f =~ ^[0-9*,/-]+$ ]] || { echo "bad time field '$f'"; return 1; }
		done
		w=${cmd%% *}
		case $w in
		*/examples/*) [ -x "$EX/${w##*/}" ] || { echo "no example $w"; return 1; } ;;
		f=*) [[ $cmd == *"crm backup"* ]] ;;
		*) [ -x "$(dirname "$(command -v crm-roi)")/$w" ] || { echo "no tool $w"; return 1; } ;;
		esac
	done < <(grep -Ev '^(#|$|[A-Z_]+=)' "$EX/crontab")
	[ "$(grep -Ec '^[0-9*]' "$EX/crontab")" -eq 6 ]
	grep -q '^MAILTO=' "$EX/crontab"
	grep -q '^CRM_BUSY_TIMEOUT=[0-9][0-9]*$' "$EX/crontab"
	# the crontab names real options and subcommands
	crm-report --help | grep -q -- '--snapshot'
	crm --help | grep -q -- 'crm backup \[--force\] FILE'
	crm --help | grep -q -- 'crm audit head'
}
