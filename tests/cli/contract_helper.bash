# Shared set-up of contract.bats and order.bats: an admin (root), a team
# east managed by mgr with the reps alice and bob, the approvers lily
# (legal) and fay (finance), the config's chain above 100,000, an account
# and a deal of alice's won with an accepted two-line quote of
# 1,130,000.00 including 13% VAT.
CONFIG_YAML='approvers:
  legal: [lily]
  finance: [fay]
contracts:
  company: 我们公司
  approval:
    - above: 100000
      steps: [legal, finance]
    - above: 10000
      steps: [manager]'

# cents of a line: qty (thousandths) * price, then tax half up (13%)
line_net() { echo $(( $1 * $2 / 1000 )); }
line_tax() { echo $(( ($1 * 1300 + 5000) / 10000 )); }
money() { printf '%d.%02d' $(( $1 / 100 )) $(( $1 % 100 )); }

contract_setup() {
	crm-user add --login root --name Root --role admin >/dev/null
	export CRM_USER=root
	crm-user add --login mgr --name Manager --role manager >/dev/null
	crm-user team add east --manager mgr
	crm-user update mgr --team east
	crm-user add --login alice --name Alice --team east --manager mgr >/dev/null
	crm-user add --login bob --name Bob --team east >/dev/null
	crm-user add --login lily --name Lily >/dev/null
	crm-user add --login fay --name Fay >/dev/null
	mkdir -p "$XDG_CONFIG_HOME/crm"
	printf '%s\n' "$CONFIG_YAML" >"$XDG_CONFIG_HOME/crm/crm.yaml"
	crm-account add --name 长江电子 --owner alice >/dev/null
	crm-stage add --title 大单 --account 1 --amount 1000000 --owner alice >/dev/null
	N1=$(line_net 10000 8000000); T1=$(line_tax "$N1")
	N2=$(line_net 2000 10000000); T2=$(line_tax "$N2")
	TOTAL=$(( N1 + T1 + N2 + T2 ))
	crm-product add --sku SRV --name 服务器 --unit 台 --price 80000 >/dev/null
	crm-product add --sku INS --name 安装 --unit 次 --price 100000 >/dev/null
	crm-quote new --deal 1 --as alice >/dev/null
	crm-quote line 1 --product SRV --qty 10 --as alice >/dev/null
	crm-quote line 1 --product INS --qty 2 --as alice >/dev/null
	crm-quote send 1 --as alice >/dev/null
	crm-quote accept 1 --as alice >/dev/null
	crm-stage won 1 >/dev/null
	[ "$(db_query "SELECT total FROM quotes WHERE id = 1")" = "$TOTAL" ]
}

# approved_contract: contract 1 from the quote, approved by lily and fay
approved_contract() {
	crm-contract new --quote 1 --start 2026-03-05 --end 2027-03-04 --as alice >/dev/null
	crm-contract submit 1 --as alice >/dev/null
	crm-contract approve 1 --as lily >/dev/null
	crm-contract approve 1 --as fay >/dev/null
}
