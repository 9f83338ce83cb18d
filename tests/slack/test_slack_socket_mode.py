"""Socket Mode end to end: `hirebot run` as a process; the stand-in answers apps.connections.open with the
ws:// URL of a local WebSocket server, which sends envelopes as Slack does and expects their acks."""

import json
import os
import queue
import socket
import struct
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
import slackbodies as sb
from conftest import APP_TOKEN, BOT_TOKEN
from served import ignores_sigpipe
from websockets.sync.server import serve

ROOT = Path(__file__).resolve().parents[2]


class SlackSocket:
    """A WebSocket server that says hello, then sends each queued envelope and records what comes back."""

    def __init__(self, resets: int = 0):
        """`resets`: how many connections to reset (TCP RST) right after saying hello, as a proxy or a dropped
        network does."""
        self.outbox: queue.Queue = queue.Queue()
        self.acks: queue.Queue = queue.Queue()
        self.resets = resets
        self.sessions = 0
        self.server = serve(self.session, "127.0.0.1", 0)
        self.url = f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/link/?ticket=t1&app_id={sb.APP}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def session(self, websocket) -> None:
        websocket.send(json.dumps({"type": "hello", "num_connections": 1,
                                   "debug_info": {"host": "applink-test", "approximate_connection_time": 18060},
                                   "connection_info": {"app_id": sb.APP}}))
        self.sessions += 1
        if self.sessions <= self.resets:
            websocket.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            websocket.socket.close()
            return
        while True:
            envelope = self.outbox.get()
            if envelope is None:
                return
            websocket.send(json.dumps(envelope))
            self.acks.put(json.loads(websocket.recv(timeout=10)))

    def close(self) -> None:
        self.outbox.put(None)
        self.server.shutdown()


@pytest.fixture
def resets() -> int:
    """How many connections the Socket Mode server resets before it serves (parametrized where it matters)."""
    return 0


@pytest.fixture
def socket_app(standin, tmp_path, resets):
    socket = SlackSocket(resets)
    standin.ws_url = socket.url
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HIREBOT_"))}
    env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN, SLACK_API_URL=standin.url,
               HIREBOT_DB=str(tmp_path / "hirebot.db"))
    process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    yield socket, process
    process.terminate()
    process.wait(timeout=10)
    socket.close()


def test_socket_mode_acks_envelopes_and_answers_through_the_web_api(socket_app, standin):
    socket, process = socket_app
    opened = standin.wait("apps.connections.open", timeout=20)
    assert opened[0].headers["authorization"] == f"Bearer {APP_TOKEN}"
    event = sb.mention("comp for senior AS?")
    socket.outbox.put({"envelope_id": "e-1", "type": "events_api", "accepts_response_payload": False,
                       "retry_attempt": 0, "retry_reason": "", "payload": json.loads(sb.event_callback(event))})
    assert socket.acks.get(timeout=10)["envelope_id"] == "e-1"
    [reply] = standin.wait("chat.postMessage")
    assert reply.params["thread_ts"] == event["ts"] and "480,000" in reply.params["text"]

    command = dict(parse_qsl(sb.slash("ttf MLE", standin.response_url("sm"))))
    socket.outbox.put({"envelope_id": "e-2", "type": "slash_commands", "accepts_response_payload": True,
                       "payload": command})
    assert socket.acks.get(timeout=10)["envelope_id"] == "e-2"
    [ephemeral] = standin.wait("response_url")
    assert ephemeral.params["response_type"] == "ephemeral"

    process.terminate()
    _, err = process.communicate(timeout=10)
    assert BOT_TOKEN not in err and APP_TOKEN not in err


@pytest.mark.parametrize("resets", [1])
def test_socket_mode_survives_a_connection_reset_under_it_and_answers_after(socket_app, standin):
    socket, process = socket_app
    standin.wait("apps.connections.open", 2, timeout=60)  # the reset connection, then a new one
    event = sb.mention("ttf MLE?")
    socket.outbox.put({"envelope_id": "e-r", "type": "events_api", "accepts_response_payload": False,
                       "retry_attempt": 0, "retry_reason": "", "payload": json.loads(sb.event_callback(event))})
    assert socket.acks.get(timeout=20)["envelope_id"] == "e-r"
    [reply] = standin.wait("chat.postMessage")
    assert reply.params["thread_ts"] == event["ts"]
    assert process.poll() is None and ignores_sigpipe(process.pid)


@pytest.mark.parametrize(("command", "missing"), [("run", "SLACK_BOT_TOKEN"), ("serve", "SLACK_SIGNING_SECRET")])
def test_missing_tokens_give_one_clear_line_and_exit_2(command, missing, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HIREBOT_"))}
    env["HIREBOT_DB"] = str(tmp_path / "hirebot.db")
    if command == "serve":
        env["SLACK_BOT_TOKEN"] = BOT_TOKEN
    done = subprocess.run([sys.executable, "-m", "bot", command], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"hirebot: {missing} is not set: export {missing}=... and try again"]
    assert BOT_TOKEN not in done.stderr + done.stdout


def test_a_token_slack_refuses_gives_one_line_without_the_token(standin, tmp_path):
    standin.fail("auth.test", 200, error="invalid_auth")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HIREBOT_"))}
    env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN, SLACK_API_URL=standin.url,
               HIREBOT_DB=str(tmp_path / "hirebot.db"))
    done = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("hirebot: Slack refused SLACK_BOT_TOKEN")
    assert "Traceback" not in done.stderr and BOT_TOKEN not in done.stderr + done.stdout


def test_an_unreachable_slack_gives_one_line_and_no_traceback(tmp_path):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HIREBOT_"))}
    env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET="s", SLACK_API_URL=f"http://127.0.0.1:{port}/api/",
               HIREBOT_DB=str(tmp_path / "hirebot.db"))
    done = subprocess.run([sys.executable, "-m", "bot", "serve", "--port", "0"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("hirebot: cannot reach Slack at http://127.0.0.1:")
    assert "Traceback" not in done.stderr and BOT_TOKEN not in done.stderr
