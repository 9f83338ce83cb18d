"""Req analysis: reqs analysed per second in process, and `hirebot req import` of a generated file."""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import ROOT, Row, req_cases
from bot.engine.reqs import analyse, parse_req
from bot.knowledge import load


def generated(count: int) -> list[dict]:
    """`count` reqs cycled from the eval sets' reqs, each with its own id and team (so none is unchanged)."""
    cases = req_cases()
    return [{**cases[i % len(cases)], "id": f"GEN-{i:05d}",
             "description": f"{cases[i % len(cases)]['description']}\nTeam {i % 97}."} for i in range(count)]


def rate(kb: object, reqs: list) -> tuple[float, int]:
    """Reqs analysed per second, and the findings they got."""
    started = time.perf_counter()
    findings = sum(len(analyse(kb, req).findings) for req in reqs)
    return len(reqs) / (time.perf_counter() - started), findings


def req_analysis(quick: bool) -> list[Row]:
    """Req analysis: reqs per second, and `hirebot req import` of a generated file"""
    kb = load()
    reqs = [parse_req(r) for r in generated(500 if quick else 2000)]
    per_second, findings = rate(kb, reqs)
    long = [req for req in reqs if len(req.description) > 800]  # real postings (shared reqs_real_dev), 1-3k chars
    long_rate, _ = rate(kb, long) if long else (0.0, 0)
    count = 2_000 if quick else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reqs.json"
        path.write_text(json.dumps(generated(count)))
        env = {**os.environ, "HIREBOT_DB": str(Path(tmp) / "hirebot.db")}
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "bot", "req", "import", str(path)], cwd=ROOT, env=env,
                              capture_output=True, text=True, check=True)
        took = time.perf_counter() - started
    summary = done.stdout.splitlines()[0].split(": ", 1)[-1]
    return [
        (f"reqs analysed per second, in process ({len(reqs)} reqs, {findings} findings)", f"{per_second:.0f}/s", ""),
        (f"of which real-length postings (1-3k characters, {len(long)} reqs)", f"{long_rate:.0f}/s", ""),
        (f"`hirebot req import` of {count:,} reqs (whole process)", f"{took:.1f} s", ""),
        ("import result", summary, ""),
    ]
