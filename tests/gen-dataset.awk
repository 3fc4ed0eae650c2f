# gen-dataset.awk: the body of tests/gen-dataset.sh (see there).  Needs
# dates.awk.  Variables: SEED, LEADS, DIR.  Writes DIR/*.tsv, one file per
# table, with the stored columns plus *_ts epoch seconds for the tests.
#
# Time runs on a "virtual" axis that skips June 2025 (local): nothing at
# all happens in that month, so every report has an empty period.

# Park-Miller minimal standard generator: exact in double arithmetic, so
# every awk gives the same data for the same seed.
function rnd() { RS_ = (RS_ * 16807) % 2147483647; return RS_ / 2147483647 }
function irand(lo, hi) { return lo + int(rnd() * (hi - lo + 1)) }
function pick(list,    a, n) { n = split(list, a, " "); return a[irand(1, n)] }
# pick from "a:30 b:20 ..." by weight
function wpick(list,    a, n, i, w, tot, r, kv) {
	n = split(list, a, " ")
	tot = 0
	for (i = 1; i <= n; i++) { split(a[i], kv, ":"); tot += kv[2] }
	r = rnd() * tot
	for (i = 1; i <= n; i++) {
		split(a[i], kv, ":")
		if ((r -= kv[2]) < 0)
			return kv[1]
	}
	split(a[n], kv, ":")
	return kv[1]
}
function real(v) { return v < GAP ? v : v + GAPLEN }

function out(file, line) { print line > (DIR "/" file ".tsv") }

function interaction(type, id, v, user,    t) {
	t = real(v)
	NI++
	out("interactions", NI "\t" type "\t" id "\t" pick("call email meeting visit wechat note") \
	    "\t" iso(t) "\t" t "\t" user)
}

function stage_row(deal, from, to, v, actor, reason,    t) {
	D_LAST = v
	t = real(v)
	NS++
	out("deal_stages", NS "\t" deal "\t" from "\t" to "\t" iso(t) "\t" t "\t" actor "\t" reason)
}

# A deal from creation to where it stands at the end of the data: forward
# moves, skipped stages, moves back, won, lost, and reopened after a loss
# or (rarely) a win.  Sets D_STAGE D_STATUS D_CLOSED D_REASON, and D_LAST
# (the time of the last stage row).
function walk(id, v, owner, first,    s, moves, r, login, reason) {
	login = LOGIN[owner]
	s = first
	stage_row(id, "", STAGE[s], v, login, "")
	D_STATUS = "open"; D_CLOSED = ""; D_REASON = ""
	for (moves = 0; moves < 14; moves++) {
		v += irand(1, 30) * 86400 + irand(0, 86399)
		if (v > VMAX)
			break
		r = rnd()
		if (D_STATUS == "lost") {
			if (r < 0.35) {		# reopened, back to an earlier open stage
				s = s > 2 ? s - 1 : 1
				stage_row(id, "lost", STAGE[s], v, login, "")
				D_STATUS = "open"; D_CLOSED = ""; D_REASON = ""
				continue
			}
			break
		}
		if (D_STATUS == "won") {
			if (r < 0.08) {
				s = 4
				stage_row(id, "won", STAGE[s], v, login, "")
				D_STATUS = "open"; D_CLOSED = ""
				continue
			}
			break
		}
		if (r < 0.16) {
			reason = pick(REASONS)
			stage_row(id, STAGE[s], "lost", v, login, reason)
			D_STATUS = "lost"; D_CLOSED = v; D_REASON = reason
		} else if (r < 0.16 + (s == 4 ? 0.5 : 0.06)) {
			stage_row(id, STAGE[s], "won", v, login, "")
			D_STATUS = "won"; D_CLOSED = v
		} else if (r < 0.30 && s > 1) {
			stage_row(id, STAGE[s], STAGE[s - 1], v, login, "")
			s--
		} else if (r < 0.40 && s < 3) {		# skips a stage
			stage_row(id, STAGE[s], STAGE[s + 2], v, login, "")
			s += 2
		} else if (r < 0.80 && s < 4) {
			stage_row(id, STAGE[s], STAGE[s + 1], v, login, "")
			s++
		}
		# else: no move this time
	}
	D_STAGE = D_STATUS == "open" ? STAGE[s] : D_STATUS
}

