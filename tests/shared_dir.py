"""`../shared`, beside the checkout: the seed texts, Slack's manifest schema and the shared eval sets.

CI has it; a plain `git clone` does not. Tests that need it ask here: they run when it is there and are
skipped, saying what is missing, when it is not (`pytest -rs` lists the reasons). Importable from every
test folder (`pythonpath = ["tests"]` in pyproject.toml).
"""

import json
from collections.abc import Callable
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


def _missing(parts: tuple[str, ...]) -> str:
    return (f"needs ../shared/{'/'.join(parts)}, which is not beside this checkout ({SHARED}); "
            "the seed texts, manifest schema and shared eval sets live there")


def shared_path(*parts: str) -> Path:
    """`../shared/<parts>`; skips the calling test (or fixture) when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(_missing(parts))
    return path


def shared_cases(*parts: str, keep: Callable[[dict], bool] = lambda case: True) -> list:
    """The cases of a shared `.jsonl` file (those `keep` accepts) as parameters for `pytest.mark.parametrize`;
    when the file is absent, one parameter that is skipped with the reason (an empty list would skip without)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason=_missing(parts)), id="no-shared")]
    cases = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return [case for case in cases if keep(case)]
