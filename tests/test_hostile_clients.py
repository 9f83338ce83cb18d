"""`hirebot serve` against clients that misbehave, as a scanner, a slow proxy or an attacker would: hanging up
early, resetting the connection, holding connections half-sent, sending huge bodies or junk timestamps.
The server keeps answering, refuses what it must with a 4xx and one short log line, and never logs a body."""

import contextlib
import os
import signal
import socket
import stat
import struct
import threading
import time
import urllib.request

import pytest
from served import SECRET, WEBHOOK_SECRET, Served, StandIn, ignores_sigpipe, sb
from standin import wait_for

from bot import cli
from bot.slack.server import LIMITS, MAX_BODY, healthz, make_server
from bot.store import Store


@pytest.fixture(scope="module")
def server(tmp_path_factory, module_standin):
    served = Served(tmp_path_factory.mktemp("hostile") / "hirebot.db", module_standin.url).start()
    yield served
    served.stop()


def connect(server: Served) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=5)


def reset(conn: socket.socket) -> None:
    """Close with a TCP reset (SO_LINGER 0) instead of a FIN, as a crashed client or a proxy timing out does."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def still_serving(server: Served, standin: StandIn, channel: str) -> None:
    """The process lives, `/healthz` answers and a signed DM is answered."""
    assert server.proc.poll() is None, f"hirebot serve exited with {server.proc.returncode}:\n{server.log()}"
    assert ignores_sigpipe(server.proc.pid)
    assert server.get("/healthz")[0] == 200
    assert server.event(sb.message("ttf MLE?", channel=channel, channel_type="im")) == 200
    wait_for(lambda: [c for c in standin.of("chat.postMessage") if c.params.get("channel") == channel],
             what=f"a reply in {channel}")


@pytest.mark.parametrize("hang_up", [socket.socket.close, reset], ids=["close", "reset"])
def test_clients_that_hang_up_early_do_not_stop_the_server(server, module_standin, hang_up):
    body = sb.event_callback(sb.message("comp for senior AS?", channel="D0GONE", channel_type="im")).encode()
    signed = "".join(f"{k}: {v}\r\n" for k, v in sb.sign("", "").items())  # headers only; never verified
    for _ in range(10):
        conn = connect(server)
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: hirebot\r\n\r\n")
        hang_up(conn)
        conn = connect(server)  # a POST cut off half-way through its body
        conn.sendall(f"POST /slack/events HTTP/1.1\r\nHost: hirebot\r\nContent-Length: {len(body)}\r\n{signed}\r\n"
                     .encode() + body[: len(body) // 2])
        hang_up(conn)
    time.sleep(0.3)
    still_serving(server, module_standin, f"D0AFTER{hang_up.__name__.upper()}")
    assert "Traceback" not in server.log()


def test_a_body_over_1_mb_is_refused_with_413_before_it_is_read(server):
    before = len(server.log())
    for path in ("/slack/events", "/webhooks/reqs", "/webhooks/greenhouse"):
        with connect(server) as conn:  # the headers alone: the answer comes before any of the 3 MB is sent
            conn.sendall(f"POST {path} HTTP/1.1\r\nHost: hirebot\r\nContent-Type: application/json\r\n"
                         f"Content-Length: {3 * MAX_BODY}\r\n\r\n".encode())
            assert conn.recv(100).startswith(b"HTTP/1.1 413 ")
    chunked = b"3\r\nabc\r\n" * (MAX_BODY // 3 + 10) + b"0\r\n\r\n"  # no length declared: counted as it comes
    with connect(server) as conn:
        conn.sendall(b"POST /slack/events HTTP/1.1\r\nHost: hirebot\r\nTransfer-Encoding: chunked\r\n\r\n")
        with contextlib.suppress(OSError):  # refused mid-way; the answer is already waiting
            conn.sendall(chunked)
        assert conn.recv(100).startswith(b"HTTP/1.1 413 ")
    logged = server.log()[before:]
    assert logged.count("refused 413") == 4, logged
    assert len(logged) < 1000 and "abc" not in logged


def test_a_body_of_exactly_1_mb_is_read_and_answered(server):
    assert server.post(b" " * MAX_BODY, signed=False)[0] == 401  # read whole, then refused as unsigned


def test_unsigned_requests_get_401_with_one_log_line_and_never_their_body(server):
    before = len(server.log())
    body = sb.event_callback(sb.message("SECRET-PAYLOAD-MARKER " * 1000, channel="D0NOSIG", channel_type="im"))
    assert server.post(body, signed=False)[0] == 401
    forged = {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "0" * 64}
    assert server.post(body, signed=False, headers=forged)[0] == 401
    logged = server.log()[before:]
    assert "SECRET-PAYLOAD-MARKER" not in logged
    assert [line.split(": ", 1)[1] for line in logged.splitlines()] == [
        "refused 401 POST /slack/events from 127.0.0.1: no Slack signature",
        "refused 401 POST /slack/events from 127.0.0.1: bad signature"]


@pytest.mark.parametrize("timestamp", ["abc", "", "1e9", "-5", "99999999999999999999", "17\u00b2"])
def test_a_timestamp_that_is_not_a_number_gets_401_not_500(server, timestamp):
    body = sb.event_callback(sb.message("hi", channel="D0TS", channel_type="im"))
    headers = {**sb.sign(SECRET, body), "X-Slack-Request-Timestamp": timestamp}
    assert server.post(body, signed=False, headers=headers)[0] == 401
    assert "Traceback" not in server.log()


def test_idle_half_sent_connections_do_not_starve_the_server(server, module_standin):
    idle = []
    try:
        for _ in range(250):  # more than waitress's default limit of 100 (and hirebot's former 200)
            conn = connect(server)
            conn.sendall(b"POST /slack/events HTTP/1.1\r\nHost: hirebot\r\nContent-Le")
            idle.append(conn)
        still_serving(server, module_standin, "D0IDLE")
    finally:
        for conn in idle:
            conn.close()


def test_a_connection_idle_half_sent_is_closed_after_the_channel_timeout():
    server = make_server(healthz, "127.0.0.1", 0, channel_timeout=1, cleanup_interval=1)
    threading.Thread(target=server.run, daemon=True).start()
    try:
        with socket.create_connection(("127.0.0.1", server.effective_port), timeout=10) as conn:
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHo")
            started = time.monotonic()
            assert conn.recv(100) == b""  # closed by the server, no answer
            assert time.monotonic() - started < 5
        url = f"http://127.0.0.1:{server.effective_port}/healthz"
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.status == 200
    finally:
        server.close()
    assert LIMITS["channel_timeout"] <= 30 and LIMITS["connection_limit"] > 250


def test_webhooks_refuse_bad_signatures_in_one_line(server):
    before = len(server.log())
    assert server.post(b'{"title": "x"}', signed=False, path="/webhooks/reqs",
                       headers={"X-Hirebot-Signature": "sha256=00"})[0] == 401
    logged = server.log()[before:]
    assert WEBHOOK_SECRET not in logged
    assert logged.strip().endswith("refused 401 POST /webhooks/reqs from 127.0.0.1: bad or missing signature")
    assert len(logged) < 300


@pytest.mark.parametrize(("argv", "quiet_pipe"), [
    (["kb", "check"], True), (["gaps"], True), (["serve", "--port", "0"], False), (["run"], False)])
def test_only_commands_read_by_a_person_die_quietly_on_a_closed_pipe(argv, quiet_pipe, tmp_path, monkeypatch):
    """`hirebot kb check | head` ends without a traceback; `serve` and `run` keep ignoring SIGPIPE (they stop at
    the missing token here, after the choice is made)."""
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HIREBOT_DB", str(tmp_path / "hirebot.db"))
    before = signal.getsignal(signal.SIGPIPE)
    try:
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # as Python starts every program
        cli.main(argv)
        assert (signal.getsignal(signal.SIGPIPE) == signal.SIG_DFL) is quiet_pipe
    finally:
        signal.signal(signal.SIGPIPE, before)


def test_the_database_its_wal_shm_and_setup_lock_are_created_readable_by_their_owner_only(tmp_path):
    old = os.umask(0o022)  # the usual umask, under which files are made world-readable
    try:
        store = Store(tmp_path / "hirebot.db")
        store.save_thread("c", {"x": 1})
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
    finally:
        os.umask(old)
    assert modes == {"hirebot.db": 0o600, "hirebot.db-wal": 0o600, "hirebot.db-shm": 0o600,
                     "hirebot.db-setup.lock": 0o600}  # the start-up lock file (bot/store.py) holds nothing
