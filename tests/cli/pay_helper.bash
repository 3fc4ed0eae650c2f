# Shared set-up of pay.bats and receivables.bats: a team, a finance
# recorder, an account and contracts, and the arithmetic the tests check
# the tools against.
load helper

# Team east is managed by mgr; alice and bob are reps in it (alice reports
# to mgr); carol is a rep of team west; fin is a rep in the approver group
# finance, which the config names as payment recorders.
pay_setup() {
	crm-user add --login root --name Root --role admin >/dev/null
	export CRM_USER=root
	crm-user add --login mgr --name Manager --role manager --email mgr@example.com >/dev/null
	crm-user team add east --manager mgr
	crm-user team add west
	crm-user update mgr --team east
	crm-user add --login alice --name Alice --team east --manager mgr --email alice@example.com >/dev/null
	crm-user add --login bob --name Bob --team east --email bob@example.com >/dev/null
	crm-user add --login carol --name Carol --team west --email carol@example.com >/dev/null
	crm-user add --login fin --name Finance --email fin@example.com >/dev/null
	mkdir -p "$XDG_CONFIG_HOME/crm"
	cat >"$XDG_CONFIG_HOME/crm/crm.yaml" <<'YAML'
approvers:
  finance: [fin]
payments:
  plans:
    std: [30, {percent: 60, after: 30d}, {percent: 10, after: 90d}]
    halves: [50, {percent: 50, after: 2w}]
  default_plan: std
  recorders: [finance]
  remind_after: 1d
  escalate_after: 15d
contracts:
  approval:
    - {above: 0, steps: manager}
YAML
	crm-account add --name 华东机械 --owner alice >/dev/null
	crm-account add --name 西部电子 --owner carol >/dev/null
}

# contract NUMBER OWNER AMOUNT_CENTS STATUS START ACCOUNT: a contract in
# STATUS, starting (and, past draft, signed) on START.  Drafts, signed,
# active, completed and terminated ones come in through crm-contract import
# as a team's history would; pending and rejected ones are made from a won
# deal and go through the approval step the config gives every contract
# made by the tool (mgr decides).
contract() {
	local signed=$5 account=$6
	[ "$account" = NULL ] && account=
	case $4 in
	pending|rejected)
		local deal
		deal=$(crm-stage add --title "$1" --account "$account" --owner "$2" -H | cut -f1)
		crm-stage won "$deal" -q
		crm-contract new --deal "$deal" --number "$1" --amount "$(money "$3")" --start "$5" \
			--as "$2" -q
		crm-contract submit "$1" --as "$2" -q
		[ "$4" = pending ] || crm-contract reject "$1" --comment no --as mgr -q
		return ;;
	draft) signed= ;;
	esac
	printf 'number\tamount\taccount\towner\tcurrency\tstart_date\tsigned_on\tstatus\n%s\t%s\t%s\t%s\tCNY\t%s\t%s\t%s\n' \
		"$1" "$(money "$3")" "$account" "$2" "$5" "$signed" "$4" | crm-contract import --tsv -q
}

# money CENTS: as the tools print it
money() { awk -v c="$1" 'BEGIN { printf "%s%d.%02d", c < 0 ? "-" : "", (c < 0 ? -c : c) / 100, (c < 0 ? -c : c) % 100 }'; }

# plus DATE DAYS: the date DAYS later; days FROM TO: days between two dates
plus() { date -u -d "$1 + $2 days" +%Y-%m-%d; }
days() { echo $(( ($(date -u -d "$2" +%s) - $(date -u -d "$1" +%s)) / 86400 )); }

# at DATE: CRM_NOW at 09:00 in Shanghai on DATE
at() { echo "${1}T01:00:00Z"; }
