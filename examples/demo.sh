#!/bin/sh
# make demo: the main job of crm on sample data, on a fresh temporary
# database: a team is set up, an expo's business cards are imported
# (Chinese headers, no flags needed), assigned by the rules of
# examples/crm.yaml (each new owner gets a first-contact task), listed, and
# one is shown.
# usage: examples/demo.sh BINDIR
set -eu
bin=$(cd "${1:-build/bin}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
PATH=$bin:$PATH
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export CRM_DB="$tmp/crm.db" CRM_CONFIG="$here/crm.yaml"
unset CRM_USER CRM_NOW

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

step crm init
step crm-user add --login boss --name '张伟' --role admin -H
export CRM_USER=boss
for team in east south west; do step crm-user team add $team; done
step crm-user add --login li --name '李娜' --team east --role manager -H
step crm-user add --login wang --name '王芳' --team east --manager li -H
step crm-user add --login zhao --name '赵敏' --team east --manager li --weight 2 -H
step crm-user add --login chen --name '陈静' --team south -H
step crm-user add --login alice --name 'Alice Chen' --team west -H
step crm-user add --login wangfang --name '王芳芳' --team west -H
step crm-user list -f table
# examples/leads.csv has Chinese headers (姓名,公司,职位,手机,...): no mapping needed
step crm-lead import "$here/leads.csv" --campaign expo-2024
# the rules of examples/crm.yaml: east round-robin, south least-loaded, ...
step crm-assign --unassigned -f table
step crm-lead list -f table --fields id,name,company,phone,region,source,score,owner
step crm-lead show 1 -f table
step crm-task list --all -f table
printf '\nThe database was %s; it is removed now.\n' "$CRM_DB"
