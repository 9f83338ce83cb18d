"""`hirebot serve --workers 2` as a real process tree: one port, one SQLite file, each message answered once;
each worker kept on a CPU of its own (not with --no-pin); a worker that dies is replaced on its CPU, and the
workers end with their parent."""

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
from served import Served, sb
from standin import wait_for


@pytest.fixture
def workers(tmp_path, standin):
    server = Served(tmp_path / "hirebot.db", standin.url,
                    command=[sys.executable, "-m", "bot", "serve", "--workers", "2"]).start(timeout=60)
    wait_for(lambda: "2 workers on" in server.log(), timeout=60, what="both workers ready")  # one at a time
    yield server
    server.stop()


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def cpus_of(pid: int) -> set[int]:
    """The CPUs a process (its main thread) may run on."""
    return os.sched_getaffinity(pid)


def test_each_worker_is_kept_on_a_cpu_of_its_own(workers):
    parent, *kids = workers.pids()
    mine = sorted(os.sched_getaffinity(0))
    assert sorted(tuple(cpus_of(k)) for k in kids) == sorted((mine[i % len(mine)],) for i in range(2))
    assert cpus_of(parent) == set(mine)  # the parent only waits: it is not kept anywhere


def test_with_no_pin_the_workers_may_run_anywhere(tmp_path, standin):
    server = Served(tmp_path / "hirebot.db", standin.url,
                    command=[sys.executable, "-m", "bot", "serve", "--workers", "2", "--no-pin"]).start(timeout=60)
    try:
        wait_for(lambda: "2 workers on" in server.log(), timeout=60, what="both workers ready")
        assert all(cpus_of(pid) == os.sched_getaffinity(0) for pid in server.pids())
    finally:
        server.stop()


def test_retries_landing_on_either_worker_are_answered_once(workers, standin):
    assert len(workers.pids()) == 3  # the parent and two workers
    roots = [sb.mention("how long does it take to hire an MLE?", channel=f"C0W{i}") for i in range(12)]
    for i, root in enumerate(roots):  # each event twice at the same moment: the kernel may hand them to both
        sends = [threading.Thread(target=workers.event, args=(root, f"EvW{i}", retry)) for retry in (None, 1)]
        for send in sends:
            send.start()
        for send in sends:
            send.join()
    standin.wait("chat.postMessage", len(roots), timeout=30)
    time.sleep(0.5)  # a duplicate would arrive now
    posted = [(c.params["channel"], c.params.get("thread_ts")) for c in standin.of("chat.postMessage")]
    assert sorted(posted) == sorted((r["channel"], r["ts"]) for r in roots)


def test_a_killed_worker_is_replaced_and_the_workers_end_with_their_parent(workers, standin):
    parent, first, second = workers.pids()
    its_cpus = cpus_of(first)
    os.kill(first, signal.SIGKILL)
    fresh = wait_for(lambda: [p for p in workers.pids() if p not in (parent, first, second)], timeout=30,
                     what="a replacement worker")
    assert len(workers.pids()) == 3
    # on the CPU of the one it replaces (the fork exists a moment before it pins itself)
    assert wait_for(lambda: cpus_of(fresh[0]) == its_cpus, timeout=10, what="the replacement pinned")
    root = sb.mention("comp for senior AS?", channel="C0AFTER")
    assert workers.event(root) == 200
    standin.wait("chat.postMessage", 1, timeout=20)
    workers.kill()  # SIGKILL: the parent cannot stop them; the kernel does (PR_SET_PDEATHSIG)
    assert wait_for(lambda: not any(alive(p) for p in (second, *fresh)), timeout=10, what="workers gone")
