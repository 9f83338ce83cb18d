"""What a failed Slack Web API call means for a message waiting to be delivered (replies, alerts): try again
later (rate limits, server errors, a network that is down) or never (Slack refused the message itself or
its channel), and how long to wait before the next try.
"""

import logging
import os
import random
import socket
import threading
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

log = logging.getLogger("hirebot.delivery")

# Refusals about where the message was going (the lead left, the channel was archived...): another channel may work.
CHANNEL_ERRORS = {"channel_not_found", "not_in_channel", "is_archived", "user_not_found", "account_inactive",
                  "user_disabled", "cannot_dm_bot", "restricted_action", "not_allowed_token_type", "ekm_access_denied",
                  "team_access_not_granted", "user_is_restricted"}
# Errors Slack answers with HTTP 200 and ok=false that go away by themselves; every other `error` is permanent
# (invalid_blocks, channel_not_found, not_in_channel, is_archived, user_not_found, account_inactive, ...).
TRANSIENT = {"ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable",
             "request_timeout", "team_added_to_org"}


@dataclass(frozen=True)
class Failure:
    """One failed attempt: `retry` (or give up), the wait Slack asked for (Retry-After, seconds), the error."""

    retry: bool
    retry_after: float | None
    error: str


def failure(err: Exception) -> Failure:
    """Classify what a WebClient call raised (SlackApiError, SlackClientError, OSError)."""
    if isinstance(err, SlackApiError):
        response = err.response
        name = str(response.get("error") or "") if isinstance(response.data, dict) else ""
        status = response.status_code
        header = response.headers.get("Retry-After") or response.headers.get("retry-after")
        try:
            retry_after = max(0.0, float(header)) if header is not None else None
        except ValueError:
            retry_after = None
        if status == 429 or status >= 500 or name in TRANSIENT:
            return Failure(True, retry_after if status == 429 or name in {"ratelimited", "rate_limited"} else None,
                           f"HTTP {status} {name}".strip())
        return Failure(False, None, name or f"HTTP {status}")
    if isinstance(err, (SlackClientError, OSError)):
        return Failure(True, None, f"{type(err).__name__}: {err}"[:300])
    raise err


def claimant() -> str:
    """Who claims an alert or a reply for posting: this host and process (a dead process's claims are
    released). Asked at each claim: `hirebot serve --workers` forks its workers after the modules load."""
    return f"{socket.gethostname()}:{os.getpid()}"


def claimant_alive(owner: str) -> bool:
    """Whether the process a claim names (`claimant()`, on this host) is still running."""
    try:
        os.kill(int(owner.rpartition(":")[2]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def backoff(attempts: int, base: float, cap: float) -> float:
    """Seconds before attempt `attempts + 1`: doubling from `base` up to `cap`, with ±20% jitter."""
    return min(cap, base * 2 ** attempts) * random.uniform(0.8, 1.2)


def metadata(event_type: str, key: str) -> dict:
    """Slack message metadata carrying a delivery's key, so the message can be found again (`find_posted`)."""
    return {"event_type": event_type, "event_payload": {"key": key}}


def find_posted(client: WebClient, channel: str, thread_ts: str | None, since: float, event_type: str,
                key: str) -> str | None:
    """The ts of the message carrying `metadata(event_type, key)` posted in `channel` (in `thread_ts`) since
    `since`, or None: not there, or Slack would not say (a user id instead of a DM's channel id, a missing
    scope); the caller then posts it, so at worst it is doubled."""
    oldest = str(max(0.0, since - 1))
    try:
        if thread_ts:
            found = client.conversations_replies(channel=channel, ts=thread_ts, oldest=oldest,
                                                 include_all_metadata=True, limit=200)
        else:
            found = client.conversations_history(channel=channel, oldest=oldest, include_all_metadata=True,
                                                 limit=200)
    except (SlackApiError, SlackClientError, OSError) as err:
        log.warning("could not look in %s for %s %s (%s); sending it", channel, event_type, key, failure(err).error)
        return None
    for message in found.get("messages") or []:
        meta = message.get("metadata") or {}
        if meta.get("event_type") == event_type and (meta.get("event_payload") or {}).get("key") == key:
            return message.get("ts")
    return None


class Sender:
    """An outbox's background thread: each round `deliver_due()`, then a sleep of `_next_wait()` seconds that
    `wake()` cuts short; `_released()` runs first (claims of a process that died). Subclasses name `what`."""

    what = "message"

    def __init__(self) -> None:
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def deliver_due(self) -> int:
        raise NotImplementedError

    def _next_wait(self) -> float:
        raise NotImplementedError

    def _released(self) -> None:
        """Before the first round: make what a dead process had claimed due again (and say so)."""

    def wake(self) -> None:
        """Look for due deliveries now (one was just queued)."""
        self._wake.set()

    def start(self) -> "Sender":
        """Run in a daemon thread until `stop()`; what earlier runs left undelivered goes first."""
        self._released()
        self._thread = threading.Thread(target=self._run, name=f"hirebot-{self.what}-sender", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread (waits for the current delivery)."""
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.deliver_due()
            except Exception:  # the sender must outlive a bad row or a locked database
                log.exception("%s delivery failed", self.what)
            self._wake.wait(self._next_wait())
            self._wake.clear()
