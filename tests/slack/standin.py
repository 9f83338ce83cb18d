"""A stand-in for Slack's Web API: a threaded HTTP server on 127.0.0.1 that records every call and answers
as Slack does. It also serves response_urls (`/respond/<name>`), and can be told to fail a method with a
status (429 with Retry-After, 500) a number of times."""

import itertools
import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

BOT_USER, BOT_ID, TEAM = "UHIREBOT", "BHIREBOT", "T0TEAM"


@dataclass
class Call:
    """One recorded request: the API method (or `response_url`), its parameters and headers."""

    method: str
    params: dict
    headers: dict = field(default_factory=dict)
    status: int = 200
    ts: str | None = None  # the ts Slack gave a posted message
    at: float = field(default_factory=time.monotonic)  # when it arrived

    def blocks(self) -> list[dict]:
        value = self.params.get("blocks") or []
        return json.loads(value) if isinstance(value, str) else value


class StandIn:
    """Start with `StandIn()`; `url` is the SLACK_API_URL to give the app; `close()` when done."""

    def __init__(self):
        self.calls: list[Call] = []
        self.changed = threading.Condition()
        self.faults: dict[str, deque] = defaultdict(deque)
        self.ws_url: str | None = None
        self._ts = itertools.count(1)
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                standin.handle(self, raw)

            def do_GET(self):  # slack_sdk sends some reads (conversations.history) as GET with a query
                self.path, _, query = self.path.partition("?")
                standin.handle(self, query)

        class Server(ThreadingHTTPServer):
            # Python's default listen backlog is 5: under load (the benchmarks' 8-16 threads posting at once) a
            # connection beyond it was dropped and its SYN retried a second later, a stall Slack never causes.
            request_queue_size = 128

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/api/"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def response_url(self, name: str = "r1") -> str:
        return f"http://127.0.0.1:{self.port}/respond/{name}"

    def fail(self, method: str, status: int, times: int = 1, retry_after: int | None = None,
             error: str | None = None) -> None:
        """Answer the next `times` calls of `method` with `status` (429s with a Retry-After header), or with
        200 and `{"ok": false, "error": error}` as Slack answers a refused call."""
        for _ in range(times):
            self.faults[method].append((status, retry_after, error))

    # -- serving ----------------------------------------------------------------------------------------

    def handle(self, request: BaseHTTPRequestHandler, raw: str) -> None:
        path = request.path
        method = "response_url" if path.startswith("/respond/") else path.removeprefix("/api/")
        kind = request.headers.get("Content-Type", "")
        params = json.loads(raw or "{}") if "json" in kind and request.command != "GET" else dict(parse_qsl(raw))
        status, retry_after, error = self.faults[method].popleft() if self.faults[method] else (200, None, None)
        call = Call(method, params, {k.lower(): v for k, v in request.headers.items()}, 599 if error else status)
        if error:
            body = {"ok": False, "error": error}
        elif status != 200:
            body = {"ok": False, "error": "ratelimited" if status == 429 else "internal_error"}
        else:
            body = self.answer(method, params)
            call.ts = body.get("ts")
        data = json.dumps(body).encode()
        with self.changed:  # recorded before the client can read the response: a test that asserts right after
            self.calls.append(call)  # the client's call returns always finds it
            self.changed.notify_all()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        if retry_after is not None:
            request.send_header("Retry-After", str(retry_after))
        request.end_headers()
        request.wfile.write(data)

    def answer(self, method: str, params: dict) -> dict:
        if method == "auth.test":
            return {"ok": True, "url": "https://example.slack.com/", "team": "Team", "user": "hirebot",
                    "team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID, "is_enterprise_install": False}
        if method in {"chat.postMessage", "chat.postEphemeral", "chat.update"}:
            channel = params.get("channel", "")
            if channel.startswith("U"):  # posting to a user id opens the DM with the app
                channel = "D" + channel[1:]
            ts = f"{1800000000 + next(self._ts)}.000100"
            return {"ok": True, "channel": channel, "ts": ts,
                    "message": {"text": params.get("text"), "ts": ts, "bot_id": BOT_ID, "user": BOT_USER}}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.ws_url}
        if method in {"conversations.history", "conversations.replies"}:
            return {"ok": True, "has_more": False, "messages": self.posted(params.get("channel", ""),
                                                                           params.get("ts") or None)}
        return {"ok": True}

    def posted(self, channel: str, thread_ts: str | None) -> list[dict]:
        """The messages posted in `channel` (in the thread `thread_ts`, when given), newest first, with their
        metadata, as conversations.history / conversations.replies return them."""
        with self.changed:
            found = [c for c in self.calls if c.method == "chat.postMessage" and c.status == 200
                     and c.params.get("channel") == channel
                     and (thread_ts is None or c.params.get("thread_ts") == thread_ts)]
        return [{"type": "message", "text": c.params.get("text"), "ts": c.ts, "bot_id": BOT_ID,
                 "metadata": c.params.get("metadata")} for c in reversed(found)]

    # -- asserting --------------------------------------------------------------------------------------

    def of(self, method: str, ok_only: bool = True) -> list[Call]:
        with self.changed:
            return [c for c in self.calls if c.method == method and (c.status == 200 or not ok_only)]

    def wait(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """The successful calls of `method` once there are at least `count` (fails after `timeout` s)."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = [c for c in self.calls if c.method == method and c.status == 200]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{method}: {len(found)} calls after {timeout}s, wanted {count}; "
                                         f"saw {[c.method for c in self.calls]}")
                self.changed.wait(left)


# -- reading what the bot sent ---------------------------------------------------------------------------


def buttons(blocks: list[dict]) -> list[dict]:
    """Every button of a message or view."""
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def button(blocks: list[dict], label: str) -> dict:
    """The first button whose label starts with `label` (case-insensitive)."""
    found = [e for e in buttons(blocks) if e["text"]["text"].lower().startswith(label.lower())]
    assert found, f"no button {label!r} in {[e['text']['text'] for e in buttons(blocks)]}"
    return found[0]


def text_of(blocks: list[dict]) -> str:
    """The text of sections and context lines, one per line."""
    out = []
    for b in blocks:
        if b.get("text"):
            out.append(b["text"]["text"])
        out += [e.get("text", "") for e in b.get("elements", []) if b["type"] == "context"]
    return "\n".join(out)


def wait_for(check, timeout: float = 15.0, what: str = "condition"):
    """Poll `check` until it returns something truthy (returned), or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"no {what} after {timeout}s")
