"""HTTP mode: Bolt's WSGI adapter under waitress, `POST /slack/events` and `GET /healthz`.

Other endpoints (the req webhooks) plug in through `routes`: `{("POST", "/webhooks/reqs"): wsgi_app}`.
"""

import json
from collections.abc import Callable, Iterable

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

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
    body = b"Not Found"
    start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def wsgi(app: App, routes: Routes | None = None) -> WSGIApp:
    """One WSGI app: Slack's requests to Bolt (which verifies their signatures), health, and `routes`."""
    table: Routes = {("POST", EVENTS_PATH): SlackRequestHandler(app, path=EVENTS_PATH), ("GET", "/healthz"): healthz}
    table.update(routes or {})

    def dispatch(environ: dict, start_response: Callable) -> Iterable[bytes]:
        handler = table.get((environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "")), not_found)
        return handler(environ, start_response)

    return dispatch


def make_server(application: WSGIApp, host: str, port: int):
    """A waitress server (not started): `.run()` serves until `.close()`; `.effective_port` is the port."""
    return waitress.create_server(
        application, host=host, port=port, threads=THREADS, connection_limit=CONNECTION_LIMIT,
        ident="hirebot", clear_untrusted_proxy_headers=True,
    )
