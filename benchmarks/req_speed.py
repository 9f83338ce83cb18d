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


def req_analysis(quick: bool) -> list[Row]:
    """Req analysis: reqs per second, and `hirebot req import` of a generated file"""
    kb = load()
    reqs = [parse_req(r) for r in generated(500 if quick else 2000)]
    started = time.perf_counter()
    findings = sum(len(analyse(kb, req).findings) for req in reqs)
    rate = len(reqs) / (time.perf_counter() - started)
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
        (f"reqs analysed per second, in process ({len(reqs)} reqs, {findings} findings)", f"{rate:.0f}/s", ""),
        (f"`hirebot req import` of {count:,} reqs (whole process)", f"{took:.1f} s", ""),
        ("import result", summary, ""),
    ]
