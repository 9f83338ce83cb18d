"""`hirebot serve --workers N`: N processes answering on one port, sharing one SQLite file.

One process answers with one core at most (Python's GIL); the engine's work is most of a reply's CPU, so on a
machine with more cores several processes answer more. The parent binds the port and then forks the workers
one at a time (each sets the database up, builds its app and says it is ready before the next starts); the
kernel hands each connection to one of them. Everything that must happen once lives in SQLite, shared by all:
Slack event ids (dedupe), conversation state (saved only if unchanged), the alert outbox (claimed with a lease
per process). The parent restarts a worker that dies, and on SIGTERM or SIGINT stops them all; a worker
whose parent dies is stopped by the kernel (PR_SET_PDEATHSIG).

Each worker is kept on one CPU: worker i on the i-th of the CPUs the parent may use, round robin (`--no-pin`:
left to the OS). A process runs Python on one thread at a time and hands the GIL between its threads several
times a request (HTTP server, listener, poster, commit); a hand-off to a thread on another CPU is a cross-CPU
wake-up onto cold caches. On this 2-core VM two kept workers answered 34-49% more replies a second than two
left to move (benchmarks/README.md, "Fourth pass"). The cost: a worker whose CPU is taken by other work cannot move
off it; it still answers, and the others, accepting on the same socket, take more of the connections.
"""

import contextlib
import ctypes
import gc
import logging
import os
import select
import signal
import socket
import time
from collections.abc import Callable

log = logging.getLogger("hirebot")

READY_SECONDS = 60.0  # a worker not ready by then is stopped and the start fails
RESPAWN_PAUSE = 1.0  # between a worker's death and its replacement (a worker that dies at once must not spin)
PR_SET_PDEATHSIG = 1

Worker = Callable[[socket.socket, Callable[[], None]], int]  # (listening socket, ready()) -> exit code


def listen(host: str, port: int) -> socket.socket:
    """The listening socket every worker accepts on."""
    sock = socket.create_server((host, port), backlog=1024)
    sock.setblocking(False)
    return sock


def serve(workers: int, sock: socket.socket, worker: Worker, pin: bool = True) -> int:
    """Run `workers` copies of `worker` on `sock` until SIGTERM or SIGINT, each kept on a CPU of its own (not
    `pin`: left to move between CPUs); 1 if one could not start."""
    running: dict[int, int] = {}  # pid -> its place (it is kept on cpus[place % len(cpus)])
    stopping = False

    def stop(signum: int, frame) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(running):
            _signal(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    gc.freeze()  # what is loaded now (the knowledge base) stays shared with the workers, not copied by the GC
    cpus = _cpus() if pin else []
    for place in range(workers):
        pid = _start(sock, worker, cpus[place % len(cpus)] if cpus else None)
        if pid is None:
            stop(signal.SIGTERM, None)
            _reap(running)
            return 1
        running[pid] = place
    log.info("hirebot: %d workers on %s", workers, sock.getsockname())
    while running:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        place = running.pop(pid, 0)
        if stopping:
            continue
        log.error("hirebot: worker %d ended (%s); starting another", pid, _how(status))
        time.sleep(RESPAWN_PAUSE)
        fresh = None if stopping else _start(sock, worker, cpus[place % len(cpus)] if cpus else None)
        if fresh is not None:
            running[fresh] = place
    return 0


def _cpus() -> list[int]:
    """The CPUs this process may run on, in order (empty where the OS does not say: not Linux)."""
    try:
        return sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return []


def _start(sock: socket.socket, worker: Worker, cpu: int | None) -> int | None:
    """Fork one worker, kept on `cpu` (None: anywhere), and wait until it says it is ready; its pid, or None (it
    failed and was stopped)."""
    read, write = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the worker
        os.close(read)
        code = 1
        try:
            if cpu is not None:  # before any thread starts: the threads it starts inherit it
                with contextlib.suppress(OSError):
                    os.sched_setaffinity(0, {cpu})
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            _die_with(parent)

            def ready() -> None:
                os.write(write, b"1")
                os.close(write)

            code = worker(sock, ready)
        except BaseException:
            log.exception("hirebot: a worker failed")
        finally:
            os._exit(code)
    os.close(write)
    try:
        answered, _, _ = select.select([read], [], [], READY_SECONDS)
        ok = bool(answered) and os.read(read, 1) == b"1"
    finally:
        os.close(read)
    if not ok:
        _signal(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        return None
    return pid


def _reap(running: dict[int, int]) -> None:
    for pid in list(running):
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _die_with(parent: int) -> None:
    """Ask Linux to send this process SIGTERM when its parent dies (nothing elsewhere)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(0)


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit {os.WEXITSTATUS(status)}"
