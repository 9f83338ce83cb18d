"""Req alerts: the outbox sender that delivers the team lead's message (built in bot/render/alerts.py).

The sender reads due rows of the `alerts` outbox, posts them with chat.postMessage and marks them sent;
Slack errors and rate limits are retried with backoff (429s after Retry-After). Undelivered alerts stay
in the outbox, so a restarted process sends them; a refusal Slack would repeat ends the retries
(bot/delivery.py): a lead Slack cannot reach falls back to HIREBOT_ALERT_CHANNEL, else the alert is marked
failed. It goes at Slack's pace: at most one message a second per channel, and several alerts for one
recipient that land together (an import, a burst of webhooks) go as one digest (up to DIGEST_MAX reqs a
message, each with its top finding and a Details button) instead of one message each; with `settle`, a new
alert waits that long for others to join it.
"""

import logging
import threading
import time
from collections import defaultdict

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.delivery import CHANNEL_ERRORS, Failure, Sender, backoff, failure, find_posted, metadata
from bot.render.alerts import DIGEST_MAX, alert_message, digest_message
from bot.reqs.store import SENDING, ReqStore

log = logging.getLogger(__name__)

EVENT_TYPE = "hirebot_alert"  # message metadata carrying the alert's id (see bot/delivery.py)
PACE = 1.0  # seconds between two messages to one channel (Slack allows about one a second)
MAX_HOLD = 10.0  # a burst that keeps growing is sent after this long anyway
BATCH = 500  # due alerts read per round


