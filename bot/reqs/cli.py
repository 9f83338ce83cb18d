"""`hirebot req check | import | map-users`: reqs from files, analysed like a linter."""

import argparse
import csv
import io
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from bot.engine.reqs import Req, ReqError, ReqReport, analyse, parse_req
from bot.engine.reqs.model import SLACK_USER
from bot.knowledge import KnowledgeBase
from bot.reqs.store import ReqStore
from bot.settings import Settings
from bot.store import Store

CHUNK = 500  # reqs per import transaction
BOOLS = {"true": True, "yes": True, "y": True, "1": True, "false": False, "no": False, "n": False, "0": False}


def register(sub: argparse._SubParsersAction, load_kb: Callable[[Settings], KnowledgeBase]) -> None:
    """Add `req check`, `req import` and `req map-users` to the `hirebot` parser."""
    req = sub.add_parser("req", help="check and import reqs").add_subparsers(dest="req_command", required=True)
    check = req.add_parser("check", help="analyse reqs for mis-scoping (sends nothing)")
    check.add_argument("file", help="a JSON req, a JSON list of reqs, or a CSV file")
    check.add_argument("--json", action="store_true", help="print CONTRACT.md's JSON")
    check.set_defaults(func=lambda args, settings: cmd_check(args, load_kb(settings)))
    imp = req.add_parser("import", help="import reqs (JSON list or CSV), analyse each, queue alerts")
    imp.add_argument("file")
    imp.set_defaults(func=lambda args, settings: cmd_import(args, load_kb(settings), settings))
    users = req.add_parser("map-users", help="load a CSV of greenhouse_user_id,slack_user_id")
    users.add_argument("file")
    users.set_defaults(func=cmd_map_users)


def read_records(path: Path) -> tuple[list[object], bool]:
    """The raw reqs of a file (a JSON object or list, or CSV rows with the JSON fields as columns),
    and whether the file held a single JSON object."""
    text = path.read_text(encoding="utf-8-sig")
    if "\x00" in text:
        raise ValueError("the file holds NUL bytes: it is not a text CSV or JSON file")
    if path.suffix.lower() == ".csv" or not text.lstrip().startswith(("{", "[")):
        try:
            return [_csv_row(row) for row in csv.DictReader(io.StringIO(text))], False
        except csv.Error as err:  # a field over csv's 128 KB limit, a broken quote
            raise ValueError(f"not a CSV file hirebot can read: {err}") from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deep to read") from None
    return (data, False) if isinstance(data, list) else ([data], True)


def _csv_row(row: dict) -> dict:
    out: dict = {}
    for key, value in row.items():
        if key is None or value is None or not value.strip():
            continue
        key = key.strip()
        value = value.strip()
        if key == "requires_phd":
            out[key] = BOOLS.get(value.lower(), value)
        elif key == "requirements":
            out[key] = [part.strip() for part in value.replace(" | ", "\n").splitlines() if part.strip()]
        else:
            out[key] = value
    return out


def _validated(records: list[object]) -> Iterator[tuple[int, Req | None, str | None]]:
    for number, record in enumerate(records, 1):
        try:
            yield number, parse_req(record), None
        except ReqError as err:
            yield number, None, str(err)


def _label(number: int, record: object) -> str:
    rid = record.get("id") if isinstance(record, dict) else None
    return f"#{number}" + (f" ({rid})" if rid else "")


