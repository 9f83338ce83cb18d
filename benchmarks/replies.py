"""Replies side by side: hirebot and the thinnest Bolt app (benchmarks/peer.py) on the same signed traffic, in
the same run, each a subprocess on loopback with its Web API at the stand-in.

The traffic: DMs (3 in 5; every fiftieth request a pasted job description) and `/hire` look-ups. Every DM comes from a
DM channel of its own and every look-up carries a response_url of its own, so each reply names the request it
answers. Two ways of sending it: *closed loop* (8 clients, each sending its next request once the last is
acked: the most replies a second the server gives) and *steady* (100 requests a second: reply latency in a
busy hour). A reply's latency runs from its request being sent to the reply reaching the stand-in.
"""

import os
import random
import sys
import tempfile
import threading
import time
import urllib.error
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import Row, percentile, questions, req_cases
from benchmarks.slack_load import SLASH, USERS, Recording

import slackbodies as sb  # isort: skip  (found through the tests' path, set by benchmarks.slack_load)
from served import Served  # isort: skip

CLIENTS = 8
STEADY = 100  # requests a second
FAR = 0.1  # seconds the far stand-in takes to answer each call: Slack's Web API across the internet
FAR_REQUESTS = 300
WORKERS = os.cpu_count() or 2
PEER = [sys.executable, "-m", "benchmarks.peer"]
HIREBOT = [sys.executable, "-m", "bot", "serve"]
SERVERS = [("Bolt peer", PEER), ("hirebot", HIREBOT),
           (f"hirebot, {WORKERS} workers", [*HIREBOT, "--workers", str(WORKERS)])]


@dataclass
class Request:
    key: str  # the DM channel or the response_url name its reply will carry
    form: bool  # a slash command (form-encoded) rather than an event (JSON)
    body: str
    pasted: bool = False  # a DM holding a pasted job description


@dataclass
class Run:
    """What one server did with one traffic: sent requests, acks, and the replies the stand-in saw."""

    name: str
    sent: dict[str, float] = field(default_factory=dict)  # key -> perf_counter when its request left
    errors: int = 0  # requests not acked with a 200
    acks: list[float] = field(default_factory=list)  # ms from sending a request to its 200
    replies: Counter = field(default_factory=Counter)  # key -> replies that arrived
    first_reply: dict[str, float] = field(default_factory=dict)  # key -> when its (first) reply arrived
    rss_mb: float = 0.0  # peak, each process's added up
    pss_mb: float = 0.0  # at the end, shared pages split between the processes
    overflows: int | None = None  # connections the kernel dropped for a full accept queue during the run

    @property
    def latencies(self) -> list[float]:
        return [(at - self.sent[k]) * 1000 for k, at in self.first_reply.items() if k in self.sent]

    @property
    def per_second(self) -> float:
        if not self.first_reply:
            return 0.0
        return len(self.first_reply) / (max(self.first_reply.values()) - min(self.sent.values()))

    def faults(self) -> tuple[int, int, int]:
        """(errors, duplicate replies, lost replies)."""
        dup = sum(n - 1 for n in self.replies.values() if n > 1)
        return self.errors, dup, len(self.sent.keys() - self.replies.keys())


def listen_overflows() -> int | None:
    """The kernel's count of connections dropped because a listening socket's accept queue was full (Linux, the
    whole machine; None elsewhere). Each such connection waits a second for its SYN to be sent again: a run in
    which it moves measured that second, not the servers (the stand-in's backlog was once Python's default 5)."""
    try:
        lines = Path("/proc/net/netstat").read_text().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            found = dict(zip(names.split()[1:], values.split()[1:], strict=False))
            return int(found["ListenOverflows"]) if "ListenOverflows" in found else None
    return None


def traffic(total: int, response_url: Callable[[str], str]) -> list[Request]:
    """`total` requests, the same for every server (seeded); `response_url(name)` is a look-up's response_url."""
    rng = random.Random(14)
    texts = [c["text"] for c in questions()]
    pasted = [f"{r['title']}\n{r['description']}" for r in req_cases() if r.get("description")]
    out = []
    for i in range(total):
        user = rng.choice(USERS)
        if i % 5 < 3:
            channel = f"D0R{i:06d}"
            paste = bool(pasted) and i % 50 == 0  # a job description pasted every fiftieth request
            text = rng.choice(pasted) if paste else rng.choice(texts)
            event = sb.message(text, channel=channel, user=user, channel_type="im")
            out.append(Request(channel, False, sb.event_callback(event, f"EvR{i:06d}"), paste))
        else:
            name = f"r{i:06d}"
            body = sb.slash(rng.choice(SLASH + texts), response_url(name), channel="C0LOOKUP", user=user)
            out.append(Request(name, True, body))
    return out


def send(server: Served, run: Run, request: Request) -> None:
    run.sent[request.key] = started = time.perf_counter()
    try:
        status, _ = server.post(request.body, form=request.form)
    except (OSError, urllib.error.URLError):
        status = 0
    run.acks.append((time.perf_counter() - started) * 1000)
    run.errors += status != 200


