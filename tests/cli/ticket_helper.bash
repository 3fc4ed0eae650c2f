# Shared set-up of ticket.bats and service.bats: a support team, a
# calendar with a lunch break, the National Day week off and its make-up
# Saturday, SLAs per priority, assignment rules, and a customer whose
# contact's e-mail links the mail they send.
load helper

# root (admin); mgr manages team support: sam and sue; fay is billing;
# bob is a sales rep of team east.
ticket_setup() {
	crm-user add --login root --name Root --role admin >/dev/null
	export CRM_USER=root
	crm-user add --login mgr --name Manager --role manager --email mgr@example.com >/dev/null
	crm-user team add support --manager mgr
	crm-user team add east
	crm-user add --login sam --name Sam --team support --manager mgr --email sam@example.com >/dev/null
	crm-user add --login sue --name Sue --team support --manager mgr --email sue@example.com >/dev/null
	crm-user add --login fay --name Fay --email fay@example.com >/dev/null
	crm-user add --login bob --name Bob --team east >/dev/null
	ticket_setup_config
	crm-account add --name 长江电子 --owner bob --email it@cj.example.cn >/dev/null
	crm-contact add --name 王伟 --account 1 --email wangwei@cj.example.cn --owner bob >/dev/null
}

# ticket_setup_config: the config (QUEUE="queue: team" opens team queues)
ticket_setup_config() {
	mkdir -p "$XDG_CONFIG_HOME/crm"
	cat >"$XDG_CONFIG_HOME/crm/crm.yaml" <<YAML
service:
  calendar:
    timezone: Asia/Shanghai
    days: [mon, tue, wed, thu, fri]
    hours: ["09:00-12:00", "13:00-18:00"]
    holidays: ["2026-10-01..2026-10-07"]
    workdays: [2026-10-10]
  sla:
    urgent: {first_response: 1h, resolve: 4h}
    high: {first_response: 2h, resolve: 8h}
    normal: {first_response: 4h, resolve: 16h}
  warn_before: 1h
  ${QUEUE:-queue: own}
  survey:
    url: "https://survey.example.com/s/{code}?t={ticket}"
  assign:
    - {match: {category: billing}, to: fay}
    - {team: support}
YAML
}

# gb2312_mail SUBJECT BODY [HEADERS...]: a message from 王伟 as Outlook
# sends it: subject and name as gb2312 encoded words, the body base64.
gb2312_mail() {
	local subject=$1 body=$2
	shift 2
	python3 - "$subject" "$body" "$@" <<'PY'
import base64, sys
subject, body, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
def word(s):
    return "=?gb2312?B?%s?=" % base64.b64encode(s.encode("gb2312")).decode()
print("From: %s <WangWei@cj.example.cn>" % word("王伟"))
print("To: support@example.com")
print("Subject: " + word(subject))
for h in extra:
    print(h)
print("Date: Wed, 30 Sep 2026 10:00:00 +0800")
print("MIME-Version: 1.0")
print('Content-Type: text/plain; charset="gb2312"')
print("Content-Transfer-Encoding: base64")
print()
print(base64.b64encode(body.encode("gbk")).decode())
PY
}

# at LOCAL: the instant of a Shanghai wall-clock time ("2026-09-30 10:00")
at() { date -u -d "TZ=\"Asia/Shanghai\" $1" +%Y-%m-%dT%H:%M:%SZ; }
