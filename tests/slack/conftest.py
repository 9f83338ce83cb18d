"""Fixtures for the Slack tests: the Web API stand-in, and the real Bolt app under waitress on a free port."""

import threading
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest
import slackbodies as sb
from standin import StandIn

from bot.engine import Engine
from bot.knowledge import load
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.server import make_server, wsgi
from bot.store import Store

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-0000-test-bot-token"
APP_TOKEN = "xapp-1-test-app-token"


@pytest.fixture(scope="session")
def kb():
    return load(None)


def settings_for(standin: StandIn, db) -> Settings:
    return Settings(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_APP_TOKEN=APP_TOKEN,
                    SLACK_API_URL=standin.url, HIREBOT_DB=str(db))


@dataclass
class Running:
    """The app under waitress: `post` sends a signed request the way Slack does."""

    url: str
    standin: StandIn
    store: Store

    def post(self, body: str, form: bool = False, headers: dict | None = None, signed: bool = True,
             timestamp: int | None = None, secret: str = SECRET, path: str = "/slack/events") -> tuple[int, str]:
        kind = "application/x-www-form-urlencoded" if form else "application/json"
        sent = {"Content-Type": kind, "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)"}
        if signed:
            sent.update(sb.sign(secret, body, timestamp))
        sent.update(headers or {})
        request = urllib.request.Request(self.url + path, data=body.encode(), headers=sent, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    def event(self, event: dict, event_id: str | None = None, retry: int | None = None) -> int:
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        status, _ = self.post(sb.event_callback(event, event_id), headers=headers)
        return status

    def command(self, text: str, response_url: str, **kwargs) -> int:
        status, _ = self.post(sb.slash(text, response_url, **kwargs), form=True)
        return status

    def click(self, button: dict, container: dict, response_url: str, message: dict | None = None,
              user: str = "U0ALICE") -> int:
        status, _ = self.post(sb.block_actions(button, container, response_url, user, message), form=True)
        return status


@pytest.fixture
def slack_app(standin, kb, tmp_path):
    store = Store(tmp_path / "hirebot.db")
    app = build_app(settings_for(standin, tmp_path / "hirebot.db"), Engine(kb, store), store)
    server = make_server(wsgi(app, SECRET), "127.0.0.1", 0)
    closing = threading.Event()

    def serve() -> None:
        try:
            server.run()  # returns once close() has emptied its socket map
        except OSError:  # its select() may see the sockets close under it
            if not closing.is_set():
                raise

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield Running(f"http://127.0.0.1:{server.effective_port}", standin, store)
    closing.set()
    server.task_dispatcher.shutdown()  # let in-flight requests finish before the sockets close
    server.close()  # the thread ends within waitress's 1 s poll; no need to wait for it