def closed_loop(server: Served, run: Run, requests: list[Request]) -> None:
    """CLIENTS clients, each sending its next request as soon as its last one is acked."""
    queue = iter(requests)
    lock = threading.Lock()

    def client() -> None:
        while True:
            with lock:
                request = next(queue, None)
            if request is None:
                return
            send(server, run, request)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def steady(server: Served, run: Run, requests: list[Request]) -> None:
    """One request every 1/STEADY s, whatever the acks do (enough senders that none waits for a slot)."""
    start = time.perf_counter()

    def at_its_time(item: tuple[int, Request]) -> None:
        time.sleep(max(0.0, start + item[0] / STEADY - time.perf_counter()))
        send(server, run, item[1])

    with ThreadPoolExecutor(4 * CLIENTS) as pool:
        list(pool.map(at_its_time, enumerate(requests)))


def collect(run: Run, standin: Recording, timeout: float) -> None:
    """Wait until every request has a reply (or `timeout` s), then half a second for late duplicates."""
    deadline = time.monotonic() + timeout
    while True:
        calls = standin.of("chat.postMessage") + standin.of("response_url")
        replies = Counter(c.params.get("_name") or c.params.get("channel") for c in calls)
        if len(run.sent.keys() & replies.keys()) >= len(run.sent) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    time.sleep(0.5)
    for call in standin.of("chat.postMessage") + standin.of("response_url"):
        key = call.params.get("_name") or call.params.get("channel")
        run.replies[key] += 1
        run.first_reply[key] = min(run.first_reply.get(key, float("inf")), float(call.params["_at"]))


class FarRecording(Recording):
    """The stand-in answering each Web API call and response_url FAR seconds late (auth.test at once)."""

    def handle(self, request, raw: str) -> None:
        if not request.path.endswith("/auth.test"):
            time.sleep(FAR)
        super().handle(request, raw)


def measure(name: str, command: list[str], total: int, drive, far: bool = False) -> Run:
    """One server, fresh database and stand-in (`far`: one that answers FAR s late), `total` requests sent by
    `drive`."""
    standin = FarRecording() if far else Recording()
    run = Run(name)
    with tempfile.TemporaryDirectory() as tmp:
        server = Served(Path(tmp) / "hirebot.db", standin.url, command=command).start()
        try:
            before = listen_overflows()
            drive(server, run, traffic(total, standin.response_url))
            collect(run, standin, timeout=120)
            after = listen_overflows()
            run.overflows = after - before if before is not None and after is not None else None
            run.rss_mb, run.pss_mb = server.peak_rss_mb(), server.pss_mb()
        finally:
            server.stop()
            standin.close()
    return run


def best(runs: list[Run]) -> Run:
    """The run with the most replies a second (the machine is shared: the other runs met more noise)."""
    return max(runs, key=lambda r: r.per_second)


def rows_of(label: str, run: Run) -> list[Row]:
    lat = run.latencies or [0.0]
    errors, dup, lost = run.faults()
    return [
        (f"{label}, {run.name}: replies a second", f"{run.per_second:.0f}/s", ""),
        (f"{label}, {run.name}: reply latency p50 / p99",
         f"{percentile(lat, 50):.0f} / {percentile(lat, 99):.0f} ms", "p99 < 1 s" if label == "steady" else ""),
        (f"{label}, {run.name}: ack latency p50 / p99",
         f"{percentile(run.acks or [0.0], 50):.1f} / {percentile(run.acks or [0.0], 99):.1f} ms", ""),
        (f"{label}, {run.name}: errors / duplicate replies / lost replies", f"{errors} / {dup} / {lost}",
         "0 / 0 / 0"),
        (f"{label}, {run.name}: connections dropped for a full accept queue (machine-wide)",
         "n/a" if run.overflows is None else str(run.overflows), "0"),
    ]


def replies(quick: bool) -> list[Row]:
    """Replies side by side: hirebot and the thinnest Bolt app, same traffic, replies timed at the stand-in"""
    total = 300 if quick else 1000
    sample = traffic(total, lambda name: name)
    dms, pasted = sum(not r.form for r in sample), sum(r.pasted for r in sample)
    order = SERVERS if quick else [*SERVERS, *SERVERS[::-1]]  # twice, mirrored: no side always meets the
    closed: dict[str, list[Run]] = {}  # same moment of a shared machine's load
    for name, command in order:
        closed.setdefault(name, []).append(measure(name, command, total, closed_loop))
    peer, *ours = (best(closed[name]) for name, _ in SERVERS)
    rows: list[Row] = [(f"traffic: {total} requests: {dms} DMs ({pasted} of them pasted reqs), "
                        f"{total - dms} `/hire` look-ups; {CLIENTS} clients in the closed loop", "", "")]
    rows += rows_of("closed loop", peer)
    for run in ours:
        rows += rows_of("closed loop", run)
        rows += [(f"closed loop, {run.name}: replies a second / the peer's",
                  f"{run.per_second / peer.per_second:.2f}", ">= 0.6"),
                 (f"closed loop, {run.name}: memory, peak RSS (processes added up) / PSS at the end",
                  f"{run.rss_mb:.0f} / {run.pss_mb:.0f} MB", "< 150 MB")]
    for name, command in SERVERS:
        rows += rows_of("steady", measure(name, command, total, steady))
    for name, command in SERVERS[:2]:
        far = measure(name, command, FAR_REQUESTS, closed_loop, far=True)
        faults = " / ".join(map(str, far.faults()))
        rows.append((f"closed loop, {FAR_REQUESTS} requests, Web API {FAR * 1000:.0f} ms away, {name}: replies a "
                     "second; errors / duplicate / lost", f"{far.per_second:.0f}/s; {faults}", ""))
    return rows
