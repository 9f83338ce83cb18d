"""The `hirebot` command line: a thin layer over the engine (CONTRACT.md lists every command)."""

import argparse
import json
import signal
import sqlite3
import sys
import uuid
from functools import partial
from pathlib import Path

from bot.engine import Engine
from bot.engine.reqs import check_case
from bot.eval import answer_json, evaluate, read_cases, report
from bot.knowledge import KnowledgeBase, KnowledgeBaseError, load
from bot.render.text import render, render_more
from bot.reqs import cli as reqs_cli
from bot.settings import Settings
from bot.store import Store

EXIT_WORDS = {"quit", "exit", "bye", ":q"}
PERSON_FACING = {"chat", "ask", "eval", "kb", "gaps"}  # their output is read by a person, often through `| head`
MORE_WORDS = {"more", "show more", "tell me more", "more please"}


def load_kb(settings: Settings) -> KnowledgeBase:
    """The knowledge base, or exit 1 printing every problem as `file:line: field: problem`."""
    try:
        return load(settings.kb)
    except KnowledgeBaseError as err:
        print("hirebot: the knowledge base is broken; not starting:", file=sys.stderr)
        print("\n".join(err.problems), file=sys.stderr)
        raise SystemExit(1) from None


def build_engine(settings: Settings, db: str | Path | None = None) -> Engine:
    """An engine on the configured knowledge base and store (`db` overrides HIREBOT_DB)."""
    return Engine(load_kb(settings), Store(db or settings.db))


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """`hirebot chat`: a conversation on stdin/stdout; a typed number picks that numbered choice."""
    engine = build_engine(settings)
    conversation = f"terminal:{uuid.uuid4().hex}"
    print("hirebot: ask me about hiring ML roles (type 'quit' to leave).")
    choices: list[str] = []
    last = None
    while True:
        try:
            text = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not sys.stdin.isatty():
            print(text)  # piped input: echo it so the transcript reads as a conversation
        if text.lower() in EXIT_WORDS:
            return 0
        if text.isdigit() and 0 < int(text) <= len(choices):
            text = choices[int(text) - 1]
        if text.lower() in MORE_WORDS and last is not None and last.more:
            print("\n" + render_more(last) + "\n")  # like Slack's More button: the rest of the last answer
            continue
        last = engine.ask(conversation, text)
        choices = [c.value for c in last.choices]
        hint = f"\n(say \"more\" for {'the rest' if last.more_label == 'More' else last.more_label.lower()})"
        print("\n" + render(last) + (hint if last.more else "") + "\n")


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """`hirebot ask`: one answer (after any `--context` messages), as text or `--json`."""
    engine = build_engine(settings, ":memory:")
    conversation = f"ask:{uuid.uuid4().hex}"
    for earlier in args.context:
        engine.ask(conversation, earlier)
    answer = engine.ask(conversation, args.text)
    print(json.dumps(answer_json(answer), ensure_ascii=False) if args.json else render(answer))
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """`hirebot eval FILE`: score the engine on question and req cases; exit 2 on an unreadable file."""
    kb = load_kb(settings)
    try:
        cases = read_cases(Path(args.file))
    except (OSError, ValueError) as err:
        print(f"hirebot eval: {err}", file=sys.stderr)
        return 2
    outcome = evaluate(Engine(kb, Store(":memory:")), cases, partial(check_case, kb))
    if args.json:
        cases_out = [{"case": r["case"], "answer": r["answer"]} for r in outcome["cases"]]
        print(json.dumps({"summary": outcome["summary"], "cases": cases_out}, ensure_ascii=False))
    else:
        print(report(outcome))
    return 0


def cmd_kb_check(args: argparse.Namespace, settings: Settings) -> int:
    """`hirebot kb check [DIR]`: every problem as `file:line: field: problem` (exit 1), or a one-line count."""
    try:
        kb = load(args.dir or settings.kb)
    except KnowledgeBaseError as err:
        print("\n".join(err.problems))
        return 1
    print(
        f"{kb.root}: ok: {len(kb.sources)} sources, {len(kb.facts)} facts, {len(kb.roles)} roles, "
        f"{len(kb.terms)} terms, {len(kb.intents)} intents"
    )
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    top = argparse.ArgumentParser(prog="hirebot", description="Scope and hire ML roles, from Slack or here.")
    sub = top.add_subparsers(dest="command", required=True)

    sub.add_parser("chat", help="a conversation in the terminal").set_defaults(func=cmd_chat)

    ask = sub.add_parser("ask", help="one question, one answer")
    ask.add_argument("text")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--context", action="append", default=[], metavar="EARLIER",
                     help="an earlier message in the same thread (repeatable, in order)")
    ask.set_defaults(func=cmd_ask)

    ev = sub.add_parser("eval", help="score the engine on an evaluation file")
    ev.add_argument("file")
    ev.add_argument("--json", action="store_true")
    ev.set_defaults(func=cmd_eval)

    kb = sub.add_parser("kb", help="knowledge base tools").add_subparsers(dest="kb_command", required=True)
    check = kb.add_parser("check", help="validate the knowledge base")
    check.add_argument("dir", nargs="?")
    check.set_defaults(func=cmd_kb_check)
    reqs_cli.register(sub, load_kb)

    run = sub.add_parser("run", help="the Slack app in Socket Mode (--port: also GET /healthz and the webhooks)")
    run.add_argument("--host", default="0.0.0.0")
    run.add_argument("--port", type=int, default=None, help="serve /healthz and the req webhooks on this port")
    run.set_defaults(func=lambda args, settings: slack_entry().run(
        settings, args.host, args.port, req_routes(settings) if args.port is not None else None))
    serve = sub.add_parser("serve", help="the Slack app in HTTP mode (POST /slack/events, GET /healthz)")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument("--workers", type=int, default=1,
                       help="processes answering on the port, each kept on a CPU of its own (about one per core; "
                            "see docs/scaling.md)")
    serve.add_argument("--no-pin", dest="pin", action="store_false",
                       help="with --workers: let the workers move between CPUs (a host busy with other work)")
    serve.set_defaults(func=lambda args, settings: slack_entry().serve(settings, args.host, args.port,
                                                                       req_routes(settings), args.workers, args.pin))
    gaps = sub.add_parser("gaps", help="the most frequent knowledge gaps (out of scope, not helpful)")
    gaps.add_argument("--limit", type=int, default=20)
    gaps.set_defaults(func=lambda args, settings: slack_entry().gaps(settings, args.limit))
    return top


def req_routes(settings: Settings) -> dict:
    """The req webhooks of `hirebot serve` and `hirebot run --port`: POST /webhooks/reqs and /webhooks/greenhouse."""
    from bot.slack.listeners.reqs import routes

    return routes(settings)


def slack_entry():
    """bot.slack.entry, imported only by the Slack commands (Bolt is not needed for the others)."""
    from bot.slack import entry

    return entry


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `hirebot` console script and `python -m bot`."""
    args = parser().parse_args(argv)
    if args.command in PERSON_FACING or getattr(args, "req_command", None) == "check":
        # `hirebot ask ... | head` ends quietly. Never for `serve` and `run`: with the default action, a client
        # that hangs up early kills the server (its next write to the closed socket raises SIGPIPE).
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    settings = Settings()
    try:
        return args.func(args, settings)
    except sqlite3.DatabaseError as err:  # not a database, corrupt, locked for good, read-only...
        print(f"hirebot: cannot use the database {settings.db} ({err}); check HIREBOT_DB", file=sys.stderr)
        return 2
