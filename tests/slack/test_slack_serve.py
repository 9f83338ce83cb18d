"""`hirebot serve` as a process: waitress holds 50 concurrent Slack deliveries, acks each within Slack's 3 s,
answers every one through SLACK_API_URL, and never logs a secret."""

import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import slackbodies as sb
from conftest import BOT_TOKEN, SECRET

ROOT = Path(__file__).resolve().parents[2]
CONCURRENT = 50


@pytest.fixture
def served(standin, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HIREBOT_"))}
    env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=standin.url,
               HIREBOT_DB=str(tmp_path / "hirebot.db"))
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", "0"],
                               cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    seen = []
    for line in process.stderr:
        seen.append(line)
        port = re.search(r"serving http://127\.0\.0\.1:(\d+)/", line)
        if port:
            break
    assert port, "".join(seen)
    reader = threading.Thread(target=lambda: seen.extend(process.stderr), daemon=True)
    reader.start()

    def stop() -> str:
        """Stop the server; everything it logged."""
        process.terminate()
        process.wait(timeout=10)
        reader.join(timeout=10)
        return "".join(seen)

    yield f"http://127.0.0.1:{port.group(1)}", stop
    stop()


def post_event(url: str, event: dict) -> tuple[int, float]:
    body = sb.event_callback(event)
    headers = {"Content-Type": "application/json", **sb.sign(SECRET, body)}
    started = time.monotonic()
    request = urllib.request.Request(url + "/slack/events", data=body.encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, time.monotonic() - started


def test_fifty_concurrent_deliveries_are_acked_in_time_and_all_answered(served, standin):
    url, stop = served
    with urllib.request.urlopen(url + "/healthz", timeout=5) as response:
        assert response.status == 200
    gate = threading.Barrier(CONCURRENT)
    results: list = []

    def deliver(n: int) -> None:
        gate.wait()
        try:
            results.append(post_event(url, sb.message(f"ttf MLE? ({n})", channel=f"D{n:04d}", channel_type="im")))
        except OSError as err:  # a reset or refused connection
            results.append((repr(err), 0.0))

    workers = [threading.Thread(target=deliver, args=(n,)) for n in range(CONCURRENT)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert [status for status, _ in results] == [200] * CONCURRENT
    assert max(seconds for _, seconds in results) < 3.0
    replies = standin.wait("chat.postMessage", CONCURRENT, timeout=30)
    assert {c.params["channel"] for c in replies} == {f"D{n:04d}" for n in range(CONCURRENT)}
    logged = stop()
    assert "serving http://127.0.0.1" in logged
    assert BOT_TOKEN not in logged and SECRET not in logged


def test_secrets_are_redacted_from_log_messages_and_tracebacks():
    import io
    import logging

    from bot.slack.app import Redact

    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(Redact([BOT_TOKEN, SECRET, ""]))
    log = logging.getLogger("hirebot.test_redact")
    log.addHandler(handler)
    try:
        log.warning("token %s", BOT_TOKEN)
        try:
            raise ValueError(f"refused {SECRET}")
        except ValueError:
            log.exception("call failed")
    finally:
        log.removeHandler(handler)
    logged = out.getvalue()
    assert BOT_TOKEN not in logged and SECRET not in logged
    assert logged.count("[redacted]") == 2 and "ValueError: refused [redacted]" in logged
