"""The yardstick of the reply benchmark: the least a Bolt app can do with hirebot's traffic.

It acks each DM and `/hire` look-up and answers with one fixed sentence (a chat.postMessage, a response_url
POST), through the same Web API client and the same waitress set-up as `hirebot serve`. Its replies per second
are what the framework, the HTTP stack and this machine allow; hirebot's share of that is what its own work
costs. Run by benchmarks/replies.py as `python -m benchmarks.peer --host H --port P` with the SLACK_* variables
that `hirebot serve` reads.
"""

import argparse

from slack_bolt import Ack, App, Respond, Say
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.settings import Settings
from bot.slack.app import web_client
from bot.slack.server import EVENTS_PATH, healthz, make_server, not_found

SENTENCE = "A senior applied scientist's median total pay is in the sources, with its as-of date."


def build() -> App:
    settings = Settings()
    app = App(client=web_client(settings), signing_secret=settings.slack_signing_secret.get_secret_value(),
              process_before_response=False)

    @app.event("message")
    def on_message(ack: Ack, say: Say) -> None:
        ack()
        say(text=SENTENCE)

    @app.command("/hire")
    def on_hire(ack: Ack, respond: Respond) -> None:
        ack()
        respond(response_type="ephemeral", text=SENTENCE)

    return app


def main() -> None:
    parser = argparse.ArgumentParser(prog="peer")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    bolt = SlackRequestHandler(build(), path=EVENTS_PATH)
    routes = {("POST", EVENTS_PATH): bolt, ("GET", "/healthz"): healthz}

    def dispatch(environ: dict, start_response):
        return routes.get((environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")), not_found)(environ,
                                                                                                 start_response)

    make_server(dispatch, args.host, args.port).run()


if __name__ == "__main__":
    main()
