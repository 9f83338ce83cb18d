"""Reqs in Slack: `/hire req` (a modal), `/hire reqs`, the "Check this req" shortcut, reqs pasted in a
conversation, the alert's buttons, the lead's open alerts on App Home, and the req webhooks' routes.

One `Desk` per database owns the reqs store, the alert sender (its own thread and connection) and the
webhooks, so that the Slack listeners and `POST /webhooks/...` share one sender. Registered before the
other surfaces: its "Check this req" shortcut and App Home listener take precedence over the plain ones.
"""

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import (
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)

from bot.engine.reqs import (
    LEAD_IN,
    Req,
    ReqError,
    ReqReport,
    analyse,
    parse_req,
    read_pasted,
    report_answer,
    req_from_text,
)
from bot.knowledge import KnowledgeBase
from bot.render import blocks
from bot.render.alerts import (
    ACTION_ACK,
    ACTION_DETAILS,
    ACTION_DIAGNOSTIC,
    ACTION_INTENDED,
    ACTION_TRACKER,
    alert_message,
)
from bot.render.req_form import REQ_VIEW, TIER_LABELS, form_values, req_modal
from bot.reqs.alerts import AlertSender
from bot.reqs.store import OPEN, ReqStore, Saved
from bot.reqs.webhooks import ReqWebhooks, read_request, respond
from bot.settings import Settings
from bot.slack import etiquette
from bot.slack.converse import START_DIAGNOSTIC, Hirebot, answer_in, is_dm
from bot.slack.listeners import commands

log = logging.getLogger("hirebot.reqs")

INTENDED_VIEW = "hb_req_intended"
REASON_BLOCK = "reason"
CHECK_REQ = "check_req"  # the message shortcut's callback id (app manifest)
MENTION = re.compile(r"^\s*(<@[A-Z0-9]+>\s*)+")
SETTLE = 2.0  # seconds a new alert waits for others to the same lead, to go together as one digest
PAGE = 20  # reqs per /hire reqs page
HOME_ALERTS = 10  # open alerts shown on App Home
NOT_YOURS = "Only this req's team lead or hiring manager can resolve its alert; I've left it as it is."


@dataclass
class Desk:
    """The reqs side of one running hirebot: store, analysis, sender, webhooks."""

    kb: KnowledgeBase
    reqs: ReqStore
    sender: AlertSender
    hooks: ReqWebhooks
    lock: threading.Lock = field(default_factory=threading.Lock)  # guards reqs's connection
    recruiters: frozenset[str] = frozenset()  # HIREBOT_RECRUITERS: they see every req that is not confidential

    def intake(self, req: Req, origin: str, submitter: str | None,
               report: ReqReport | None = None) -> tuple[Saved, ReqReport]:
        """Analyse (unless `report` is its analysis) and store a req (its alert queued in the same transaction)
        and wake the sender."""
        report = report or analyse(self.kb, req)
        with self.lock:
            saved = self.reqs.save(req, report, origin=origin, submitter=submitter)
        self.sender.wake()
        return saved, report

    def stop(self) -> None:
        """Stop the alert sender's thread."""
        self.sender.stop()


_DESKS: dict[str, Desk] = {}
_DESKS_LOCK = threading.Lock()


def desk_for(settings: Settings, hirebot: Hirebot, client: WebClient) -> Desk:
    """The process's Desk for HIREBOT_DB (made, and its sender started, on first use).

    It shares the app's knowledge base, store connection and lock: one SQLite connection per process, used
    by one thread at a time (a second connection writing between another's read and write makes SQLite
    refuse the write)."""
    key = str(settings.db)
    with _DESKS_LOCK:
        if key not in _DESKS:
            reqs = ReqStore(hirebot.store)
            sender = AlertSender(reqs, client, settings.alert_channel, db_lock=hirebot.lock, settle=SETTLE)
            secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
            gh = settings.greenhouse_webhook_secret
            hooks = ReqWebhooks(hirebot.engine.kb, reqs, secret, gh.get_secret_value() if gh else None,
                                lambda _: sender.wake())
            _DESKS[key] = Desk(hirebot.engine.kb, reqs, sender, hooks, hirebot.lock, settings.recruiters)
            sender.start()
        return _DESKS[key]


