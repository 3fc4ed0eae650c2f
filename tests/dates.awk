# dates.awk: calendar arithmetic for the report tests and the dataset
# generator, in plain POSIX awk (mawk has no time functions we can trust).
# Instants are seconds since the epoch; TZOFF (seconds east of UTC, set
# with -v, default 8 hours for Asia/Shanghai, which has no DST) turns them
# into local dates.  Independent of SQLite and of lib/date.c on purpose.

# days since 1970-01-01 of a proleptic Gregorian date
function days_from_civil(y, m, d,    era, yoe, doy, doe) {
	y -= (m <= 2)
	era = int((y >= 0 ? y : y - 399) / 400)
	yoe = y - era * 400
	doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
	doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
	return era * 146097 + doe - 719468
}

# the date of day z since the epoch, in CY CM CD
function civil(z,    era, doe, yoe, doy, mp) {
	z += 719468
	era = int((z >= 0 ? z : z - 146096) / 146097)
	doe = z - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
	doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
	mp = int((5 * doy + 2) / 153)
	CD = doy - int((153 * mp + 2) / 5) + 1
	CM = mp + (mp < 10 ? 3 : -9)
	CY = yoe + era * 400 + (CM <= 2)
}

function tzoff() { return TZOFF == "" ? 28800 : TZOFF }
function local_day(t) { return int((t + tzoff()) / 86400) }

# "2026-03-02T09:00:00Z"
function iso(t,    s) {
	civil(int(t / 86400))
	s = t % 86400
	return sprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", CY, CM, CD, int(s / 3600), int(s % 3600 / 60), s % 60)
}

# epoch seconds of "YYYY-MM-DDTHH:MM:SSZ"
function iso_epoch(s) {
	return days_from_civil(substr(s, 1, 4) + 0, substr(s, 6, 2) + 0, substr(s, 9, 2) + 0) * 86400 \
		+ substr(s, 12, 2) * 3600 + substr(s, 15, 2) * 60 + substr(s, 18, 2)
}

# local calendar day of "YYYY-MM-DD" as days since the epoch
function date_day(s) {
	return days_from_civil(substr(s, 1, 4) + 0, substr(s, 6, 2) + 0, substr(s, 9, 2) + 0)
}

function day_date(z) { civil(z); return sprintf("%04d-%02d-%02d", CY, CM, CD) }
function local_date(t) { return day_date(local_day(t)) }

function day_month(z) { civil(z); return sprintf("%04d-%02d", CY, CM) }
function day_quarter(z) { civil(z); return sprintf("%04d-Q%d", CY, int((CM + 2) / 3)) }
# ISO 8601 week: the week (Monday to Sunday) belongs to the year of its Thursday
function day_week(z,    th) {
	th = z - (z + 3) % 7 + 3
	civil(th)
	return sprintf("%04d-W%02d", CY, int((th - days_from_civil(CY, 1, 1)) / 7) + 1)
}
function day_period(z, kind) {
	return kind == "week" ? day_week(z) : kind == "quarter" ? day_quarter(z) : day_month(z)
}
function period(t, kind) { return day_period(local_day(t), kind) }
