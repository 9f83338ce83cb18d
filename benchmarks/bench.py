"""hirebot's benchmarks: one run prints a table and writes it to benchmarks/README.md.

SECTIONS lists them in order; each takes `quick` and returns rows of (measure, value, target).
"""

import json
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date

from rapidfuzz import fuzz, process, utils

from benchmarks.common import ROOT, Row, percentile, questions
from benchmarks.replies import replies
from benchmarks.req_speed import req_analysis
from benchmarks.slack_load import slack_http
from benchmarks.store_scale import store_scale
from bot.engine import Engine
from bot.knowledge import load
from bot.store import Store


def engine_latency(quick: bool) -> list[Row]:
    """In-process answer latency over every eval question, and intent accuracy against a naive baseline."""
    started = time.perf_counter()
    kb = load()
    engine = Engine(kb, Store(":memory:"))
    build_ms = (time.perf_counter() - started) * 1000
    cases = questions()
    timings, right = [], 0
    rounds = 1 if quick else 5
    for r in range(rounds):
        for i, case in enumerate(cases):
            conversation = f"bench:{r}:{i}"
            for earlier in case.get("context", []):
                engine.ask(conversation, earlier)
            t = time.perf_counter()
            answer = engine.ask(conversation, case["text"])
            timings.append((time.perf_counter() - t) * 1000)
            if r == 0 and _intent_ok(case, answer.intent):
                right += 1
    ours = right / len(cases)
    examples = [(ex, spec.id) for spec in kb.intents.values() for ex in spec.examples]
    texts = [utils.default_process(ex) for ex, _ in examples]
    naive_right, naive_t = 0, []
    for case in cases:
        t = time.perf_counter()
        match = process.extractOne(utils.default_process(case["text"]), texts, scorer=fuzz.WRatio)
        naive_t.append((time.perf_counter() - t) * 1000)
        naive_right += _intent_ok(case, examples[match[2]][1])
    naive = naive_right / len(cases)
    return [
        ("engine build (KB load + indexes)", f"{build_ms:.0f} ms", ""),
        (f"answer latency p50 ({len(timings)} asks)", f"{percentile(timings, 50):.2f} ms", ""),
        ("answer latency p99", f"{percentile(timings, 99):.2f} ms", "< 5 ms"),
        (f"intent accuracy, hirebot ({len(cases)} eval questions)", f"{ours:.1%}", ""),
        ("intent accuracy, naive WRatio nearest example", f"{naive:.1%}", ""),
        ("accuracy ratio hirebot / naive", f"{ours / naive:.2f}x" if naive else "n/a", ">= 3x"),
        ("naive latency p50 / p99", f"{percentile(naive_t, 50):.2f} / {percentile(naive_t, 99):.2f} ms", ""),
        ("latency ratio hirebot / naive (p50)",
         f"{percentile(timings, 50) / percentile(naive_t, 50):.2f}x", ""),
    ]


def _intent_ok(case: dict, got: str) -> bool:
    wanted = case.get("intent")
    return got in wanted if isinstance(wanted, list) else got == wanted


def cold_start(quick: bool) -> list[Row]:
    """`hirebot ask` as a whole process: start-up, answer, exit; and its peak memory."""
    cmd = [sys.executable, "-m", "bot", "ask", "comp for senior AS?", "--json"]
    runs = []
    for _ in range(3 if quick else 10):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        runs.append(time.perf_counter() - t)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return [
        ("`hirebot ask` whole process, median", f"{statistics.median(runs) * 1000:.0f} ms", "< 1 s"),
        ("`hirebot ask` peak RSS", f"{peak_mb:.0f} MB", "< 150 MB"),
    ]


SECTIONS: list[Callable[[bool], list[Row]]] = [
    engine_latency, cold_start, replies, slack_http, store_scale, req_analysis,
]


def machine() -> str:
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return (f"{os.cpu_count()} cores, {mem_gb:.0f} GiB, {python}, SQLite {sqlite3.sqlite_version}; "
            f"load average {os.getloadavg()[0]:.1f} when it started")


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    header = f"Last run: {date.today().isoformat()} on {machine()}{' (quick)' if quick else ''}."
    rows: list[Row] = []
    for fn in SECTIONS:
        started = time.monotonic()
        rows.append((f"**{fn.__doc__.splitlines()[0]}**", "", ""))
        rows += fn(quick)
        print(f"{fn.__name__}: {time.monotonic() - started:.0f} s", file=sys.stderr)
    table = ["| measure | value | target |", "|---|---|---|", *(f"| {a} | {b} | {c} |" for a, b, c in rows)]
    print(header, *table, sep="\n")
    readme = ROOT / "benchmarks" / "README.md"
    intro = readme.read_text().split("<!-- results -->")[0] if readme.exists() else "# Benchmarks\n\n"
    readme.write_text(intro + "<!-- results -->\n" + header + "\n\n" + "\n".join(table) + "\n")
    print(json.dumps({"written": str(readme)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