def close_desk(settings: Settings) -> None:
    """Stop the Desk of HIREBOT_DB (its sender thread) and forget it."""
    with _DESKS_LOCK:
        desk = _DESKS.pop(str(settings.db), None)
    if desk:
        desk.stop()


def routes(settings: Settings) -> dict[tuple[str, str], Callable]:
    """`hirebot serve`'s extra routes: POST /webhooks/reqs and /webhooks/greenhouse (see bot/slack/server.py),
    served by the Desk that `register` made for the Slack app."""
    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        desk = _DESKS.get(str(settings.db))
        if desk is None:
            return respond(start_response, 503, {"error": "the Slack app is not running"})
        request = read_request(environ)
        with desk.lock:
            status, reply = desk.hooks.handle(*request)
        return respond(start_response, status, reply)

    return {("POST", "/webhooks/reqs"): app, ("POST", "/webhooks/greenhouse"): app}


def register(app: App, hirebot: Hirebot, settings: Settings) -> Desk:
    """Add the reqs surfaces to `app` (call it before the other surfaces); returns the running Desk, which the
    app's middleware hands to `arrived` with every request."""
    desk = desk_for(settings, hirebot, app.client)
    app.shortcut(CHECK_REQ)(on_shortcut)
    app.view(REQ_VIEW)(on_req_submitted)
    app.view(INTENDED_VIEW)(on_intended_submitted)
    app.action(ACTION_ACK)(on_acknowledge)
    app.action(ACTION_INTENDED)(on_intended)
    app.action(ACTION_DIAGNOSTIC)(on_start_diagnostic)
    app.action(ACTION_TRACKER)(on_open_tracker)
    app.action(ACTION_DETAILS)(on_details)
    app.action(blocks.OPEN_REQ)(on_open_req_form)
    app.event("app_home_opened")(on_home_opened)
    commands.REQ_VERBS["req"] = lambda command, respond, client, hb: on_hire_req(desk, command, respond, client, hb)
    commands.REQ_VERBS["reqs"] = lambda command, respond, client, hb: on_hire_reqs(desk, command, respond)
    return desk


# ---------------------------------------------------------------------------------------------- intake


def _show(hb: Hirebot, desk: Desk, req: Req, report: ReqReport, question: str) -> dict:
    return hb.message(report_answer(desk.kb, req, report), question, share=True)


def arrived(desk: Desk, hb: Hirebot, body: dict, context: BoltContext) -> None:
    """What every request gets before the listeners run (bot/slack/app.py's middleware): the Desk in its
    context; and a req pasted in a conversation ("check this req: ...") is stored and alerted (the engine
    answers the message)."""
    context["reqs_desk"] = desk
    _intake_pasted(desk, hb, body, context)


def _intake_pasted(desk: Desk, hb: Hirebot, body: dict, context: BoltContext) -> None:
    event = body.get("event") or {}
    if body.get("type") != "event_callback" or event.get("type") not in ("message", "app_mention"):
        return
    if event.get("subtype") or event.get("bot_id") or not event.get("user"):
        return
    text = MENTION.sub("", event.get("text") or "")
    if not LEAD_IN.match(text) or len(text.split()) < 8:
        return
    channel, thread_ts, said = event.get("channel", ""), event.get("thread_ts"), event.get("text") or ""
    if not (etiquette.is_private_chat(channel, event.get("channel_type"))
            or etiquette.mentions_me(said, context.bot_user_id)
            or (thread_ts and hb.may_overhear(channel, thread_ts, event["user"], said, context.bot_user_id))):
        return
    try:
        req, report = read_pasted(desk.kb, text)
        desk.intake(req, "slack", event["user"], report)
    except Exception:  # the conversation must still be answered
        log.exception("a pasted req could not be stored")


def on_shortcut(ack: Ack, shortcut: dict, context: BoltContext, respond: Respond) -> None:
    """"Check this req" on a message: store and alert the req in its text, and show the analysis."""
    ack()
    desk, hb = context["reqs_desk"], context["hirebot"]
    text = (shortcut.get("message") or {}).get("text") or ""
    if len(text.split()) < 3:
        respond(response_type="ephemeral", **blocks.notice("That message has no req text for me to check."))
        return
    req = req_from_text(desk.kb, text)
    _, report = desk.intake(req, "slack", shortcut["user"]["id"])
    respond(response_type="ephemeral", **_show(hb, desk, req, report, text))


