/* ticket.h: service tickets (crm-ticket): a kind of the record engine,
 * their status flow, replies and internal notes (interactions on the
 * ticket), assignment by the config's rules, the SLA clocks, intake from
 * a mail message, and satisfaction surveys.
 *
 * Status flow:  new -> open -> pending <-> open -> resolved -> closed;
 * resolved -> open again (reopen).  A reply to the customer opens a new
 * ticket and is its first response; a customer's mail on a pending or
 * resolved ticket opens it again. */
#ifndef CRM_TICKET_H
#define CRM_TICKET_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ctx.h"
#include "out.h"
#include "record.h"

extern const struct crm_kind crm_ticket_kind;

/* Who sees ticket t (over t.owner_id): the owner's side as for every
 * record, and with service.queue = team the owner's team mates too. */
#define CRM_SQL_TICKET_SEEN(t) \
	"(" CRM_SQL_VISIBLE_OWNED(t ".owner_id") " OR (:queue_team = 1 AND " t ".owner_id IN" \
	" (SELECT m.id FROM users m WHERE m.team_id = :actor_team)))"
/* The instant ticket t first missed a due time, now included: its
 * breached_at, else (not written since) the due time of a clock still
 * running that is past now; NULL when none. */
#define CRM_SQL_TICKET_BREACH(t, now) \
	"coalesce(" t ".breached_at, CASE WHEN " t ".status IN ('new', 'open') THEN" \
	" CASE WHEN " t ".first_response_at IS NULL AND " t ".first_response_due < " now \
	" THEN " t ".first_response_due WHEN " t ".resolve_due < " now " THEN " t ".resolve_due" \
	" END END)"
/* Bind :queue_team beside the actor's parameters. */
void crm_ticket_bind_actor(struct crm_ctx *ctx, struct crm_stmt *st);

/* The ticket which names ("12" or "T-000012"): 0, 1 after "no such
 * ticket", 77 after "not visible". */
int crm_ticket_find(struct crm_ctx *ctx, const char *which, int64_t *id);

/* Move the ticket to status to ("open", "pending", "resolved", "closed";
 * "reopen" for resolved -> open), with an optional comment logged as an
 * internal note.  One transaction; prints id, number, status. */
int crm_ticket_move(struct crm_ctx *ctx, const char *which, const char *to, const char *comment,
		    FILE *out);

/* A reply to the customer (kind "reply") or an internal note ("note"),
 * as an interaction on the ticket.  One transaction; prints the
 * interaction id, the ticket's number and status. */
int crm_ticket_reply(struct crm_ctx *ctx, const char *which, const char *kind, const char *text,
		     FILE *out);

/* Inside the caller's transaction: the customer wrote again on ticket id:
 * a pending or resolved ticket is open again. */
int crm_ticket_customer_replied(struct crm_ctx *ctx, int64_t id);
bool crm_ticket_closed(struct crm_ctx *ctx, int64_t id);

/* Give the ticket to login (NULL: by the config's rules). */
int crm_ticket_assign(struct crm_ctx *ctx, const char *which, const char *login, FILE *out);

/* Inside the caller's transaction: the owner the config's service.assign
 * rules give ticket id (0: none), and set it when found. */
int crm_ticket_assign_rules(struct crm_ctx *ctx, int64_t id, int64_t *owner);

/* After a change of status, priority or response: the SLA clocks of
 * ticket id (first_response_due, resolve_due, breached_at) from the
 * config's calendar and SLAs; inside the caller's transaction. */
int crm_ticket_sla_refresh(struct crm_ctx *ctx, int64_t id);

/* Where a ticket stands against its SLA now: state "none" (no SLA),
 * "ok", "approaching" (service.warn_before or less left), "breached",
 * "paused" (pending: waiting on the customer) or "done" (resolved in
 * time); left: business seconds to the next due time, when has_left. */
struct crm_sla_state {
	const char *state;
	bool has_left;
	int64_t left;
};
void crm_ticket_sla_state(struct crm_ctx *ctx, const char *status, const char *first_response_at,
			  const char *first_response_due, const char *resolve_due,
			  const char *breached_at, struct crm_sla_state *out);

struct crm_ticket_filter {
	const char *status, *priority, *category, *owner;
	bool breached, approaching;	/* only tickets past, or near, a due time */
};
/* Open tickets (not resolved or closed) with their SLA state: id, number,
 * status, priority, category, subject, account, owner, age (business
 * hours), first_response_due, resolve_due, sla (ok, approaching,
 * breached, paused, none). */
int crm_ticket_queue(struct crm_ctx *ctx, const struct crm_ticket_filter *f, FILE *out);

/* The ticket and its thread: the profile, then "# thread" (every
 * customer message, reply and note), "# articles", "# survey", "# history". */
int crm_ticket_show(struct crm_ctx *ctx, int64_t id, FILE *out);

/* Open a ticket from the mail message in buf (or add it to the ticket its
 * subject tag "[T-000012]" or In-Reply-To names): linked to the contact
 * and account of its sender's e-mail, assigned by the rules.  One
 * transaction; prints id, number, status, account, contact, owner and
 * whether it is new or a reply. */
int crm_ticket_from_mail(struct crm_ctx *ctx, const char *buf, size_t len, const char *name,
			 FILE *out);

/* ---- surveys (survey.c) ---- */

/* Inside the caller's transaction: the survey due for ticket id, resolved
 * now (once per ticket). */
int crm_survey_due(struct crm_ctx *ctx, int64_t ticket_id);
/* The surveys to send (unsent; all with all): code, ticket, recipient,
 * email, due_at, link (service.survey.url with {code} and {ticket}).
 * mark: record them as sent. */
int crm_survey_list(struct crm_ctx *ctx, bool all, bool mark, FILE *out);
/* An answer: scale "csat" (1-5) or "nps" (0-10). */
int crm_survey_rate(struct crm_ctx *ctx, const char *code, const char *scale, const char *score,
		    const char *comment, FILE *out);
/* Answers from a form tool's export at path ("-" stdin; format an enum
 * crm_rows_format): columns code, csat and/or nps, comment.  Every bad row
 * is reported and nothing is recorded. */
int crm_survey_import(struct crm_ctx *ctx, const char *path, int format, FILE *out);

/* The 360 view's tickets of account id: id, number, status, priority,
 * subject, created_at, resolved_at, sla, csat, owner. */
int crm_ticket_account_section(struct crm_ctx *ctx, int64_t account_id, struct crm_out *o);

#endif