function deal(lead, account, owner, source, campaign, v,    id, first, amount, ec, t, k, w) {
	id = ++ND
	first = wpick("1:70 2:20 3:10")
	amount = rnd() < 0.03 ? 0 : irand(5000, 800000) * 100 + irand(0, 1) * irand(0, 99)
	ec = rnd() < 0.1 ? "" : local_date(real(v + irand(15, 120) * 86400))
	walk(id, v, owner, first)
	t = real(v)
	out("deals", id "\t" "项目" id "\t" account "\t" lead "\t" owner "\t" source "\t" campaign "\t" \
	    D_STAGE "\t" D_STATUS "\t" amount "\t" ec "\t" (D_CLOSED == "" ? "" : iso(real(D_CLOSED))) \
	    "\t" (D_CLOSED == "" ? "" : real(D_CLOSED)) "\t" D_REASON "\t" iso(t) "\t" t "\t" iso(real(D_LAST)))
	for (k = irand(0, 3); k > 0; k--)
		if ((w = v + irand(1, 60) * 86400) <= VMAX)
			interaction("deal", id, w, owner)
	return id
}

function account(lead, owner, region, industry, v,    id, t) {
	id = ++NA
	t = real(v)
	ACC_OWNER[id] = owner
	ACC_V[id] = v
	out("accounts", id "\t" "客户公司" id "\t" industry "\t" region "\t" owner "\t" lead "\t" iso(t) "\t" t)
	return id
}

