"""Socket Mode end to end: `hirebot run` as a process; the stand-in answers apps.connections.open with the
ws:// URL of a local WebSocket server, which sends envelopes as Slack does and expects their acks."""

import hashlib
import hmac
import json
import os
import queue
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
import slackbodies as sb
from conftest import APP_TOKEN, BOT_TOKEN
from served import ignores_sigpipe
from standin import wait_for
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


WEBHOOK_SECRET = "socket-mode-webhook-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def resets() -> int:
    """How many connections the Socket Mode server resets before it serves (parametrized where it matters)."""
    return 0


@pytest.fixture
def http_port() -> int | None:
    """`hirebot run --port` (parametrized where it matters): also serve /healthz and the webhooks there."""
    return None


@pytest.fixture
def socket_app(standin, tmp_path, resets, http_port):
    socket = SlackSocket(resets)
    standin.ws_url = socket.url
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HIREBOT_", "GREENHOUSE_"))}
    env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN, SLACK_API_URL=standin.url,
               HIREBOT_DB=str(tmp_path / "hirebot.db"), HIREBOT_WEBHOOK_SECRET=WEBHOOK_SECRET)
    port = ["--host", "127.0.0.1", "--port", str(http_port)] if http_port else []
    process = subprocess.Popen([sys.executable, "-m", "bot", "run", *port], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
    assert "will be unused" not in err  # Bolt's token-and-client warning is gone


def test_socket_mode_serves_the_assistant_pane_and_keeps_quiet_in_colleagues_chatter(socket_app, standin):
    """Over the socket, as over HTTP: a new assistant thread gets its prompts and a question in it its answer;
    chatter in a channel thread gets no reply."""
    socket = socket_app[0]
    standin.wait("apps.connections.open", timeout=20)

    def send(n: int, event: dict) -> None:
        socket.outbox.put({"envelope_id": f"a-{n}", "type": "events_api", "accepts_response_payload": False,
                           "retry_attempt": 0, "retry_reason": "", "payload": json.loads(sb.event_callback(event))})
        assert socket.acks.get(timeout=10)["envelope_id"] == f"a-{n}"

    send(1, sb.assistant_thread("assistant_thread_started", thread_ts="1729999400.000100"))
    standin.wait("assistant.threads.setSuggestedPrompts")
    send(2, sb.message("comp for senior AS?", channel="D0ALICE", channel_type="im", thread_ts="1729999400.000100"))
    answer = standin.wait("chat.postMessage", 2)[-1]
    assert answer.params["thread_ts"] == "1729999400.000100" and "480,000" in answer.params["text"]
    root = sb.mention("ttf MLE?")
    send(3, root)
    standin.wait("chat.postMessage", 3)
    send(4, sb.message("thanks!", thread_ts=root["ts"]))
    send(5, sb.message("ttf for senior AS?", channel="D0ALICE", channel_type="im"))  # a barrier: answered
    standin.wait("chat.postMessage", 4)
    time.sleep(0.3)  # a reply to the chatter, handled before the barrier, would show by now
    posted = standin.of("chat.postMessage")
    assert len(posted) == 4 and posted[-1].params["channel"] == "D0ALICE" and "thread_ts" not in posted[-1].params


HTTP_PORT = free_port()


def _http(method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{HTTP_PORT}{path}", data=body, headers=headers or {},
                                     method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()
    except OSError:
        return 0, ""


@pytest.mark.parametrize("http_port", [HTTP_PORT])
def test_run_with_a_port_serves_healthz_and_the_req_webhooks(socket_app, standin):
    """A Socket Mode install can still be health-checked and receive Greenhouse's and our webhooks."""
    process = socket_app[1]
    wait_for(lambda: _http("GET", "/healthz")[0] == 200, timeout=20, what="/healthz")
    req = {"id": "SM-1", "title": "Senior Applied Scientist", "employer_tier": "series_a_b", "team_lead": "U0LEAD",
           "description": "Own our fraud detection model end to end in production: ship model updates weekly, keep "
                          "p99 serving latency under 50ms, and build monitoring and automated retraining pipelines."}
    raw = json.dumps(req).encode()
    sig = hmac.new(WEBHOOK_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    status, body = _http("POST", "/webhooks/reqs", raw, {"Content-Type": "application/json",
                                                         "X-Hirebot-Signature": f"sha256={sig}"})
    assert status == 200 and json.loads(body)["alert_queued"]
    alert = wait_for(lambda: [c for c in standin.of("chat.postMessage") if c.params["channel"] == "U0LEAD"])
    assert "role_mismatch" in alert[0].params["text"]
    assert _http("POST", "/webhooks/reqs", raw, {"X-Hirebot-Signature": "sha256=00"})[0] == 401
    assert _http("POST", "/slack/events", b"{}")[0] == 404  # Slack's requests come over the socket here
    assert process.poll() is None


@pytest.mark.parametrize("http_port", [HTTP_PORT])
def test_run_with_a_port_survives_clients_that_hang_up_early(socket_app):
    """`hirebot run --port` serves HTTP too: a client closing or resetting its connection early never stops it."""
    process = socket_app[1]
    wait_for(lambda: _http("GET", "/healthz")[0] == 200, timeout=20, what="/healthz")
    for linger in (None, struct.pack("ii", 1, 0)) * 10:  # a plain close, then a reset (SO_LINGER 0)
        conn = socket.create_connection(("127.0.0.1", HTTP_PORT), timeout=5)
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: hirebot\r\n\r\n")
        if linger:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        conn.close()
    assert _http("GET", "/healthz")[0] == 200
    assert process.poll() is None and ignores_sigpipe(process.pid)


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
