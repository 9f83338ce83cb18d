"""Where a reply's milliseconds go: a server under the closed-loop traffic of benchmarks/replies.py, sampled by
py-spy (every thread of the process, native code seen through the Python frame that called it).

usage: python -m benchmarks.profile [--peer] [--requests N] [--rate HZ] [--raw FILE]
Needs py-spy (`.venv/bin/pip install py-spy`; a profiler, not a dependency of hirebot). Prints the server's CPU
time per reply, split by the part of the code that spent it: each sample goes to the innermost frame that one
of PARTS claims, so the parts add up to the whole.
"""

import argparse
import linecache
import re
import shutil
import signal
import sys
import tempfile
from collections import Counter
from pathlib import Path

from benchmarks.replies import HIREBOT, PEER, Run, closed_loop, collect, traffic
from benchmarks.slack_load import Recording

from served import Served  # isort: skip  (found through the tests' path, set by benchmarks.slack_load)

LOCK_WAIT = "waiting for a lock"
PARTS: list[tuple[str, re.Pattern]] = [  # (part, frame file pattern), from the innermost outwards
    ("SQLite (store, shelf, gap log)", re.compile(r"sqlite_utils/|sqlite3/|bot/store\.py|bot/gaps\.py|"
                                                  r"bot/slack/shelf\.py|bot/reqs/store\.py")),
    ("Block Kit and text rendering", re.compile(r"bot/render/|slack_sdk/models/")),
    ("engine (understand, compose)", re.compile(r"bot/engine/|bot/knowledge/")),
    ("pydantic (answer models)", re.compile(r"pydantic")),
    ("posting the reply (Web API client, HTTP)", re.compile(r"slack_sdk/web/|slack_sdk/http_retry/|"
                                                            r"slack_bolt/context/(say|respond)/|slack_sdk/webhook/|"
                                                            r"http/client\.py|urllib/|socket\.py|ssl\.py")),
    ("hirebot's Slack layer (listeners, guard)", re.compile(r"bot/slack/")),
    ("Bolt (signature check, parsing, dispatch)", re.compile(r"slack_bolt/")),
    ("JSON", re.compile(r"json/")),
    ("waitress (HTTP server)", re.compile(r"waitress/")),
    ("threads, queues, logging", re.compile(r"threading\.py|queue\.py|concurrent/|logging/")),
]
FRAME = re.compile(r"\(([^():]+):(\d+)\)$")
SERVING = re.compile(r"waitress/|threading\.py")  # a sample outside both is start-up (imports, KB load)


def part_of(stack: str) -> str:
    """The part that claims the innermost frame of a collapsed stack (`outer;...;inner`); a thread whose
    innermost line takes a lock (`with ...lock:`, `.acquire(`) is waiting for it."""
    frames = [FRAME.search(frame) for frame in reversed(stack.split(";"))]
    inner = frames[0]
    if inner and re.search(r"with .*lock\b|\.acquire\(", linecache.getline(inner.group(1), int(inner.group(2)))):
        return LOCK_WAIT
    for found in frames:
        for name, pattern in PARTS:
            if found and pattern.search(found.group(1)):
                return name
    return "other"


def breakdown(raw: Path) -> Counter:
    """Samples per part while serving, from py-spy's raw (collapsed) output."""
    parts: Counter = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if SERVING.search(stack):
            parts[part_of(stack)] += int(count)
    return parts


def profile(command: list[str], requests: int, rate: int, raw: Path, gil: bool) -> tuple[Counter, Run]:
    pyspy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(pyspy).exists():
        raise SystemExit("profile: py-spy not found; install it with .venv/bin/pip install py-spy")
    standin = Recording()
    run = Run(command[-1])
    sampled = [pyspy, "record", "--format", "raw", "--full-filenames", "--nonblocking", "--rate", str(rate),
               *(["--gil"] if gil else []), "-o", str(raw), "--", *command]
    with tempfile.TemporaryDirectory() as tmp:
        server = Served(Path(tmp) / "hirebot.db", standin.url, command=sampled).start(timeout=60)
        try:
            closed_loop(server, run, traffic(requests, standin.response_url))
            collect(run, standin, timeout=120)
        finally:
            server.kill(signal.SIGINT)  # py-spy writes its file on SIGINT and stops the server
            standin.close()
    return breakdown(raw), run


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile")
    parser.add_argument("--peer", action="store_true", help="profile the thin Bolt peer instead of hirebot")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=250, help="samples a second")
    parser.add_argument("--gil", action="store_true", help="only samples of the thread holding the GIL")
    parser.add_argument("--raw", type=Path, help="keep py-spy's collapsed stacks here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        raw = args.raw or Path(tmp) / "stacks.txt"
        parts, run = profile(PEER if args.peer else HIREBOT, args.requests, args.rate, raw, args.gil)
    replies = len(run.first_reply) or 1
    total = sum(parts.values())
    print(f"{replies} replies, {run.per_second:.0f}/s; server CPU {total / args.rate / replies * 1000:.2f} ms a reply")
    print("| part | ms a reply | share |\n|---|---|---|")
    for name, samples in parts.most_common():
        print(f"| {name} | {samples / args.rate / replies * 1000:.2f} | {samples / total:.0%} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
