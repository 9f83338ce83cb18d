"""Closed-loop runs side by side: several servers (the thin peer, hirebot with different flags, another checkout
of hirebot) on the traffic of benchmarks/replies.py, one after the other, round after round, the order mirrored
each round so that none always meets the same moment of a shared machine's load.

Each run prints replies a second, the server's CPU a reply (user + system, its processes added up, from /proc),
its thread switches a reply (voluntary and not, every thread, from /proc), reply latency and faults; then the
median of each server over the rounds. Compare only servers of one invocation.

usage: python -m benchmarks.pairs [--rounds N] [--requests N] [--far] SERVER...
  SERVER: `peer`, `hirebot [serve args]`, or `DIR [serve args]` (hirebot served from another checkout in DIR,
  e.g. a `git archive` of the commit to compare with); `NAME=SERVER` names it.
"""

import argparse
import os
import re
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import percentile
from benchmarks.replies import FAR_REQUESTS, HIREBOT, PEER, FarRecording, Run, closed_loop, collect, traffic
from benchmarks.slack_load import Recording

from served import Served  # isort: skip  (found through the tests' path, set by benchmarks.slack_load)

TICK = os.sysconf("SC_CLK_TCK")


def command(server: str) -> list[str]:
    """The command line of a SERVER argument (see the module's usage)."""
    first, *rest = shlex.split(server)
    if first == "peer":
        return [*PEER, *rest]
    if first == "hirebot":
        return [*HIREBOT, *rest]
    if Path(first, "bot").is_dir():  # another checkout: `python -m bot` finds its package first in its folder
        serve = " ".join(shlex.quote(a) for a in [*HIREBOT, *rest])
        return ["sh", "-c", f'cd {shlex.quote(first)} && exec {serve} "$@"', "sh"]
    raise SystemExit(f"pairs: {server!r} is not peer, hirebot or a checkout of hirebot")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (its threads', ended ones included)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def switches(pid: int) -> int:
    """Context switches of a process's live threads so far."""
    total = 0
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            total += sum(map(int, re.findall(r"ctxt_switches:\s*(\d+)", (task / "status").read_text())))
        except OSError:
            continue
    return total


def once(name: str, server: str, requests: int, far: bool) -> dict:
    """One closed-loop run of `server` on a fresh database and stand-in."""
    standin = FarRecording() if far else Recording()
    run = Run(name)
    with tempfile.TemporaryDirectory() as tmp:
        served = Served(Path(tmp) / "hirebot.db", standin.url, command=command(server)).start(timeout=60)
        try:
            time.sleep(2.5 if "--workers" in server else 0.3)  # the workers say they are ready one by one
            pids = served.pids()
            cpu0, switched0 = sum(map(cpu_seconds, pids)), sum(map(switches, pids))
            closed_loop(served, run, traffic(requests, standin.response_url))
            collect(run, standin, timeout=120)
            cpu1, switched1 = sum(map(cpu_seconds, pids)), sum(map(switches, pids))
        finally:
            served.stop()
            standin.close()
    replies = len(run.first_reply) or 1
    latencies = run.latencies or [0.0]
    return {"per_second": run.per_second, "cpu_ms": (cpu1 - cpu0) / replies * 1000,
            "switches": (switched1 - switched0) / replies, "p50": percentile(latencies, 50),
            "p99": percentile(latencies, 99), "faults": run.faults()}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pairs", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, help=f"per run (default 1000; {FAR_REQUESTS} with --far)")
    parser.add_argument("--far", action="store_true", help="the Web API stand-in answers 100 ms late")
    parser.add_argument("servers", nargs="+", metavar="SERVER")
    args = parser.parse_args(argv)
    requests = args.requests or (FAR_REQUESTS if args.far else 1000)
    named = [(s.split("=", 1)[0], s.split("=", 1)[1]) if re.match(r"^[\w.-]+=", s) else (s, s) for s in args.servers]
    results: dict[str, list[dict]] = {name: [] for name, _ in named}
    for round_ in range(args.rounds):
        load = os.getloadavg()[0]
        for name, server in named if round_ % 2 == 0 else named[::-1]:
            r = once(name, server, requests, args.far)
            results[name].append(r)
            print(f"round {round_ + 1} {name}: {r['per_second']:.0f}/s, server CPU {r['cpu_ms']:.2f} ms and "
                  f"{r['switches']:.0f} thread switches a reply, reply p50/p99 {r['p50']:.0f}/{r['p99']:.0f} ms, "
                  f"errors/dup/lost {'/'.join(map(str, r['faults']))} (load {load:.1f})", flush=True)
    print("medians:")
    for name, runs in results.items():
        def median(key: str, runs: list[dict] = runs) -> float:
            return statistics.median(r[key] for r in runs)
        rates = [r["per_second"] for r in runs]
        print(f"  {name}: {median('per_second'):.0f}/s ({min(rates):.0f}-{max(rates):.0f}), server CPU "
              f"{median('cpu_ms'):.2f} ms and {median('switches'):.0f} switches a reply, "
              f"reply p99 {median('p99'):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
