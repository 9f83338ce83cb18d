"""`hirebot serve` as a real subprocess on a free loopback port, pointed at the Web API stand-in.

Used by the fault tests (kill -9, two processes on one database, a full disk) and by the load benchmark.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "slack"))

import slackbodies as sb  # the Slack helper's body builders and signing
from standin import StandIn  # and its Web API stand-in

__all__ = ["SECRET", "WEBHOOK_SECRET", "Served", "StandIn", "ignores_sigpipe", "sb"]

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-0000-test-bot-token"
WEBHOOK_SECRET = "webhook-secret-for-tests"
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A loopback port free at this moment."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ignores_sigpipe(pid: int) -> bool:
    """Whether a process ignores SIGPIPE (so a write to a socket its peer closed is an error, not its death)."""
    status = Path(f"/proc/{pid}/status").read_text()
    ignored = int(re.search(r"^SigIgn:\s*([0-9a-f]+)$", status, re.M).group(1), 16)
    return bool(ignored >> (signal.SIGPIPE - 1) & 1)


class Served:
    """One `hirebot serve` process: `start()`, `post()` signed Slack requests, `kill()` / `stop()`.

    Its stderr goes to `<db>.<port>.log` (read it with `log()`); `preexec` runs in the child before exec
    (e.g. to set a resource limit); `command` replaces `python -m bot serve` (the benchmarks' Bolt peer), and
    gets the same `--host` and `--port`."""

    def __init__(self, db: Path, api_url: str, preexec: Callable[[], None] | None = None,
                 command: list[str] | None = None):
        self.db, self.api_url, self.preexec = Path(db), api_url, preexec
        self.command = command or [sys.executable, "-m", "bot", "serve"]
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.db.with_name(f"{self.db.name}.{self.port}.log")
        self.proc: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HIREBOT_", "GREENHOUSE_"))}
        return {**keep, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": self.api_url,
                "HIREBOT_DB": str(self.db), "HIREBOT_WEBHOOK_SECRET": WEBHOOK_SECRET, "PYTHONUNBUFFERED": "1"}

    def start(self, timeout: float = 20.0) -> "Served":
        """Start the process and wait until `GET /healthz` answers 200."""
        return self.launch().ready(timeout)

    def launch(self) -> "Served":
        """Start the process without waiting for it (several can then start side by side)."""
        cmd = [*self.command, "--host", "127.0.0.1", "--port", str(self.port)]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env(), stdout=log, stderr=log,
                                         preexec_fn=self.preexec)
        return self

    def ready(self, timeout: float = 20.0) -> "Served":
        """Wait until the launched process answers `GET /healthz` with 200 (raises if it exits or hangs)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{' '.join(self.command[1:])} exited with {self.proc.returncode}:\n{self.log()}")
            if self.get("/healthz")[0] == 200:
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"hirebot serve did not answer /healthz in {timeout}s:\n{self.log()}")

    def log(self) -> str:
        """Everything the process has written to stderr so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def get(self, path: str) -> tuple[int, str]:
        """(status, body) of `GET path`; (0, "") when nothing answers."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=2) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()
        except OSError:
            return 0, ""

    def post(self, body: str | bytes, form: bool = False, headers: dict | None = None, signed: bool = True,
             path: str = "/slack/events", timeout: float = 10.0) -> tuple[int, str]:
        """POST `body` as Slack would (signed with the signing secret unless `signed=False`)."""
        data = body.encode() if isinstance(body, str) else body
        sent = {"Content-Type": "application/x-www-form-urlencoded" if form else "application/json"}
        if signed:
            sent.update(sb.sign(SECRET, data.decode("utf-8", "replace")))
        sent.update(headers or {})
        request = urllib.request.Request(self.url + path, data=data, headers=sent, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    def event(self, event: dict, event_id: str | None = None, retry: int | None = None) -> int:
        """Send an event_callback; `retry` adds Slack's X-Slack-Retry-Num header."""
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return self.post(sb.event_callback(event, event_id), headers=headers)[0]

    def pids(self) -> list[int]:
        """The process and its children (the workers of `serve --workers`)."""
        found, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            children = Path(f"/proc/{pid}/task/{pid}/children")
            todo += [int(c) for c in children.read_text().split()] if children.exists() else []
        return found

    def peak_rss_mb(self) -> float:
        """Peak resident memory (VmHWM) in MB, added up over the process and its workers (pages they share
        are counted in each: an upper bound)."""
        return self._summed("status", "VmHWM:")

    def pss_mb(self) -> float:
        """Memory now in MB, added up over the process and its workers with shared pages split between the
        processes sharing them (Pss): what they take together."""
        return self._summed("smaps_rollup", "Pss:")

    def _summed(self, name: str, field: str) -> float:
        """`field` (kB) of /proc/<pid>/<name>, added up over the process and its workers, in MB."""
        total = 0
        for pid in self.pids():
            path = Path(f"/proc/{pid}/{name}")
            lines = path.read_text().splitlines() if path.exists() else []
            total += sum(int(line.split()[1]) for line in lines if line.startswith(field))
        return total / 1024

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send `sig` (SIGKILL: no clean shutdown) and wait for the process to end."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        """Terminate the process (SIGTERM, then SIGKILL if it lingers)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()