def on_hire_req(desk: Desk, command: dict, respond: Respond, client: WebClient, hb: Hirebot) -> None:
    """`/hire req` opens the req form; `/hire req <job description>` checks the text directly."""
    text = command.get("text", "").strip()[3:].strip()
    if text:
        req = req_from_text(desk.kb, text)
        _, report = desk.intake(req, "slack", command["user_id"])
        respond(response_type="ephemeral", **_show(hb, desk, req, report, text))
        return
    client.views_open(trigger_id=command["trigger_id"], view=req_modal(command.get("channel_id")))


def on_hire_reqs(desk: Desk, command: dict, respond: Respond) -> None:
    """`/hire reqs [page]`: the reqs the user leads or manages (a recruiter: every one that is not confidential),
    with their status, newest first, PAGE at a time (the user's own first on each page), and how many more
    there are with the command that shows them."""
    user = command["user_id"]
    recruiter = user in desk.recruiters
    words = command.get("text", "").split()
    page = int(words[1]) if len(words) > 1 and words[1].isdigit() and int(words[1]) > 0 else 1
    with desk.lock:
        items = desk.reqs.visible(user, recruiter, limit=PAGE, offset=(page - 1) * PAGE)
        total = desk.reqs.visible_count(user, recruiter)
        failed = desk.reqs.undelivered(i["key"] for i in items)
    if not items:
        said = (f"There are {total} reqs for you: `/hire reqs` shows the newest {PAGE}." if total else
                "No reqs of yours yet (you see the reqs you lead or manage). Use `/hire req` to check one.")
        respond(response_type="ephemeral", **blocks.notice(said))
        return
    mine = [i for i in items if user in (i["recipient"], i["req"].team_lead, i["req"].hiring_manager)]
    ordered = mine + [i for i in items if i not in mine]
    first, last = (page - 1) * PAGE + 1, (page - 1) * PAGE + len(items)
    heading = "*Reqs* {} (newest first; yours first)" if recruiter else "*Your reqs* {} (newest first)"
    sections = [SectionBlock(text=MarkdownTextObject(text=heading.format(f"{first}-{last} of {total}")))]
    sections += [SectionBlock(text=MarkdownTextObject(text=_req_line(i, user, failed.get(i["key"]))[:2900]))
                 for i in ordered]
    if total > last:
        sections.append(ContextBlock(elements=[MarkdownTextObject(
            text=f"{total - last} more: `/hire reqs {page + 1}` shows the next {min(PAGE, total - last)}.")]))
    respond(response_type="ephemeral", text=f"Reqs {first}-{last} of {total}", blocks=[b.to_dict() for b in sections])


def _req_line(item: dict, user: str | None = None, undelivered: str | None = None) -> str:
    kinds = ", ".join(f.kind.replace("_", " ") for f in item["report"].findings) or "no findings"
    status = item["status"]
    if item.get("resolved_by"):
        status += f" by {blocks.mention(item['resolved_by'])}"
    lead = item["recipient"] or item["req"].team_lead
    who = " · *yours*" if user and user in (lead, item["req"].hiring_manager) else (
        f" · lead {blocks.mention(lead)}" if lead else "")
    when = f" · {blocks.slack_date(item['updated'])}" if item.get("updated") else ""
    problem = f"\n:warning: alert not delivered: {blocks.escape(undelivered)}" if undelivered else ""
    return (f"*{blocks.escape_mrkdwn(item['req'].title)}* ({blocks.escape(item['key'])}) · {status}{who}{when}\n"
            f"{kinds}{problem}")


# ---------------------------------------------------------------------------------------------- the form


