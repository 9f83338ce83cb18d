"""`pip install .` ships the knowledge base inside the package, and the installed bot finds it."""

import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_carries_every_knowledge_file(tmp_path: Path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )
    wheel = next(tmp_path.glob("hirebot-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {Path(n).name for n in names if n.startswith("bot/kb_files/")}
    assert shipped == {p.name for p in (ROOT / "knowledge").glob("*.yaml")}
    assert "bot/cli.py" in names and "bot/slack/app.py" in names
    packages = {str(p.parent.relative_to(ROOT)) + "/__init__.py" for p in (ROOT / "bot").rglob("__init__.py")}
    assert packages <= names, f"not in the wheel (add them to pyproject's packages): {sorted(packages - names)}"
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "hirebot = bot.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()


def test_installed_package_loads_its_own_knowledge_base(tmp_path: Path):
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(tmp_path / "site"), str(ROOT)],
        check=True, capture_output=True,
    )
    probe = "from bot.knowledge.loader import default_root, load; r = default_root(); load(r); print(r)"
    out = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True, cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"},
    )
    assert Path(out.stdout.strip()) == tmp_path / "site" / "bot" / "kb_files"


def test_no_absolute_paths_in_code_or_tests():
    """A plain clone runs anywhere: code, tests and benchmarks find files relative to the checkout."""
    absolute = re.compile(r"""["'](/work|/home|/Users|/root|/opt)/""")
    files = [p for d in ("bot", "tests", "benchmarks") for p in (ROOT / d).rglob("*.py")]
    files += [ROOT / "pyproject.toml", ROOT / "benchmarks" / "run", ROOT / ".ci" / "run"]
    assert len(files) > 50
    found = [f"{path.relative_to(ROOT)}:{n}" for path in files
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if absolute.search(line)]
    assert not found, f"absolute paths: {found}"
