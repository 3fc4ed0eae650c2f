#!/usr/bin/env bats
# crm-report rfm: the scores of tied values, worked out by hand.

load helper
bats_require_minimum_version 1.5.0

@test "rfm: equal values score the same; a one-off buyer is never a champion beside a repeat buyer" {
	crm-user add --login root --name Root --role admin >/dev/null
	export CRM_USER=root
	# six accounts: five buy once (two on the same day), the sixth twice, long ago
	for i in 1 2 3 4 5 6; do crm-account add --name "客户$i" >/dev/null; done
	won() {	# ACCOUNT DATE
		CRM_NOW=$2T02:00:00Z crm-stage add --title "d$1-$2" --account "$1" --amount 1000 >/dev/null
		CRM_NOW=$2T02:00:00Z crm-stage won "$(db_query "SELECT max(id) FROM deals")" >/dev/null
	}
	won 1 2026-02-20; won 2 2026-02-20; won 3 2026-02-10; won 4 2026-02-01; won 5 2026-01-20
	won 6 2025-06-01; won 6 2025-07-01
	run --separate-stderr crm-report rfm -H
	assert_success
	# F: five accounts with one win have 0 below them: 1; the sixth has 5
	# of 6 below: 1 + 25 / 6 = 5.  R: accounts 1 and 2 tie on the latest
	# day (4 below: 1 + 20 / 6 = 4); 3 has 3 below: 3; 4: 2; 5: 1 + 5/6 = 1;
	# 6 is the oldest: 1.  M: 6 won 2000, the rest 1000 (0 below: 1).
	assert_equal "$(cut -f1,6,7,8,9 <<<"$output" | sort -n)" "$(printf '%s\n' \
		"1	4	1	1	potential" "2	4	1	1	potential" "3	3	1	1	potential" \
		"4	2	1	1	hibernating" "5	1	1	1	lost" "6	1	5	5	at-risk")"
}