def on_open_req_form(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
    """A walk-through's "Open a req with this scoping": the req form, filled in from the walk-through."""
    ack()
    try:
        draft = json.loads(action.get("value") or "{}")
    except ValueError:
        draft = {}
    draft = {k: v for k, v in draft.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(draft, dict) \
        else {}
    channel = (body.get("container") or {}).get("channel_id") or (body.get("channel") or {}).get("id")
    client.views_open(trigger_id=body["trigger_id"], view=req_modal(channel, draft))


def on_req_submitted(ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient) -> None:
    """The `/hire req` form: errors back on their fields, or the req stored and its analysis shown."""
    desk, hb = context["reqs_desk"], context["hirebot"]
    try:
        req = parse_req(form_values(view))
    except ReqError as err:
        ack(response_action="errors", errors={k: v[:150] for k, v in err.fields.items()})
        return
    ack()
    user = body["user"]["id"]
    _, report = desk.intake(req, "slack", user)
    shown = _show(hb, desk, req, report, req.description)
    channel = json.loads(view.get("private_metadata") or "{}").get("channel")
    if channel and not is_dm(channel):
        try:
            client.chat_postEphemeral(channel=channel, user=user, **shown)
            return
        except SlackApiError as err:
            log.info("req analysis not shown in %s (%s); sending it by DM", channel, err.response.get("error"))
    client.chat_postMessage(channel=user, **shown)


# ---------------------------------------------------------------------------------------------- alert buttons


def _when() -> str:
    return blocks.slack_date(time.time())


def _update_alert(desk: Desk, client: WebClient, key: str, channel: str | None, ts: str | None, status: str) -> None:
    with desk.lock:
        item = desk.reqs.get(key)
    if item and channel and ts:
        text, alert = alert_message(item, status=status)
        client.chat_update(channel=channel, ts=ts, text=text, blocks=alert)


def on_acknowledge(ack: Ack, body: dict, action: dict, context: BoltContext, client: WebClient,
                   respond: Respond) -> None:
    """The alert's Acknowledge button: its owner resolves it and the alert shows who and when."""
    ack()
    desk = context["reqs_desk"]
    user, key = body["user"]["id"], action["value"]
    with desk.lock:
        allowed = desk.reqs.can_resolve(key, user)
        changed = allowed and desk.reqs.resolve(key, user, "acknowledge")
    if not allowed:
        respond(response_type="ephemeral", replace_original=False, **blocks.notice(NOT_YOURS))
        return
    if not changed:  # a second click: the alert already says who acknowledged it
        return
    container = body.get("container") or {}
    _update_alert(desk, client, key, container.get("channel_id"), container.get("message_ts"),
                  f":white_check_mark: Acknowledged by {blocks.mention(user)} · {_when()}")
    publish_home(desk, client, user)


def on_intended(ack: Ack, body: dict, action: dict, context: BoltContext, client: WebClient,
                respond: Respond) -> None:
    """The alert's "Intended as is" button: its owner is asked why, in a modal."""
    ack()
    desk = context["reqs_desk"]
    user, key = body["user"]["id"], action["value"]
    with desk.lock:
        allowed = desk.reqs.can_resolve(key, user)
    if not allowed:
        respond(response_type="ephemeral", replace_original=False, **blocks.notice(NOT_YOURS))
        return
    container = body.get("container") or {}
    meta = {"key": key, "channel": container.get("channel_id"), "ts": container.get("message_ts")}
    client.views_open(trigger_id=body["trigger_id"], view={
        "type": "modal", "callback_id": INTENDED_VIEW, "private_metadata": json.dumps(meta),
        "title": {"type": "plain_text", "text": "Intended as is"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [InputBlock(block_id=REASON_BLOCK, label=PlainTextObject(text="Why is the req right as it is?"),
                              element=PlainTextInputElement(action_id=REASON_BLOCK, multiline=True,
                                                            max_length=1000)).to_dict()],
    })


def on_intended_submitted(ack: Ack, body: dict, view: dict, context: BoltContext, client: WebClient) -> None:
    """"Intended as is" with its reason: the req resolved and its alert updated, for its owners only."""
    desk = context["reqs_desk"]
    meta = json.loads(view.get("private_metadata") or "{}")
    reason = (form_values(view).get(REASON_BLOCK) or "").strip()
    user = body["user"]["id"]
    if not reason:
        ack(response_action="errors", errors={REASON_BLOCK: "Say why, so the team sees the decision."})
        return
    with desk.lock:
        allowed = desk.reqs.can_resolve(meta.get("key", ""), user)
        if allowed:
            desk.reqs.resolve(meta["key"], user, "intended", reason)
    if not allowed:
        ack(response_action="errors", errors={REASON_BLOCK: NOT_YOURS})
        return
    ack()
    _update_alert(desk, client, meta["key"], meta.get("channel"), meta.get("ts"),
                  f":memo: Intended as is, by {blocks.mention(user)} · {_when()}: {blocks.escape(reason)}")
    publish_home(desk, client, user)


def on_start_diagnostic(ack: Ack, body: dict, action: dict, context: BoltContext, client: WebClient) -> None:
    """Start the walk-through in a thread under the alert, then tell it what the req already says."""
    ack()
    desk, hb = context["reqs_desk"], context["hirebot"]
    with desk.lock:
        item = desk.reqs.get(action["value"])
    container = body.get("container") or {}
    channel, ts, user = container.get("channel_id"), container.get("message_ts"), body["user"]["id"]
    if not item or not channel or not ts:
        return
    conversation = f"{channel}:{ts}"
    answer_in(hb, client, channel, ts, conversation, START_DIAGNOSTIC, user)
    req = item["req"]
    known = [f"We are a {TIER_LABELS[req.employer_tier]} company." if req.employer_tier else "",
             req.description[:1500]]
    answer_in(hb, client, channel, ts, conversation, " ".join(k for k in known if k), user)


# ---------------------------------------------------------------------------------------------- App Home


def home_alerts(desk: Desk, user: str) -> list[dict]:
    """App Home blocks: the open req alerts the user may see (their own; a recruiter's: every one that is not
    confidential), the newest HOME_ALERTS, and how many more."""
    recruiter = user in desk.recruiters
    with desk.lock:
        mine = desk.reqs.visible(user, recruiter, status=OPEN, limit=HOME_ALERTS)
        total = desk.reqs.visible_count(user, recruiter, status=OPEN) if len(mine) == HOME_ALERTS else len(mine)
        failed = desk.reqs.undelivered(i["key"] for i in mine)
    section = [DividerBlock(), HeaderBlock(text=PlainTextObject(text="Your open req alerts"))]
    if not mine:
        section.append(ContextBlock(elements=[MarkdownTextObject(text="None: no req of yours needs a look.")]))
    for item in mine:
        line = _req_line(item, None, failed.get(item["key"]))
        section.append(SectionBlock(text=MarkdownTextObject(text=line[:2900])))
    if total > len(mine):
        section.append(ContextBlock(elements=[MarkdownTextObject(
            text=f"{total - len(mine)} more open: `/hire reqs` lists them, {PAGE} a page.")]))
    return [b.to_dict() for b in section]


def publish_home(desk: Desk, client: WebClient, user: str) -> None:
    """Publish the user's App Home: the examples, then their open req alerts (after every alert action too, so
    the tab never shows an alert as open that was just resolved)."""
    view = blocks.home_view([(s.title, s.question) for s in desk.kb.starters])
    view["blocks"] = (view["blocks"] + home_alerts(desk, user))[:100]
    try:
        client.views_publish(user_id=user, view=view)
    except SlackApiError as err:  # the action itself is done; a stale tab is not worth failing it
        log.info("App Home not refreshed for an alert action (%s)", err.response.get("error"))


def on_open_tracker(ack: Ack) -> None:
    """Open in tracker is a link button: Slack opens the URL and still sends the click, which is acked."""
    ack()


def on_details(ack: Ack, body: dict, action: dict, context: BoltContext, client: WebClient) -> None:
    """A digest's Details: the req's whole alert (with its buttons, or how it was resolved) in the digest's thread."""
    ack()
    desk = context["reqs_desk"]
    with desk.lock:
        item = desk.reqs.get(action["value"])
    container = body.get("container") or {}
    channel, ts = container.get("channel_id"), container.get("message_ts")
    if not item or not channel:
        return
    resolved = f"{item['status'].capitalize()} by <@{item['resolved_by']}>" if item.get("resolved_by") else None
    text, alert = alert_message(item, status=resolved)
    client.chat_postMessage(channel=channel, thread_ts=ts, text=text, blocks=alert)


def on_home_opened(ack: Ack, event: dict, context: BoltContext, client: WebClient) -> None:
    """App Home: the examples, then the user's open req alerts."""
    ack()
    if event.get("tab", "home") != "home":
        return
    publish_home(context["reqs_desk"], client, event["user"])
