"""What every benchmark section shares: the row shape, percentiles, the eval questions and reqs."""

import json
from pathlib import Path

from bot.eval import read_cases

ROOT = Path(__file__).resolve().parents[1]
EVAL_FILES = [*sorted((ROOT.parent / "shared" / "eval").glob("*.jsonl")),
              *sorted((ROOT / "tests" / "fixtures").glob("*.jsonl"))]
Row = tuple[str, str, str]


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def questions() -> list[dict]:
    """Every question case of the eval sets (the shared dev set and the held-out paraphrases)."""
    cases = [c for f in EVAL_FILES if "paraphrases" in f.name or f.parent.name == "eval" for c in read_cases(f)]
    return [c for c in cases if "text" in c]


def req_cases() -> list[dict]:
    """Every req of the eval sets (shared and test fixtures), as the JSON dicts of CONTRACT.md."""
    return [json.loads(line)["req"] for f in EVAL_FILES for line in f.read_text().splitlines()
            if line.strip() and '"req"' in line and "req" in json.loads(line)]
