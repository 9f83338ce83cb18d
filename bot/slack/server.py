"""HTTP mode: Bolt's WSGI adapter under waitress, `POST /slack/events` and `GET /healthz`.

Other endpoints (the req webhooks) plug in through `routes`: `{("POST", "/webhooks/reqs"): wsgi_app}`.
"""

import io
import json
import socket
from collections.abc import Callable, Iterable

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request.internals import extract_content_type, parse_body

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]
Routes = dict[tuple[str, str], WSGIApp]

EVENTS_PATH = "/slack/events"
THREADS = 16  # waitress workers; connections beyond them wait in waitress's queue, not reset
CONNECTION_LIMIT = 200


def healthz(environ: dict, start_response: Callable) -> Iterable[bytes]:
    """`GET /healthz`: 200 and `{"ok": true}` while the process serves."""
    body = json.dumps({"ok": True}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def not_found(environ: dict, start_response: Callable) -> Iterable[bytes]:
    """Any other method or path: 404."""
    body = b"Not Found"
    start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def slack_shaped(body: bytes, content_type: str | None) -> bool:
    """Whether a body has the shape Bolt relies on (parsed as Bolt parses it): a JSON object whose `event`, if
    any, is an object, or a form whose `payload`, if any, is one. Bolt answers anything else with a 500 and a
    traceback, before it even checks the signature."""
    try:
        parsed = parse_body(body.decode("utf-8"), content_type)
    except (ValueError, RecursionError):  # not UTF-8, not JSON, or JSON nested thousands deep
        return False
    return isinstance(parsed, dict) and isinstance(parsed.get("event", {}), dict)


def bolt_guard(handler: WSGIApp) -> WSGIApp:
    """`handler` behind a shape check: a body Bolt cannot parse gets 400 instead of Bolt's 500."""

    def guarded(environ: dict, start_response: Callable) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        if not slack_shaped(body, extract_content_type({"content-type": [environ.get("CONTENT_TYPE")]})):
            data = json.dumps({"error": "not a Slack request"}).encode()
            start_response("400 Bad Request", [("Content-Type", "application/json"),
                                               ("Content-Length", str(len(data)))])
            return [data]
        environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
        return handler(environ, start_response)

    return guarded


def wsgi(app: App, routes: Routes | None = None) -> WSGIApp:
    """One WSGI app: Slack's requests to Bolt (which verifies their signatures), health, and `routes`."""
    bolt = bolt_guard(SlackRequestHandler(app, path=EVENTS_PATH))
    table: Routes = {("POST", EVENTS_PATH): bolt, ("GET", "/healthz"): healthz}
    table.update(routes or {})

    def dispatch(environ: dict, start_response: Callable) -> Iterable[bytes]:
        handler = table.get((environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "")), not_found)
        return handler(environ, start_response)

    return dispatch


def make_server(application: WSGIApp, host: str = "127.0.0.1", port: int = 0, sock: socket.socket | None = None):
    """A waitress server (not started) on `host`:`port`, or accepting on a listening `sock` (shared by the
    workers of `serve --workers`): `.run()` serves until `.close()`; `.effective_port` is the port."""
    where = {"sockets": [sock]} if sock else {"host": host, "port": port}
    return waitress.create_server(
        application, **where, threads=THREADS, connection_limit=CONNECTION_LIMIT,
        ident="hirebot", clear_untrusted_proxy_headers=True,
    )
