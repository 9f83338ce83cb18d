"""The SQLite store as it grows: 1k / 10k / 100k conversations (and as many kept answers and event ids),
with a fifth as many reqs (up to 20,000). Each database is filled with executemany from real rows (a real
conversation state, a real analysed req), then the per-message operations are timed on it."""

import json
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.common import Row, percentile, req_cases
from bot.engine import Engine
from bot.engine.reqs import analyse, parse_req
from bot.knowledge import KnowledgeBase, load
from bot.reqs.store import ReqStore
from bot.slack import shelf
from bot.store import Store

SIZES = (1_000, 10_000, 100_000)


def _timed(fn: Callable[[int], object], samples: int) -> tuple[float, float]:
    """(p50, p99) in ms of `fn(i)` over `samples` calls."""
    times = []
    for i in range(samples):
        t = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - t) * 1000)
    return percentile(times, 50), percentile(times, 99)


def fill(kb: KnowledgeBase, path: Path, conversations: int) -> Engine:
    """A store of `conversations` threads, kept answers and event ids, and conversations // 5 reqs."""
    engine = Engine(kb, Store(path))
    store = engine.store
    engine.ask("seed:a", "comp for senior AS?")
    engine.ask("seed:a", "what about MLE?")
    engine.ask("seed:b", "which role should I hire?")
    engine.ask("seed:b", "shipping production models")
    states = [json.dumps(store.load_thread("seed:a")), json.dumps(store.load_thread("seed:b"))]
    answer = engine.ask("seed:c", "how long does it take to hire an ML engineer?")
    shelf.park(store, answer, "how long does it take to hire an ML engineer?")
    kept = next(store.db.query(f"select question, answer from {shelf.TABLE}"))
    reqs = ReqStore(store)
    req = parse_req(req_cases()[0])
    reqs.save(req, analyse(kb, req))
    row = next(store.db.query("select * from reqs"))
    now = time.time()
    with store.db.conn:
        store.db.conn.executemany("insert into threads (id, state, updated) values (?, ?, ?)",
                                  ((f"C{i % 500:04d}:{1700000000 + i}.000100", states[i % 2], now)
                                   for i in range(conversations)))
        store.db.conn.executemany(f"insert into {shelf.TABLE} (id, question, answer, at) values (?, ?, ?, ?)",
                                  ((f"k{i}", kept["question"], kept["answer"], now) for i in range(conversations)))
        store.db.conn.executemany("insert into events (id, seen) values (?, ?)",
                                  ((f"event:Ev{i:09d}", now) for i in range(conversations)))
        columns = [c for c in row if c != "key"]
        store.db.conn.executemany(
            f"insert into reqs (key, {', '.join(columns)}) values (?{', ?' * len(columns)})",
            ([f"req:BULK-{i}", *(row[c] for c in columns)] for i in range(conversations // 5)))
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every size starts from a checkpointed file
    os.sync()  # ... on a quiet disk: the fill's writes are not flushed during the timings
    return engine


def measure(kb: KnowledgeBase, conversations: int, samples: int) -> tuple[float, dict[str, tuple[float, float]]]:
    """(database size in MB, operation -> (p50, p99) ms) on a store filled with `conversations`."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = fill(kb, Path(tmp) / "hirebot.db", conversations)
        store, reqs = engine.store, ReqStore(engine.store)
        rng = random.Random(conversations)
        ids = [f"C{i % 500:04d}:{1700000000 + i}.000100" for i in rng.sample(range(conversations), samples)]
        req = parse_req(req_cases()[1])
        report = analyse(kb, req)
        answer = engine.ask("probe", "comp for senior AS?")
        size_mb = (Path(tmp) / "hirebot.db").stat().st_size / 2**20
        return size_mb, {
            "load a thread's state": _timed(lambda i: store.load_thread(ids[i]), samples),
            "engine answer in an existing thread": _timed(lambda i: engine.ask(ids[i], "what about staff?"), samples),
            "record a Slack event id (dedup)": _timed(lambda i: store.first_time(f"event:new{i}"), samples),
            "keep an answer for its buttons": _timed(lambda i: shelf.park(store, answer, "comp?"), samples),
            "insert a req (+ its alert)": _timed(
                lambda i: reqs.save(req.model_copy(update={"id": f"NEW-{i}"}), report), samples),
        }


def store_scale(quick: bool) -> list[Row]:
    """Store: per-message operations with 1k / 10k / 100k conversations (and up to 20,000 reqs)"""
    kb = load()
    samples = 200 if quick else 1000
    results = {size: measure(kb, size, samples) for size in SIZES}
    rows: list[Row] = []
    sizes = " / ".join(f"{results[s][0]:.1f}" for s in SIZES)
    rows.append(("database file at 1k / 10k / 100k (threads, kept answers, event ids, reqs)", f"{sizes} MB", ""))
    for name in results[SIZES[0]][1]:
        cells = " / ".join(f"{results[s][1][name][0]:.2f}" for s in SIZES)
        worst = " / ".join(f"{results[s][1][name][1]:.2f}" for s in SIZES)
        rows.append((f"{name}, p50 at 1k / 10k / 100k", f"{cells} ms", "flat"))
        rows.append((f"{name}, p99 at 1k / 10k / 100k", f"{worst} ms", ""))
    return rows
