#!/bin/sh
# gen-leads.sh N [SEED [FIRST]]: N generated leads as CSV with Chinese
# headers on stdout, the same every time for the same N, SEED and FIRST.
# Chinese and Latin names, companies, regions and cities, sources and
# campaigns; about one row in 1000 repeats the phone of an earlier row
# (DUPS=0 turns that off), so the importer's duplicate detection has work
# to do.  Rows are numbered from FIRST (default 1) and phones and e-mail
# addresses follow the number, so "gen-leads.sh 1000 2 100001" appends to
# "gen-leads.sh 100000" without repeating its phones or addresses.  This is
# the CSV half of the benchmark data; bench/gen.sh makes the database half.
n=${1:?usage: gen-leads.sh N [SEED [FIRST]]}
seed=${2:-1}
first=${3:-1}
LC_ALL=C awk -v n="$n" -v seed="$seed" -v first="$first" -v dups="${DUPS:-1}" '
function rnd(m) {	# Park-Miller: exact in doubles, so every awk agrees
	state = (state * 16807) % 2147483647
	return int(state / 7) % m
}
function pick(arr, cnt) { return arr[rnd(cnt) + 1] }
BEGIN {
	state = seed + 0 > 0 ? seed : 1
	ns = split("王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗", sur, " ")
	ng = split("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 华 慧", giv, " ")
	nl = split("Wang Li Zhang Liu Chen Smith Brown Garcia Müller Tanaka", lsur, " ")
	nf = split("Wei Na Jun Emma Lucas Mia Noah Anna Ken Yuki", lgiv, " ")
	nc = split("华东精密 长江电子 北方重工 天府软件 珠江物流 东海食品 西部能源 中原纺织 南山医疗 蓝海科技", co, " ")
	nk = split("有限公司 股份有限公司 集团 科技有限公司 (中国)有限公司", suf, " ")
	nla = split("Acme Globex Initech Umbrella Stark Wayne Hooli Vandelay", lco, " ")
	nt = split("总经理 采购经理 工程师 技术总监 销售总监 CEO Buyer Engineer", ti, " ")
	nr = split("上海:上海 北京:北京 广东:广州 广东:深圳 浙江:杭州 江苏:苏州 四川:成都 湖北:武汉 山东:青岛 福建:厦门", rc, " ")
	ni = split("制造 电子 软件 物流 食品 能源 纺织 医疗 汽车 教育", ind, " ")
	nso = split("expo web referral partner cold-call", src, " ")
	nca = split("expo-2024 spring-promo wechat-ads trade-fair-sh webinar-q3", camp, " ")
	print "姓名,公司,职位,手机,邮箱,省份,城市,行业,来源,活动"
	for (i = first; i < first + n; i++) {
		latin = rnd(5) == 0
		if (latin) {
			name = pick(lgiv, nf) " " pick(lsur, nl)
			company = pick(lco, nla) " " rnd(100000) (rnd(2) ? " Ltd." : " Inc.")
			user = tolower(substr(name, 1, 1)) i
		} else {
			name = pick(sur, ns) pick(giv, ng)
			company = pick(co, nc) rnd(100000) pick(suf, nk)
			user = "u" i
		}
		phone = sprintf("1%d%09d", 3 + rnd(7), (i * 7919) % 1000000000)
		if (dups && i - first >= 500 && i % 997 == 0)
			phone = prev[i % 500]
		prev[i % 500] = phone
		split(pick(rc, nr), rcity, ":")
		# every 50th company holds a comma, so the CSV quoting path is used
		if (i % 50 == 0)
			company = company ", " pick(ind, ni) "部"
		printf "%s,\"%s\",%s,%s,%s@example.com,%s,%s,%s,%s,%s\n", name, company,
			pick(ti, nt), phone, user, rcity[1], rcity[2], pick(ind, ni),
			pick(src, nso), pick(camp, nca)
	}
}'
