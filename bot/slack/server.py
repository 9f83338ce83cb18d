"""HTTP mode: Bolt's WSGI adapter under waitress, `POST /slack/events` and `GET /healthz` (in Socket Mode, with
`hirebot run --port`, `/healthz` and the webhooks only).

Other endpoints (the req webhooks) plug in through `routes`: `{("POST", "/webhooks/reqs"): wsgi_app}`.
What reaches Bolt has been checked here first, cheapest first: a body over MAX_BODY is refused by waitress
before it is read (413); a request without a valid Slack signature gets 401 before its body is parsed; a
signed body Bolt cannot parse gets 400. Each refusal is logged in one short line, never with the body.
docs/deploy.md says why the waitress settings below are what they are, and what the proxy in front must do.
"""

import io
import json
import logging
import re
import socket
import time
from collections.abc import Callable, Iterable

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request.internals import extract_content_type, parse_body
from slack_sdk.signature import SignatureVerifier
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]
Routes = dict[tuple[str, str], WSGIApp]

log = logging.getLogger("hirebot.http")

EVENTS_PATH = "/slack/events"
MAX_BODY = 1_000_000  # bytes: Slack's payloads are a few kB (a 40,000-character message fits many times over)
MAX_AGE = 5 * 60  # seconds: Slack's rule for X-Slack-Request-Timestamp (replays older than this are refused)
TIMESTAMP = re.compile(r"[0-9]{1,12}")
LIMITS = {  # waitress settings, measured in docs/deploy.md
    "threads": 16,  # workers; requests beyond them wait in waitress's queue, not reset
    "connection_limit": 500,  # open connections (idle ones included); more wait in the listen backlog
    "channel_timeout": 10,  # s: a connection idle this long with no whole request is closed (Slack sends at once)
    "cleanup_interval": 5,  # s: how often idle connections are looked for
    "asyncore_use_poll": True,  # poll(), not select(): select() fails past file descriptor 1024
    "max_request_body_size": MAX_BODY + 1,  # waitress refuses a body >= this, before reading it
}


def _json_response(start_response: Callable, status: str, body: dict) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def healthz(environ: dict, start_response: Callable) -> Iterable[bytes]:
    """`GET /healthz`: 200 and `{"ok": true}` while the process serves."""
    return _json_response(start_response, "200 OK", {"ok": True})


def not_found(environ: dict, start_response: Callable) -> Iterable[bytes]:
    """Any other method or path: 404."""
    body = b"Not Found"
    start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def printable(text: object, limit: int = 80) -> str:
    """Client-chosen text (a path, a header) fit for one log line: control characters dropped, clipped."""
    return "".join(ch for ch in str(text) if ch.isprintable())[:limit]


def refused(environ: dict, status: int, why: str) -> None:
    """Log a refused request in one line: status, method, path, client, reason; never the body."""
    log.info("refused %s %s %s from %s: %s", status, printable(environ.get("REQUEST_METHOD")),
             printable(environ.get("PATH_INFO")), printable(environ.get("REMOTE_ADDR")), why)


def slack_shaped(body: bytes, content_type: str | None) -> bool:
    """Whether a body has the shape Bolt relies on (parsed as Bolt parses it): a JSON object whose `event`, if
    any, is an object, or a form whose `payload`, if any, is one. Bolt answers anything else with a 500 and a
    traceback."""
    try:
        parsed = parse_body(body.decode("utf-8"), content_type)
    except (ValueError, RecursionError):  # not UTF-8, not JSON, or JSON nested thousands deep
        return False
    return isinstance(parsed, dict) and isinstance(parsed.get("event", {}), dict)


def signature_problem(verifier: SignatureVerifier, body: bytes, timestamp: str | None,
                      signature: str | None, now: float | None = None) -> str | None:
    """Why a request is not signed by Slack (None when it is): Slack's v0 HMAC of `v0:{timestamp}:{body}`,
    with a timestamp of at most MAX_AGE seconds either way. A timestamp that is not a number is refused too
    (slack_sdk's own check raises on it, which Bolt turned into a 500)."""
    if not timestamp or not signature:
        return "no Slack signature"
    if not TIMESTAMP.fullmatch(timestamp.strip()):
        return "X-Slack-Request-Timestamp is not a number"
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_AGE:
        return "X-Slack-Request-Timestamp is more than 5 minutes off"
    if not verifier.is_valid(body, timestamp.strip(), signature.strip()):
        return "bad signature"
    return None


