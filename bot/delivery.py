"""What a failed Slack Web API call means for a message waiting to be delivered (replies, alerts): try again
later (rate limits, server errors, a network that is down) or never (Slack refused the message itself or
its channel), and how long to wait before the next try.
"""

import random
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError, SlackClientError

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


def backoff(attempts: int, base: float, cap: float) -> float:
    """Seconds before attempt `attempts + 1`: doubling from `base` up to `cap`, with ±20% jitter."""
    return min(cap, base * 2 ** attempts) * random.uniform(0.8, 1.2)
