"""The knowledge-gap log and `hirebot gaps`."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot import gaps
from bot.engine import Engine
from bot.slack import shelf
from bot.slack.converse import Hirebot
from bot.store import Store

ROOT = Path(__file__).resolve().parents[2]


def test_gaps_prints_the_most_frequent_first_without_user_ids(tmp_path):
    store = Store(tmp_path / "hirebot.db")
    for user in ("U1", "U2", "U3"):
        gaps.record(store, "Do you know payroll tax in Ohio?", "out_of_scope", 0.21, "out_of_scope", user)
    gaps.record(store, "do you know payroll tax in ohio?", "out_of_scope", 0.3, "out_of_scope", "U1")
    gaps.record(store, "comp for a staff RE?", "compensation", 0.9, "not_helpful", "U2")
    assert gaps.user_hash(store, "U1") != gaps.user_hash(store, "U2")
    assert all("U1" not in (r["user_hash"] or "") for r in store.db.query("select user_hash from gaps"))
    env = {**os.environ, "HIREBOT_DB": str(tmp_path / "hirebot.db")}
    done = subprocess.run([sys.executable, "-m", "bot", "gaps"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert "payroll tax in Ohio" in lines[1] and lines[1].split()[:2] == ["4", "3"]
    assert "comp for a staff RE?" in lines[2] and "not_helpful" in lines[2]


def test_gaps_on_a_missing_database_says_so_and_creates_nothing(tmp_path):
    env = {**os.environ, "HIREBOT_DB": str(tmp_path / "none.db")}
    done = subprocess.run([sys.executable, "-m", "bot", "gaps"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 0 and "No knowledge gaps" in done.stdout
    assert not (tmp_path / "none.db").exists()


def test_two_processes_creating_the_tables_at_once_both_start_and_share_one_salt(tmp_path, monkeypatch):
    first, late = Store(tmp_path / "hirebot.db"), Store(tmp_path / "hirebot.db")
    monkeypatch.setattr(late.db, "table_names", lambda: [])  # it looked before the first one created them
    for store in (first, late):
        gaps.ensure(store)
        shelf.ensure(store)
    assert gaps.user_hash(first, "U1") == gaps.user_hash(late, "U1")
    assert [r["n"] for r in first.db.query(f"select count(*) as n from {gaps.SALT_TABLE}")] == [1]


def test_not_helpful_on_a_store_that_cannot_write_is_logged_not_raised(tmp_path, kb, monkeypatch, caplog):
    store = Store(tmp_path / "hirebot.db")
    hb = Hirebot(engine=Engine(kb, store), store=store)
    answer = hb.engine.ask("C0:1", "comp for senior AS?")
    key = shelf.park(store, answer, "comp for senior AS?")

    def full_disk(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(gaps, "record_in", full_disk)
    hb.not_helpful(key, "U1")
    assert "could not log a knowledge gap" in caplog.text