def bolt_guard(handler: WSGIApp, signing_secret: str) -> WSGIApp:
    """`handler` (Bolt) behind the signature and shape checks: 401 for a request Slack did not sign, 400 for
    a signed body Bolt cannot parse. Bolt checks the signature again, but never sees an unsigned request,
    so its own refusal log (which writes the whole body) is never reached."""
    verifier = SignatureVerifier(signing_secret)

    def guarded(environ: dict, start_response: Callable) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(min(length, MAX_BODY)) if length > 0 else b""
        problem = signature_problem(verifier, body, environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
                                    environ.get("HTTP_X_SLACK_SIGNATURE"))
        if problem:
            refused(environ, 401, problem)
            return _json_response(start_response, "401 Unauthorized", {"error": "invalid request"})
        if not slack_shaped(body, extract_content_type({"content-type": [environ.get("CONTENT_TYPE")]})):
            refused(environ, 400, "signed, but not a body Slack sends")
            return _json_response(start_response, "400 Bad Request", {"error": "not a Slack request"})
        environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
        return handler(environ, start_response)

    return guarded


WHY = {400: "malformed body", 401: "bad or missing signature", 404: "unknown", 405: "method not allowed",
       413: "body over 1 MB"}


def logged(handler: WSGIApp) -> WSGIApp:
    """`handler` with each 4xx it answers logged by `refused` (its status only: its reasons can quote the body)."""

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        def start(status: str, headers: list, exc_info=None):
            code = int(status[:3])
            if 400 <= code < 500:
                refused(environ, code, WHY.get(code, "refused"))
            return start_response(status, headers, exc_info)

        return handler(environ, start)

    return app


def wsgi(app: App | None, signing_secret: str | None, routes: Routes | None = None) -> WSGIApp:
    """One WSGI app: Slack's requests to Bolt (signatures verified first), health, and `routes` (their 4xx
    answers logged in one line each). Without `app` (Socket Mode, where Slack's requests come over the socket):
    health and `routes` only."""
    table: Routes = {("GET", "/healthz"): healthz}
    if app is not None and signing_secret is not None:
        table[("POST", EVENTS_PATH)] = bolt_guard(SlackRequestHandler(app, path=EVENTS_PATH), signing_secret)
    table.update({key: logged(handler) for key, handler in (routes or {}).items()})

    def dispatch(environ: dict, start_response: Callable) -> Iterable[bytes]:
        handler = table.get((environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "")), not_found)
        return handler(environ, start_response)

    return dispatch


class _LoggedErrorTask(ErrorTask):
    """waitress's answer to a request it refuses itself (body over MAX_BODY, malformed HTTP), logged in one
    line like the app's own refusals."""

    def execute(self) -> None:
        error = self.request.error
        environ = {"REQUEST_METHOD": getattr(self.request, "command", "?"),
                   "PATH_INFO": getattr(self.request, "path", "?"), "REMOTE_ADDR": (self.channel.addr or ("?",))[0]}
        refused(environ, error.code, printable(f"{error.reason}: {error.body}", 120))
        super().execute()


class _Channel(HTTPChannel):
    error_task_class = _LoggedErrorTask


def make_server(application: WSGIApp, host: str = "127.0.0.1", port: int = 0, sock: socket.socket | None = None,
                **overrides):
    """A waitress server (not started) with LIMITS (`overrides` replace some, e.g. in tests) on `host`:`port`, or
    accepting on a listening `sock` (shared by the workers of `serve --workers`): `.run()` serves until
    `.close()`; `.effective_port` is the port."""
    where = {"sockets": [sock]} if sock else {"host": host, "port": port}
    server = waitress.create_server(application, **where, ident="hirebot", clear_untrusted_proxy_headers=True,
                                    **{**LIMITS, **overrides})
    server.channel_class = _Channel  # waitress makes each connection's channel from this attribute
    return server
