"""Request bodies shaped as Slack sends them, and Slack's request signing (v0 HMAC-SHA256)."""

import hashlib
import hmac
import itertools
import json
import time
from urllib.parse import urlencode

from standin import BOT_ID, BOT_USER, TEAM

APP = "A0HIREBOT"
_seq = itertools.count(1)


def new_ts() -> str:
    return f"{1700000000 + next(_seq)}.{next(_seq):06d}"


def sign(secret: str, body: str, timestamp: int | None = None) -> dict:
    """The headers Slack adds: X-Slack-Request-Timestamp and X-Slack-Signature = v0=HMAC(v0:ts:body)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def event_callback(event: dict, event_id: str | None = None) -> str:
    return json.dumps({
        "token": "verification-token-unused", "team_id": TEAM, "api_app_id": APP, "event": event,
        "type": "event_callback", "event_id": event_id or f"Ev{next(_seq):08d}", "event_time": int(time.time()),
        "authorizations": [{"enterprise_id": None, "team_id": TEAM, "user_id": BOT_USER, "is_bot": True,
                            "is_enterprise_install": False}],
        "is_ext_shared_channel": False, "event_context": "4-eyJldCI6ImFwcF9tZW50aW9uIn0",
    })


def mention(text: str, channel: str = "C0CHAN", user: str = "U0ALICE", ts: str | None = None,
            thread_ts: str | None = None) -> dict:
    event = {"type": "app_mention", "user": user, "text": f"<@{BOT_USER}> {text}", "ts": ts or new_ts(),
             "team": TEAM, "channel": channel, "client_msg_id": f"m-{next(_seq)}"}
    event["event_ts"] = event["ts"]
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def message(text: str, channel: str = "C0CHAN", user: str = "U0ALICE", ts: str | None = None,
            thread_ts: str | None = None, channel_type: str = "channel", **extra) -> dict:
    event = {"type": "message", "user": user, "text": text, "ts": ts or new_ts(), "team": TEAM,
             "channel": channel, "channel_type": channel_type, "client_msg_id": f"m-{next(_seq)}"}
    event["event_ts"] = event["ts"]
    if thread_ts:
        event["thread_ts"] = thread_ts
    event.update(extra)
    return {k: v for k, v in event.items() if v is not None}


def bot_message(text: str, channel: str = "C0CHAN", thread_ts: str | None = None) -> dict:
    """How Slack delivers a message the bot itself posted."""
    return message(text, channel=channel, user=BOT_USER, thread_ts=thread_ts, bot_id=BOT_ID, app_id=APP,
                   client_msg_id=None)


def url_verification(challenge: str) -> str:
    return json.dumps({"token": "verification-token-unused", "challenge": challenge, "type": "url_verification"})


def slash(text: str, response_url: str, channel: str = "C0CHAN", user: str = "U0BOB", command: str = "/hire") -> str:
    return urlencode({
        "token": "verification-token-unused", "team_id": TEAM, "team_domain": "example", "channel_id": channel,
        "channel_name": "hiring", "user_id": user, "user_name": "bob", "command": command, "text": text,
        "api_app_id": APP, "is_enterprise_install": "false", "response_url": response_url,
        "trigger_id": f"{next(_seq)}.trigger",
    })


def block_actions(button: dict, container: dict, response_url: str, user: str = "U0ALICE",
                  message: dict | None = None) -> str:
    """A button click: `button` is the element as the bot sent it, `container` where the message is."""
    payload = {
        "type": "block_actions", "user": {"id": user, "username": "alice", "name": "alice", "team_id": TEAM},
        "api_app_id": APP, "token": "verification-token-unused", "container": container,
        "trigger_id": f"{next(_seq)}.trigger", "team": {"id": TEAM, "domain": "example"},
        "enterprise": None, "is_enterprise_install": False, "response_url": response_url,
        "actions": [{"action_id": button["action_id"], "block_id": button.get("block_id", "b1"),
                     "text": button["text"], "value": button.get("value", ""), "type": "button",
                     "action_ts": str(time.time())}],
        "state": {"values": {}},
    }
    if container.get("channel_id"):
        payload["channel"] = {"id": container["channel_id"], "name": "hiring"}
    if message is not None:
        payload["message"] = message
    return urlencode({"payload": json.dumps(payload)})


def view_submission(callback_id: str, values: dict, user: str = "U0ALICE") -> str:
    payload = {
        "type": "view_submission", "team": {"id": TEAM, "domain": "example"},
        "user": {"id": user, "username": "alice", "name": "alice", "team_id": TEAM},
        "api_app_id": APP, "token": "verification-token-unused", "trigger_id": f"{next(_seq)}.trigger",
        "view": {"id": "V0VIEW", "team_id": TEAM, "type": "modal", "blocks": [], "private_metadata": "",
                 "callback_id": callback_id, "state": {"values": values}, "hash": "1.abc",
                 "title": {"type": "plain_text", "text": "Ask hirebot"}, "app_id": APP, "bot_id": BOT_ID},
        "response_urls": [], "is_enterprise_install": False, "enterprise": None,
    }
    return urlencode({"payload": json.dumps(payload)})


def message_shortcut(callback_id: str, text: str, response_url: str, channel: str = "C0CHAN",
                     user: str = "U0ALICE") -> str:
    ts = new_ts()
    payload = {
        "type": "message_action", "token": "verification-token-unused", "action_ts": str(time.time()),
        "team": {"id": TEAM, "domain": "example"}, "user": {"id": user, "username": "alice", "team_id": TEAM},
        "channel": {"id": channel, "name": "hiring"}, "is_enterprise_install": False, "enterprise": None,
        "callback_id": callback_id, "trigger_id": f"{next(_seq)}.trigger", "response_url": response_url,
        "message_ts": ts, "message": {"type": "message", "user": "U0CAROL", "ts": ts, "text": text},
    }
    return urlencode({"payload": json.dumps(payload)})


def assistant_thread(kind: str, channel: str = "D0ALICE", thread_ts: str = "1729999327.187299",
                     user: str = "U0ALICE", looking_at: str | None = "C0CHAN") -> dict:
    """assistant_thread_started / assistant_thread_context_changed as Slack sends them."""
    context = {"channel_id": looking_at, "team_id": TEAM, "enterprise_id": None} if looking_at else {}
    return {"type": kind, "assistant_thread": {"user_id": user, "context": context, "channel_id": channel,
                                               "thread_ts": thread_ts}, "event_ts": new_ts()}