BEGIN {
	OFS = "\t"
	RS_ = SEED > 0 ? SEED % 2147483646 + 1 : 1
	for (i = 0; i < 10; i++) rnd()
	V0 = 1735660800			# 2025-01-01 00:00 +08:00
	GAP = 1748707200		# 2025-06-01 00:00 +08:00
	GAPLEN = 30 * 86400		# June 2025
	VMAX = 1772035200 - GAPLEN	# the last event: 2026-02-26 local
	STAGE[1] = "contact"; STAGE[2] = "qualify"; STAGE[3] = "proposal"; STAGE[4] = "negotiation"
	REASONS = "price competitor no-budget no-decision timing other"

	out("teams", "id\tname\tmanager_id")
	out("users", "id\tlogin\tname\tteam_id\trole\tmanager_id\tactive")
	out("leads", "id\tname\tcompany\tsource\tcampaign\tregion\tindustry\tstatus\towner_id" \
	    "\tcreated_at\tcreated_ts\tfirst_contact_at\tfirst_contact_ts\tconverted_at\tconverted_ts" \
	    "\taccount_id\tdeal_id")
	out("accounts", "id\tname\tindustry\tregion\towner_id\tlead_id\tcreated_at\tcreated_ts")
	out("deals", "id\ttitle\taccount_id\tlead_id\towner_id\tsource\tcampaign\tstage\tstatus" \
	    "\tamount\texpected_close\tclosed_at\tclosed_ts\tloss_reason\tcreated_at\tcreated_ts" \
	    "\tstage_changed_at")
	out("deal_stages", "id\tdeal_id\tfrom_stage\tto_stage\tat\tat_ts\tactor\treason")
	out("interactions", "id\tsubject_type\tsubject_id\tkind\tat\tat_ts\tuser_id")
	out("costs", "id\tsource\tcampaign\tperiod_start\tperiod_end\tamount")
	out("snapshots", "id\ttaken_at\tperiod\towner_id\tteam_id\tdeals\tamount\tweighted")

	split("华东 华北 华南", TEAM, " ")
	for (i = 1; i <= 3; i++)
		out("teams", i "\t" TEAM[i] "销售部\t" (i + 1))
	split("管理员 陈静 刘洋 赵磊 张伟 王芳 李娜 王强 李军 刘敏 陈杰 杨帆 黄丽", NAME, " ")
	LOGIN[1] = "admin"
	out("users", "1\tadmin\t" NAME[1] "\t\tadmin\t\t1")
	for (i = 2; i <= 4; i++) {
		LOGIN[i] = "mgr" (i - 1)
		TEAM_OF[i] = i - 1
		out("users", i "\t" LOGIN[i] "\t" NAME[i] "\t" (i - 1) "\tmanager\t\t1")
	}
	for (i = 5; i <= 13; i++) {
		LOGIN[i] = sprintf("rep%d", i - 4)
		TEAM_OF[i] = int((i - 5) / 3) + 1
		out("users", i "\t" LOGIN[i] "\t" NAME[i] "\t" TEAM_OF[i] "\trep\t" (TEAM_OF[i] + 1) \
		    "\t" (i == 13 ? 0 : 1))		# rep9 has left but still owns records
	}

	span = VMAX - 45 * 86400 - V0
	for (id = 1; id <= LEADS; id++) {
		v = V0 + int(rnd() * span)
		t = real(v)
		source = wpick("web:30 expo:20 referral:15 ads:15 cold-call:10 wechat:10")
		campaign = ""
		if (source == "expo")
			campaign = period(t, "month") < "2025-07" ? "expo-spring" : "expo-autumn"
		else if (source == "ads" && rnd() < 0.7)
			campaign = pick("baidu douyin")
		region = wpick("华东:40 华北:25 华南:25 西南:10")
		industry = pick("机械 电子 化工 汽车 食品")
		owner = rnd() < 0.1 ? "" : (rnd() < 0.05 ? irand(2, 4) : irand(5, 13))
		status = "new"; fc = ""; conv = ""; acc = ""; dl = ""
		if (owner != "" && rnd() < 0.75) {
			fv = v + irand(600, 10 * 86400)
			if (fv <= VMAX) {
				fc = fv
				status = rnd() < 0.5 ? "contacted" : "qualified"
				interaction("lead", id, fv, owner)
				for (k = irand(0, 3); k > 0; k--)
					if ((w = fv + irand(3600, 30 * 86400)) <= VMAX)
						interaction("lead", id, w, owner)
				if (rnd() < 0.1)
					status = "disqualified"
				else if (rnd() < 0.4 && (cv = fv + irand(1, 40) * 86400 + irand(0, 86399)) <= VMAX) {
					conv = cv
					status = "converted"
					# a customer we already have: link, do not duplicate
					if (NA > 5 && rnd() < 0.15)
						acc = irand(1, NA)
					else
						acc = account(id, owner, region, industry, cv)
					dl = deal(id, acc, owner, source, campaign, cv)
					if (rnd() < 0.04)	# a second deal from the same lead
						deal(id, acc, owner, source, campaign, cv + 86400 * irand(1, 20))
				}
			}
		} else if (owner == "" && rnd() < 0.05)
			status = "disqualified"
		out("leads", id "\t客户" id "\t公司" id "\t" source "\t" campaign "\t" region "\t" industry \
		    "\t" status "\t" owner "\t" iso(t) "\t" t "\t" (fc == "" ? "" : iso(real(fc))) \
		    "\t" (fc == "" ? "" : real(fc)) "\t" (conv == "" ? "" : iso(real(conv))) \
		    "\t" (conv == "" ? "" : real(conv)) "\t" acc "\t" dl)
	}
	# repeat business: deals with no lead, on accounts we have
	for (k = int(NA / 3); k > 0; k--) {
		a = irand(1, NA)
		if ((v = ACC_V[a] + irand(20, 200) * 86400) <= VMAX)
			deal("", a, ACC_OWNER[a], "referral", "", v)
	}

	# Costs: monthly for most channels, none for wechat, zero for
	# referral, quarterly expo stands, odd-dated campaign bursts.
	nc = 0
	for (y = 2025; y <= 2026; y++)
		for (m = 1; m <= 12; m++) {
			if (y == 2026 && m > 2)
				break
			z0 = days_from_civil(y, m, 1)
			z1 = days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 1
			out("costs", ++nc "\tweb\t\t" day_date(z0) "\t" day_date(z1) "\t" irand(8000, 20000) * 100)
			if (m % 3 != 2)		# ads skip some months: empty periods
				out("costs", ++nc "\tads\t\t" day_date(z0) "\t" day_date(z1) "\t" irand(20000, 60000) * 100)
			if (m % 2 == 1)
				out("costs", ++nc "\treferral\t\t" day_date(z0) "\t" day_date(z1) "\t0")
			out("costs", ++nc "\tcold-call\t\t" day_date(z0) "\t" day_date(z1) "\t" irand(3000, 6000) * 100 + irand(0, 99))
		}
	out("costs", ++nc "\texpo\texpo-spring\t2025-03-01\t2025-05-31\t30000000")
	out("costs", ++nc "\texpo\texpo-autumn\t2025-09-01\t2025-11-30\t36000000")
	out("costs", ++nc "\tads\tbaidu\t2025-03-10\t2025-04-20\t" irand(50000, 90000) * 100)
	out("costs", ++nc "\tads\tdouyin\t2025-10-15\t2026-01-14\t" irand(90000, 150000) * 100 + 33)

	# Forecast snapshots as cron would have taken them at the start of
	# each month, one per rep; February 2026 was taken twice.
	ns = 0
	for (m = 10; m <= 14; m++) {
		y = m > 12 ? 2026 : 2025
		mm = m > 12 ? m - 12 : m
		t = days_from_civil(y, mm, 1) * 86400 - tzoff() + 3600
		for (u = 5; u <= 13; u++) {
			amt = irand(0, 40) * 20000000
			out("snapshots", ++ns "\t" iso(t) "\t" sprintf("%04d-%02d", y, mm) "\t" u "\t" TEAM_OF[u] \
			    "\t" irand(0, 12) "\t" amt "\t" int(amt * irand(1, 9) / 10))
		}
		if (m == 14)
			for (u = 5; u <= 13; u++)
				out("snapshots", ++ns "\t" iso(t + 86400 * 9) "\t2026-02\t" u "\t" TEAM_OF[u] \
				    "\t1\t99900\t1")
	}
}
