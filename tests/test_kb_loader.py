"""The loader reports a broken knowledge base as `file:line: field: problem`, and the CLI refuses to start."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBaseError, load
from bot.knowledge.loader import default_root

REAL = default_root()


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(REAL, target, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    return target


def test_real_knowledge_base_loads():
    kb = load(REAL)
    assert len(kb.sources) == 3
    assert {"ml_engineer", "applied_scientist", "research_engineer", "research_scientist"} <= set(kb.roles)
    assert len(kb.intents) == 16


def test_role_name_is_the_profile_name_or_the_id_spelled_out():
    kb = load(REAL)
    assert kb.role_name("applied_scientist") == kb.roles["applied_scientist"].name
    assert kb.role_name("no_such_role") == "no such role"


def _problems(root: Path) -> list[str]:
    with pytest.raises(KnowledgeBaseError) as err:
        load(root)
    return err.value.problems


def _append(root: Path, name: str, text: str) -> int:
    """Append `text` to knowledge file `name`; returns the 1-based line where it starts."""
    path = root / name
    before = path.read_text().count("\n") if path.exists() else 0
    with path.open("a") as f:
        f.write(text)
    return before + 1


@pytest.mark.parametrize(
    ("snippet", "field", "problem"),
    [
        ("  - id: x.bad.topic\n    topic: weather\n    text: t\n    source: 000_addf858d7c04a9b8.txt\n",
         "facts.", "topic"),
        ("  - id: x.no.text\n    topic: compensation\n    source: 000_addf858d7c04a9b8.txt\n",
         "facts.", "text"),
        ("  - id: x.bad.asof\n    topic: compensation\n    text: t\n    source: 000_addf858d7c04a9b8.txt\n"
         "    as_of: May 2026\n", "facts.", "YYYY-MM"),
        ("  - id: x.values\n    topic: compensation\n    text: t\n    source: 000_addf858d7c04a9b8.txt\n"
         "    values: {median: 1}\n", "facts.", "population"),
    ],
)
def test_broken_fact_is_reported_with_file_and_line(kb_copy: Path, snippet: str, field: str, problem: str):
    (kb_copy / "zz_broken.yaml").write_text("facts:\n" + snippet)
    problems = _problems(kb_copy)
    assert len(problems) == 1, problems
    assert problems[0].startswith("zz_broken.yaml:")
    line = int(problems[0].split(":")[1])
    assert 2 <= line <= 1 + snippet.count("\n")
    assert field in problems[0] and problem in problems[0]


def test_unknown_source_and_caveat_are_cross_checked(kb_copy: Path):
    (kb_copy / "zz_refs.yaml").write_text(
        "facts:\n"
        "  - id: x.refs\n    topic: compensation\n    text: t\n    source: nowhere.txt\n    caveats: [no.such]\n"
    )
    problems = _problems(kb_copy)
    assert any(p.startswith("zz_refs.yaml:2: facts.0.source: unknown source 'nowhere.txt'") for p in problems)
    assert any(p.startswith("zz_refs.yaml:2: facts.0.caveats: no fact with id 'no.such'") for p in problems)


def test_yaml_syntax_error_and_duplicate_id(kb_copy: Path):
    (kb_copy / "zz_syntax.yaml").write_text("facts:\n  - id: [unclosed\n")
    first = next(iter(load(REAL).facts))
    (kb_copy / "zz_dup.yaml").write_text(
        f"facts:\n  - id: {first}\n    topic: help\n    text: t\n    source: 000_addf858d7c04a9b8.txt\n"
    )
    problems = _problems(kb_copy)
    assert any(p.startswith("zz_syntax.yaml:") and "(yaml)" in p for p in problems)
    assert any(p.startswith("zz_dup.yaml:2: facts.0.id: duplicate id") for p in problems)


def test_cli_kb_check_and_refusal_to_start(kb_copy: Path):
    ok = subprocess.run([sys.executable, "-m", "bot", "kb", "check", str(REAL)], capture_output=True, text=True)
    assert ok.returncode == 0 and ": ok:" in ok.stdout
    (kb_copy / "zz_broken.yaml").write_text("facts:\n  - id: x\n    topic: nope\n")
    bad = subprocess.run([sys.executable, "-m", "bot", "kb", "check", str(kb_copy)], capture_output=True, text=True)
    assert bad.returncode == 1
    assert bad.stdout.startswith("zz_broken.yaml:3: facts.0.topic:")
    env = {"HIREBOT_KB": str(kb_copy), "PATH": "/usr/bin:/bin"}
    ask = subprocess.run([sys.executable, "-m", "bot", "ask", "hi"], capture_output=True, text=True, env=env)
    assert ask.returncode == 1
    assert "zz_broken.yaml:3: facts.0.topic:" in ask.stderr and "Traceback" not in ask.stderr
