"""CPU a request, in one thread: each request of the closed-loop traffic (benchmarks/replies.py) goes through the
whole server path in the calling thread (the signature guard, Bolt and its middleware, the listener, the engine,
the store's commit, rendering, the post to the Web API stand-in, the outbox's "sent"), timed by `thread_time`.

No HTTP server, no client, no other thread's work and no thread switches: what the code itself costs a request,
steady to a few percent from run to run, so two versions of the code can be compared side by side where the
closed loop's figures move by 15% with the machine. Differences from `hirebot serve`, both for one thread: Bolt
runs each listener in the request's thread (as with `process_before_response`), and replies are posted there
instead of on the poster threads. The first `--warm-up` requests are not counted (first-use work, caches).

usage: python -m benchmarks.serve_cpu [--peer] [--requests N] [--warm-up N]
"""

import argparse
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable

from benchmarks.replies import Request, traffic
from benchmarks.slack_load import Recording

import slackbodies as sb  # isort: skip  (found through the tests' path, set by benchmarks.slack_load)
from served import BOT_TOKEN, SECRET, WEBHOOK_SECRET  # isort: skip

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def in_one_thread(app) -> None:
    """Bolt runs `app`'s listeners in the thread that handles the request (its FaaS mode)."""
    app._process_before_response = True
    app._listener_runner.process_before_response = True


def server(peer: bool) -> WSGIApp:
    """The WSGI app `hirebot serve` (or the thin peer) runs, configured from the environment."""
    if peer:
        from slack_bolt.adapter.wsgi import SlackRequestHandler

        from benchmarks.peer import build

        app = build()
        in_one_thread(app)
        return SlackRequestHandler(app, path="/slack/events")
    from bot.engine import Engine, warm
    from bot.knowledge import load
    from bot.settings import Settings
    from bot.slack import converse
    from bot.slack.app import build_app
    from bot.slack.server import wsgi
    from bot.store import Store

    converse.Hirebot.post_soon = lambda self, send: converse._logged(send)  # post in the listener's thread
    settings = Settings()
    kb = load(settings.kb)
    warm(kb)
    engine = Engine(kb, Store(settings.db))
    app = build_app(settings, engine, engine.store)
    in_one_thread(app)
    return wsgi(app, SECRET)


def environ(request: Request) -> dict:
    """The WSGI environ of `request`, signed as Slack signs it."""
    data = request.body.encode()
    signed = sb.sign(SECRET, request.body)
    return {"REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events", "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1",
            "CONTENT_TYPE": "application/x-www-form-urlencoded" if request.form else "application/json",
            "CONTENT_LENGTH": str(len(data)), "wsgi.input": io.BytesIO(data), "wsgi.url_scheme": "http",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1",
            "HTTP_X_SLACK_REQUEST_TIMESTAMP": signed["X-Slack-Request-Timestamp"],
            "HTTP_X_SLACK_SIGNATURE": signed["X-Slack-Signature"]}


def cpu_seconds(handler: WSGIApp, requests: list[Request]) -> float:
    """This thread's CPU time for answering `requests` one after another (their environs built beforehand)."""
    environs = [environ(r) for r in requests]

    def start_response(status: str, headers: list, exc_info=None) -> None:
        if not status.startswith("200"):
            raise RuntimeError(f"answered {status}")

    started = time.thread_time()
    for env in environs:
        b"".join(handler(env, start_response))
    return time.thread_time() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve_cpu")
    parser.add_argument("--peer", action="store_true", help="the thin Bolt peer instead of hirebot")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--warm-up", type=int, default=200)
    args = parser.parse_args(argv)
    standin = Recording()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SECRET,
                           "SLACK_API_URL": standin.url, "HIREBOT_DB": os.path.join(tmp, "hirebot.db"),
                           "HIREBOT_WEBHOOK_SECRET": WEBHOOK_SECRET})
        handler = server(args.peer)
        requests = traffic(args.warm_up + args.requests, standin.response_url)
        cpu_seconds(handler, requests[: args.warm_up])
        cpu = cpu_seconds(handler, requests[args.warm_up :])
        time.sleep(0.5)  # the stand-in notes a call just after answering it
        replies = len(standin.of("chat.postMessage") + standin.of("response_url"))
        print(f"{'Bolt peer' if args.peer else 'hirebot'}: {cpu / args.requests * 1000:.3f} ms CPU a request in one "
              f"thread ({args.requests} requests after {args.warm_up}; {replies} replies at the stand-in)")
    standin.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