def cmd_check(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    """`hirebot req check FILE [--json]`: print each req's findings; exit 2 when a req does not validate."""
    try:
        records, single = read_records(Path(args.file))
    except (OSError, ValueError) as err:
        print(f"hirebot req check: {args.file}: {err}", file=sys.stderr)
        return 2
    reports: list[dict] = []
    failed = False
    for number, req, error in _validated(records):
        if error:
            failed = True
            print(f"hirebot req check: req {_label(number, records[number - 1])}: {error}", file=sys.stderr)
            continue
        report = analyse(kb, req)
        if args.json:
            reports.append(report.model_dump())
        else:
            print(lint(req, report))
    if args.json:
        print(json.dumps(reports[0] if single and reports else reports, ensure_ascii=False, indent=2))
    return 2 if failed else 0


def lint(req: Req, report: ReqReport) -> str:
    """A req's findings the way a linter prints them: severity, kind, message, the quoted req text."""
    head = f"{req.id or '(no id)'}  {req.title}  [title: {report.title_role or '?'}, work: {report.work_role or '?'}]"
    if not report.assessed:
        return head + f"\n  not assessed: {report.why_not}\n"
    if not report.findings and not report.notes:
        return head + "\n  ok: no mis-scoping found\n"
    lines = [head]
    for f in [*report.findings, *report.notes]:
        lines.append(f"  {f.severity:<6} {f.kind}{' (note)' if f in report.notes else ''}")
        lines.append(f"         {f.message}")
        lines += [f"         > {quote}" for quote in f.evidence]
        if f.suggested_role:
            lines.append(f"         suggested role: {f.suggested_role}")
    return "\n".join(lines) + "\n"


class Progress:
    """A one-line progress bar on a terminal (stderr); silent otherwise."""

    def __init__(self, total: int, stream: TextIO = sys.stderr):
        self.total, self.stream, self.shown = total, stream, -1
        self.live = stream.isatty()
        self.started = time.monotonic()

    def update(self, done: int) -> None:
        """Redraw when the percentage changes."""
        pct = done * 100 // max(self.total, 1)
        if not self.live or pct == self.shown:
            return
        self.shown = pct
        bar = "#" * (pct // 4) + "-" * (25 - pct // 4)
        self.stream.write(f"\r[{bar}] {done:,}/{self.total:,} {pct:3d}%  {time.monotonic() - self.started:5.1f}s")
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line."""
        if self.live:
            self.stream.write("\n")


def import_file(kb: KnowledgeBase, reqs: ReqStore, path: Path, progress: Progress | None = None) -> dict:
    """Import a JSON/CSV file of reqs: {"imported", "updated", "unchanged", "rejected": [reasons], "alerts"}."""
    records, _ = read_records(path)
    summary: dict = {"imported": 0, "updated": 0, "unchanged": 0, "rejected": [], "alerts": 0}
    progress = progress or Progress(len(records), io.StringIO())
    progress.total = len(records)
    batch: list[tuple[Req, ReqReport]] = []
    seen: set[str] = set()

    def flush() -> None:
        for saved in reqs.save_many(batch, origin="req"):
            summary[saved.outcome] += 1
            summary["alerts"] += saved.alert_id is not None
        batch.clear()

    for number, req, error in _validated(records):
        if error:
            summary["rejected"].append(f"{_label(number, records[number - 1])}: {error}")
        elif req.id and req.id in seen:
            summary["rejected"].append(f"{_label(number, records[number - 1])}: id: appears twice in the file")
        else:
            if req.id:
                seen.add(req.id)
            if reqs.unchanged(req):
                summary["unchanged"] += 1  # the same req again: no analysis, no alert
            else:
                batch.append((req, analyse(kb, req)))
            if len(batch) >= CHUNK:
                flush()
        progress.update(number)
    flush()
    progress.update(len(records))
    progress.close()
    return summary


def cmd_import(args: argparse.Namespace, kb: KnowledgeBase, settings: Settings) -> int:
    """`hirebot req import FILE`: analyse and store the reqs (alerts queued), then print the summary."""
    path = Path(args.file)
    started = time.monotonic()
    try:
        summary = import_file(kb, ReqStore(Store(settings.db)), path, Progress(0))
    except (OSError, ValueError) as err:
        print(f"hirebot req import: {path}: {err}", file=sys.stderr)
        return 2
    took = time.monotonic() - started
    print(f"{path.name}: {summary['imported']} imported, {summary['updated']} updated, "
          f"{summary['unchanged']} unchanged, {len(summary['rejected'])} rejected; "
          f"{summary['alerts']} alerts queued ({took:.1f}s)")
    for reason in summary["rejected"][:50]:
        print(f"  rejected {reason}")
    if len(summary["rejected"]) > 50:
        print(f"  ... and {len(summary['rejected']) - 50} more rejected")
    return 0


def cmd_map_users(args: argparse.Namespace, settings: Settings) -> int:
    """`hirebot req map-users FILE`: store Greenhouse -> Slack user pairs from a two-column CSV."""
    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8-sig")
        if "\x00" in text:
            raise ValueError("the file holds NUL bytes: it is not a text CSV file")
        rows = list(csv.reader(io.StringIO(text)))
    except (OSError, ValueError, csv.Error) as err:
        print(f"hirebot req map-users: {path}: {err}", file=sys.stderr)
        return 2
    pairs, skipped = [], []
    for number, row in enumerate(rows, 1):
        if len(row) >= 2 and row[0].strip().isdigit() and SLACK_USER.fullmatch(row[1].strip()):
            pairs.append((row[0].strip(), row[1].strip()))
        elif row and number != 1:  # line 1 may be a header
            skipped.append(number)
    count = ReqStore(Store(settings.db)).map_users(pairs)
    print(f"{path.name}: {count} Greenhouse users mapped to Slack users"
          + (f"; skipped lines {', '.join(map(str, skipped))}" if skipped else ""))
    return 0
