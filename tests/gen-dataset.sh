#!/bin/sh
# gen-dataset.sh: a deterministic CRM history for the report and ROI tests.
# usage: tests/gen-dataset.sh [-s SEED] [-n LEADS] [-d DB] DIR
#
# Writes DIR/crm.yaml (a pipeline with Chinese stage names) and one TSV per
# table, the tests' source of truth for awk:
#   teams users leads accounts deals deal_stages interactions costs snapshots
# and loads the same rows into DB (default $CRM_DB; created with "crm init"
# when missing) as the tools would store them.  Instants are ISO-8601 UTC,
# with an extra *_ts column of epoch seconds in the TSV; money in cents.
#
# The history (2025-01-01 to 2026-02-26, Asia/Shanghai) has 3 teams with a
# manager each, 9 reps (rep9 deactivated), a pool of unowned leads, leads
# converted in a later month than they came in, deals created in a skipped
# stage, moved back, lost, reopened after a loss or a win, a second deal
# from one lead, repeat deals with no lead, and no event at all in June 2025.
# Costs: monthly web and cold-call, ads with missing months, referral at
# zero cost, wechat with no cost rows, quarter-long expo stands and
# campaign bursts across month ends; forecast snapshots for 2025-10 to
# 2026-02 (February taken twice).
set -eu
seed=42
leads=3000
db=${CRM_DB:-}
while getopts s:n:d: opt; do
	case $opt in
	s) seed=$OPTARG ;;
	n) leads=$OPTARG ;;
	d) db=$OPTARG ;;
	*) echo "usage: gen-dataset.sh [-s SEED] [-n LEADS] [-d DB] DIR" >&2; exit 64 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { echo "usage: gen-dataset.sh [-s SEED] [-n LEADS] [-d DB] DIR" >&2; exit 64; }
[ -n "$db" ] || { echo "gen-dataset.sh: no database (set CRM_DB or -d)" >&2; exit 64; }
dir=$1
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
rm -f "$dir"/*.tsv

cat >"$dir/crm.yaml" <<'EOF'
currency: CNY
timezone: Asia/Shanghai
pipeline:
  - {id: contact, name: 初步接触, probability: 10}
  - {id: qualify, name: 需求确认, probability: 30}
  - {id: proposal, name: 方案报价, probability: 50}
  - {id: negotiation, name: 商务谈判, probability: 80}
  - {id: won, name: 赢单, probability: 100, kind: won}
  - {id: lost, name: 输单, probability: 0, kind: lost}
loss_reasons:
  - {id: price, name: 价格太高}
  - {id: competitor, name: 选择了竞争对手}
  - {id: no-budget, name: 没有预算}
  - {id: no-decision, name: 无法决策}
  - {id: timing, name: 时机不对}
  - other
sources:
  - {id: web, name: 官网}
  - {id: expo, name: 展会}
  - {id: referral, name: 老客户介绍}
  - {id: ads, name: 广告}
  - {id: cold-call, name: 电话陌拜}
  - {id: wechat, name: 微信}
EOF

awk -v SEED="$seed" -v LEADS="$leads" -v DIR="$dir" -v TZOFF=28800 \
	-f "$here/dates.awk" -f "$here/gen-dataset.awk"

[ -e "$db" ] || CRM_DB=$db CRM_CONFIG=$dir/crm.yaml crm init >/dev/null

sqlite3 -batch -bail "$db" <<EOF
.mode tabs
.import --schema temp $dir/teams.tsv t_teams
.import --schema temp $dir/users.tsv t_users
.import --schema temp $dir/leads.tsv t_leads
.import --schema temp $dir/accounts.tsv t_accounts
.import --schema temp $dir/deals.tsv t_deals
.import --schema temp $dir/deal_stages.tsv t_stages
.import --schema temp $dir/interactions.tsv t_inter
.import --schema temp $dir/costs.tsv t_costs
.import --schema temp $dir/snapshots.tsv t_snap
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
INSERT INTO teams (id, name, manager_id, created_at)
  SELECT id, name, nullif(manager_id, ''), '2024-12-01T00:00:00Z' FROM t_teams;
INSERT INTO users (id, login, name, team_id, role, manager_id, active, created_at)
  SELECT id, login, name, nullif(team_id, ''), role, nullif(manager_id, ''), active,
         '2024-12-01T00:00:00Z' FROM t_users;
INSERT INTO leads (id, name, company, source, campaign, region, industry, status, owner_id,
                   created_at, updated_at, first_contact_at, last_activity_at, converted_at,
                   account_id, deal_id, assigned_at)
  SELECT id, name, company, source, nullif(campaign, ''), region, industry, status,
         nullif(owner_id, ''), created_at, created_at, nullif(first_contact_at, ''),
         nullif(first_contact_at, ''), nullif(converted_at, ''), nullif(account_id, ''),
         nullif(deal_id, ''), CASE WHEN owner_id <> '' THEN created_at END
  FROM t_leads;
INSERT INTO accounts (id, name, name_norm, industry, region, owner_id, lead_id, created_at, updated_at)
  SELECT id, name, name, industry, region, owner_id, nullif(lead_id, ''), created_at, created_at
  FROM t_accounts;
INSERT INTO deals (id, title, account_id, pipeline, stage, status, amount, currency, expected_close,
                   closed_at, owner_id, source, campaign, lead_id, loss_reason, created_at,
                   updated_at, stage_changed_at)
  SELECT id, title, account_id, 'default', stage, status, amount, 'CNY', nullif(expected_close, ''),
         nullif(closed_at, ''), owner_id, source, nullif(campaign, ''), nullif(lead_id, ''),
         nullif(loss_reason, ''), created_at, stage_changed_at, stage_changed_at
  FROM t_deals;
INSERT INTO deal_stages (id, deal_id, from_stage, to_stage, at, actor, reason)
  SELECT id, deal_id, nullif(from_stage, ''), to_stage, at, actor, nullif(reason, '') FROM t_stages;
INSERT INTO interactions (id, subject_type, subject_id, kind, at, summary, user_id, created_at)
  SELECT id, subject_type, subject_id, kind, at, '联系 ' || id, user_id, at FROM t_inter;
INSERT INTO costs (id, source, campaign, period_start, period_end, amount, created_at)
  SELECT id, source, nullif(campaign, ''), period_start, period_end, amount, '2026-03-01T00:00:00Z'
  FROM t_costs;
INSERT INTO forecast_snapshots (id, taken_at, period, owner_id, team_id, deals, amount, weighted)
  SELECT id, taken_at, period, owner_id, team_id, deals, amount, weighted FROM t_snap;
COMMIT;
EOF
