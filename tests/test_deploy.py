"""The container install: compose.yaml, the Dockerfile and hirebot.env.example, checked as far as a test can
reach. The image is built only where docker works; everywhere else the files are checked for what the install
needs (a volume for the SQLite file, a health check that answers, the settings the app reads)."""

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from served import Served, StandIn

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
PORT = "3000"


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def dockerfile() -> dict[str, list[str]]:
    """Dockerfile instructions: {INSTRUCTION: [arguments, ...]} with continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            found.setdefault(word.upper(), []).append(rest.strip())
    return found


def docker_works() -> bool:
    if not shutil.which("docker"):
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0


def test_compose_keeps_the_database_on_a_volume_and_checks_health():
    service = compose()["services"]["hirebot"]
    assert service["build"] == "."
    db = Path(service["environment"]["HIREBOT_DB"])
    mounts = {m.split(":")[1]: m.split(":")[0] for m in service["volumes"]}
    assert str(db.parent) in mounts, "the SQLite file must live on a volume"
    assert mounts[str(db.parent)] in compose()["volumes"], "a named volume, declared at the top level"
    check = service["healthcheck"]
    assert check["test"][0] == "CMD" and "/healthz" in " ".join(check["test"])
    assert f":{PORT}/healthz" in " ".join(check["test"])
    assert any(p.endswith(f":{PORT}") and p.startswith("127.0.0.1:") for p in service["ports"])
    assert service["env_file"] == "hirebot.env" and "hirebot.env" in (ROOT / ".gitignore").read_text().split()


def test_dockerfile_installs_the_package_and_runs_socket_mode_with_health_on_the_same_port():
    steps = dockerfile()
    copied = {Path(src).name for c in steps["COPY"] for src in c.split()[:-1]}
    assert {"pyproject.toml", "README.md", "bot", "knowledge"} <= copied  # what `pip install .` reads
    assert any(r.startswith("pip install .") for r in steps["RUN"])
    assert steps["USER"] != ["root"] and steps["USER"]
    assert "HIREBOT_DB=/data/hirebot.db" in steps["ENV"]
    assert any("/data" in v for v in steps["VOLUME"])
    assert steps["EXPOSE"] == [PORT]
    assert shlex.split(steps["CMD"][0].replace('"', "").strip("[]").replace(",", " ")) == [
        "hirebot", "run", "--port", PORT]
    assert f":{PORT}/healthz" in steps["HEALTHCHECK"][0]
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "*.db", "hirebot.env", ".git"} <= set(ignored)


def test_the_example_settings_are_the_ones_hirebot_reads():
    known = {f.alias for f in Settings.model_fields.values()} | {"HIREBOT_RECRUITERS"}
    named = re.findall(r"^#?\s*([A-Z][A-Z_]+)=", (ROOT / "hirebot.env.example").read_text(), re.MULTILINE)
    assert named and set(named) <= known, set(named) - known
    assert {"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "HIREBOT_ALERT_CHANNEL"} <= set(named)


def test_the_health_check_command_answers_against_a_running_hirebot(tmp_path):
    """The exact command of compose.yaml's health check, pointed at a real `hirebot serve`: exit 0 while it
    serves, non-zero once it is gone."""
    command = compose()["services"]["hirebot"]["healthcheck"]["test"][1:]
    assert command[0] == "python"
    standin = StandIn()
    served = Served(tmp_path / "hirebot.db", standin.url).start()
    try:
        probe = [sys.executable, *command[1:]]
        probe[-1] = probe[-1].replace(f"127.0.0.1:{PORT}", f"127.0.0.1:{served.port}")
        assert subprocess.run(probe, capture_output=True, timeout=30).returncode == 0
        served.stop()
        assert subprocess.run(probe, capture_output=True, timeout=30).returncode != 0
    finally:
        served.stop()
        standin.close()


@pytest.mark.skipif(not docker_works(), reason="docker is not installed or its daemon is not running here")
def test_the_image_builds(tmp_path):
    done = subprocess.run(["docker", "build", "-q", "-t", "hirebot-test", str(ROOT)], capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