class AlertSender(Sender):
    """Delivers the alerts outbox to Slack, retrying with backoff; one background thread."""

    what = "alert"

    def __init__(self, reqs: ReqStore, client: WebClient, alert_channel: str | None = None,
                 base_delay: float = 2.0, max_delay: float = 300.0, poll: float = 5.0,
                 db_lock: "threading.Lock | None" = None, settle: float = 0.0, pace: float = PACE):
        """`db_lock` guards `reqs`'s connection when other threads use it too (the Slack app's store).
        `settle`: how long a new alert waits for others to the same recipient (a digest); `pace`: the least
        time between two messages to one channel."""
        self.reqs, self.client, self.alert_channel = reqs, client, alert_channel
        self.base_delay, self.max_delay, self.poll = base_delay, max_delay, poll
        self.settle, self.pace = settle, pace
        self.db_lock = db_lock or threading.Lock()
        super().__init__()
        self._lock = threading.Lock()
        self._posted: dict[str, float] = {}  # channel -> when the last message went there (time.monotonic)
        self._soonest: float | None = None  # when an alert held back this round may go (time.time)


    def deliver_due(self) -> int:
        """Send what is due, one message per recipient (a digest when several wait) at most once per `pace`;
        returns how many alerts reached Slack."""
        delivered, now, soonest = 0, time.time(), None
        with self._lock:
            with self.db_lock:
                due = self.reqs.due_alerts(limit=BATCH)
            groups: dict[str | None, list[dict]] = defaultdict(list)
            for alert in due:
                groups[alert["recipient"] or self.alert_channel].append(alert)
            for channel, alerts in groups.items():
                if channel is None:
                    for alert in alerts:
                        self._failed(alert["id"], "no team lead and HIREBOT_ALERT_CHANNEL is not set", self.max_delay)
                    continue
                ready = max(self._held_until(alerts, now), now + self._posted.get(channel, -1e9) + self.pace
                            - time.monotonic())
                if ready > now:
                    soonest = ready if soonest is None else min(soonest, ready)
                    continue
                delivered += self._deliver(channel, alerts[:DIGEST_MAX])
                if len(alerts) > DIGEST_MAX:
                    soonest = now + self.pace if soonest is None else min(soonest, now + self.pace)
        self._soonest = soonest
        return delivered

    def _held_until(self, alerts: list[dict], now: float) -> float:
        """When a burst for one recipient may go: `settle` after its newest alert (at most MAX_HOLD after its
        oldest); at once when it already fills a digest."""
        if not self.settle or len(alerts) >= DIGEST_MAX:
            return now
        created = [a["created"] or now for a in alerts]
        return min(max(created) + self.settle, min(created) + MAX_HOLD)

    def _failed(self, alert_id: int, error: str, retry_in: float) -> None:
        with self.db_lock:
            self.reqs.mark_failed(alert_id, error, retry_in)

    def _deliver(self, channel: str, alerts: list[dict]) -> int:
        """Post one message to `channel` for `alerts` (one alert: the alert; several: a digest); returns how many
        reached Slack. An alert whose sender died mid-post is first looked for in the channel."""
        with self.db_lock:
            claimed = [(a, self.reqs.get(a["req_key"])) for a in alerts if self.reqs.claim(a["id"])]
        delivered, ready = 0, []
        for alert, item in claimed:
            if item is None:
                self._undeliverable(alert, "req not found", channel)
            elif alert["status"] == SENDING and (ts := find_posted(self.client, channel, None, alert["created"],
                                                                   EVENT_TYPE, str(alert["id"]))):
                with self.db_lock:
                    self.reqs.mark_sent(alert["id"], channel, ts)
                log.info("alert %s was posted before its sender stopped; not posted again", alert["id"])
                delivered += 1
            else:
                ready.append((alert, item))
        if not ready:
            return delivered
        key = ",".join(str(alert["id"]) for alert, _ in ready)  # a digest's: one of its alerts is not found by it
        try:
            text, blocks = alert_message(ready[0][1]) if len(ready) == 1 else digest_message([i for _, i in ready])
            response = self.client.chat_postMessage(channel=channel, text=text, blocks=blocks,
                                                    metadata=metadata(EVENT_TYPE, key))
        except (SlackApiError, SlackClientError, OSError) as err:
            failed = failure(err)
            for alert, _ in ready:
                self._refused(alert, channel, failed)
            return delivered
        except ValueError as err:  # slack_sdk's block models refuse what Slack would (a field too long)
            for alert, _ in ready:
                self._undeliverable(alert, f"the alert cannot be built: {err}"[:300], channel)
            return delivered
        finally:  # the pace runs from when the post ended: a slow post does not bring the next one closer
            self._posted[channel] = time.monotonic()
        with self.db_lock:
            for alert, _ in ready:
                self.reqs.mark_sent(alert["id"], response.get("channel"), response.get("ts"))
        return delivered + len(ready)

    def _refused(self, alert: dict, channel: str, failed: Failure) -> bool:
        """A failed post: retried later, sent to HIREBOT_ALERT_CHANNEL instead, or given up (False)."""
        if failed.retry:
            delay = failed.retry_after if failed.retry_after is not None else backoff(
                alert["attempts"], self.base_delay, self.max_delay)
            self._failed(alert["id"], failed.error, delay)
            log.warning("alert %s for req %s not delivered yet (%s); retrying in %.1fs", alert["id"],
                        alert["req_key"], failed.error, delay)
            return False
        if failed.error in CHANNEL_ERRORS and self.alert_channel and channel != self.alert_channel:
            with self.db_lock:
                self.reqs.reroute(alert["id"], self.alert_channel, f"{failed.error} at {channel}")
            log.warning("alert %s for req %s: Slack refused %s (%s); sending it to HIREBOT_ALERT_CHANNEL",
                        alert["id"], alert["req_key"], channel, failed.error)
            self.wake()
            return False
        return self._undeliverable(alert, failed.error, channel)

    def _undeliverable(self, alert: dict, error: str, channel: str) -> bool:
        with self.db_lock:
            self.reqs.mark_undeliverable(alert["id"], error)
        log.error("alert %s for req %s not delivered to %s: %s; not retried (see /hire reqs)", alert["id"],
                  alert["req_key"], channel, error)
        return False

    def _released(self) -> None:
        with self.db_lock:
            released = self.reqs.release_orphans()
        if released:
            log.info("%s alert(s) claimed by a process that died will be sent again", released)

    def _next_wait(self) -> float:
        if self._soonest is not None:  # alerts held back (a burst settling, a channel's pace): wake for them
            return max(0.01, min(self.poll, self._soonest - time.time()))
        with self.db_lock:
            due = self.reqs.next_due()
        if due is None:
            return self.poll
        return max(0.01, min(self.poll, due - time.time()))
