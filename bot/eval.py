"""`hirebot eval`: score the engine on a .jsonl evaluation file (format in CONTRACT.md), like `rasa test nlu`."""

import json
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.engine import Answer, Engine
from bot.render.text import render


def answer_json(answer: Answer) -> dict:
    """What `hirebot ask --json` prints for an answer."""
    text = render(answer)
    return {
        "intent": answer.intent,
        "confidence": answer.confidence,
        "entities": answer.entities.model_dump(),
        "headline": answer.first_line,
        "text": text,
        "sources": answer.sources,
    }


def ask(engine: Engine, text: str, context: Sequence[str] = ()) -> dict:
    """Ask `text` after `context` in a new conversation; the last answer as `ask --json` prints it."""
    conversation = f"eval:{uuid.uuid4().hex}"
    for earlier in context:
        engine.ask(conversation, earlier)
    return answer_json(engine.ask(conversation, text))


def read_cases(path: Path) -> list[dict]:
    """The cases of a .jsonl file; blank lines skipped, a bad line is an error naming its number."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as err:
            raise ValueError(f"{path}:{number}: not JSON: {err.msg}") from err
        if not isinstance(case, dict) or not ("text" in case or "req" in case):
            raise ValueError(f"{path}:{number}: a case needs 'text' or 'req'")
        cases.append(case)
    return cases


def score_question(case: dict, got: dict) -> list[str]:
    """The reasons a question case fails ([] when it passes whole)."""
    problems = []
    wanted = case.get("intent")
    if wanted is not None:
        allowed = wanted if isinstance(wanted, list) else [wanted]
        if got["intent"] not in allowed:
            problems.append(f"intent {got['intent']} != {'|'.join(allowed)}")
    for key, value in (case.get("entities") or {}).items():
        have = got["entities"].get(key)
        same = set(have or []) == set(value or []) if key == "roles" else have == value
        if not same:
            problems.append(f"{key} {have} != {value}")
    text = got["text"].lower()
    for needle in case.get("must_include", []):
        if needle.lower() not in text:
            problems.append(f"text lacks {needle!r}")
    return problems + score_shape(case, got)


SHAPE_KEYS = ("headline_includes", "max_words", "must_not_include")


def words(text: str) -> int:
    """The words of an answer's text, as `max_words` counts them (whitespace-separated)."""
    return len(text.split())


def score_shape(case: dict, got: dict) -> list[str]:
    """The reasons an answer fails the case's shape checks: the headline says what it must (each string's
    `|`-separated alternatives: any one), the text stays within `max_words`, and says nothing it must not."""
    problems = []
    headline = (got.get("headline") or "").lower()
    for needle in case.get("headline_includes", []):
        if not any(alt.lower() in headline for alt in needle.split("|")):
            problems.append(f"headline lacks {needle!r}")
    limit = case.get("max_words")
    if limit is not None and words(got["text"]) > limit:
        problems.append(f"too long: {words(got['text'])} words > {limit}")
    text = got["text"].lower()
    for needle in case.get("must_not_include", []):
        if needle.lower() in text:
            problems.append(f"text says {needle!r}")
    return problems


def shape_summary(results: list[dict]) -> dict:
    """Pass rates of the shape checks (headline, length, what must not be said) over the cases that set them,
    and the median words of the answers per intent."""
    questions = [r for r in results if "text" in r["case"]]
    checks = {
        "headline": ("headline_includes", "headline lacks"),
        "length": ("max_words", "too long"),
        "must_not_include": ("must_not_include", "text says"),
    }
    out: dict = {}
    for name, (key, problem) in checks.items():
        cases = [r for r in questions if r["case"].get(key) not in (None, [])]
        ok = sum(not any(p.startswith(problem) for p in r["problems"]) for r in cases)
        out[name] = _ratio(ok, len(cases))
    by_intent: dict[str, list[int]] = {}
    for r in questions:
        by_intent.setdefault(r["answer"]["intent"], []).append(words(r["answer"]["text"]))
    out["median_words"] = {intent: _median(n) for intent, n in sorted(by_intent.items())}
    return out


def _median(values: list[int]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def score_req(case: dict, got: dict) -> list[str]:
    """The reasons a req case fails ([] when it passes whole)."""
    expect = case.get("expect", {})
    if expect.get("assessed") is False and got.get("assessed", True):
        return ["assessed, but the case says it cannot be"]
    if expect.get("assessed") is not False and got.get("assessed") is False:
        return [f"not assessed: {got.get('why_not')}"]
    kinds = [f["kind"] for f in got.get("findings", [])]
    problems = [f"missing {k}" for k in expect.get("kinds", []) if k not in kinds]
    problems += [f"unexpected {k}" for k in expect.get("forbid", []) if k in kinds]
    if "suggested_role" in expect:
        allowed = expect["suggested_role"].split("|")
        roles = [f.get("suggested_role") for f in got.get("findings", []) if f["kind"] == "role_mismatch"]
        if not any(r in allowed for r in roles):
            problems.append(f"suggested_role {roles or None} not in {allowed}")
    if "role_if_any" in expect and "role_mismatch" not in expect.get("kinds", []):
        allowed = expect["role_if_any"].split("|")
        roles = [f.get("suggested_role") for f in got.get("findings", []) if f["kind"] == "role_mismatch"]
        problems += [f"role_mismatch toward {r}, not {'|'.join(allowed)}" for r in roles if r not in allowed]
    return problems


def req_tally(case: dict, got: dict) -> dict[str, int]:
    """One req case's findings counted for precision and recall: `raised` (kinds found), `false_alarms`
    (forbidden kinds, or a role_mismatch toward a role the case does not accept), `must_raise` (kinds the case
    requires) and `caught` (required kinds found, a role_mismatch only toward an accepted role)."""
    expect = case.get("expect", {})
    required = set(expect.get("kinds", []))
    forbidden = set(expect.get("forbid", []))
    wanted_roles = (expect.get("suggested_role") or expect.get("role_if_any") or "").split("|")
    found = {f["kind"]: f for f in got.get("findings", [])}
    tally = {"raised": len(found), "false_alarms": 0, "must_raise": len(required), "caught": 0}
    for kind, finding in found.items():
        role_ok = kind != "role_mismatch" or not wanted_roles[0] or finding.get("suggested_role") in wanted_roles
        if kind in required and role_ok:
            tally["caught"] += 1
        elif kind in forbidden or not role_ok or (kind == "role_mismatch" and kind not in required
                                                  and "role_if_any" not in expect):
            tally["false_alarms"] += 1
    return tally


def req_summary(results: list[dict]) -> dict | None:
    """Finding precision and recall over the req cases: precision = (raised - false alarms) / raised,
    recall = caught / must-raise; plus the counts and whole-case pass rate. None without req cases."""
    reqs = [r for r in results if "req" in r["case"]]
    if not reqs:
        return None
    totals = {"raised": 0, "false_alarms": 0, "must_raise": 0, "caught": 0}
    for r in reqs:
        for key, value in req_tally(r["case"], r["answer"]).items():
            totals[key] += value
    return {
        "cases": len(reqs), "passed": sum(not r["problems"] for r in reqs), **totals,
        "not_assessed": sum(r["answer"].get("assessed") is False for r in reqs),
        "precision": _ratio(totals["raised"] - totals["false_alarms"], totals["raised"]),
        "recall": _ratio(totals["caught"], totals["must_raise"]),
    }


def req_report_lines(summary: dict | None) -> list[str]:
    """The req part of the human-readable report."""
    if summary is None:
        return []
    return [
        f"req cases: {summary['passed']}/{summary['cases']} passed whole; {summary['not_assessed']} not assessed",
        f"req findings: precision {_pct(summary['precision'])} ({summary['raised']} raised, "
        f"{summary['false_alarms']} false alarms); recall {_pct(summary['recall'])} ({summary['caught']} of "
        f"{summary['must_raise']} must-raise caught)",
    ]


def evaluate(engine: Engine, cases: list[dict], check_req: Callable[[dict], dict] | None = None) -> dict:
    """Run every case; returns {"summary": ..., "cases": [{"case", "answer", "problems"}]}."""
    results = []
    for case in cases:
        if "req" in case:
            got = check_req(case["req"]) if check_req else {"findings": []}
            problems = score_req(case, got) if check_req else ["req analysis not available"]
        else:
            got = ask(engine, case["text"], case.get("context", []))
            problems = score_question(case, got)
        results.append({"case": case, "answer": got, "problems": problems})
    return {"summary": summarise(results), "cases": results}


def summarise(results: list[dict]) -> dict:
    """Whole-case pass rate, intent accuracy, per-intent precision/recall, entities, facts, confidences."""
    questions = [r for r in results if "text" in r["case"]]
    with_intent = [r for r in questions if r["case"].get("intent") is not None]
    gold = [_first(r["case"]["intent"], r["answer"]["intent"]) for r in with_intent]
    pred = [r["answer"]["intent"] for r in with_intent]
    per_intent = {}
    for intent in sorted(set(gold) | set(pred)):
        tp = sum(g == p == intent for g, p in zip(gold, pred, strict=True))
        fp = sum(p == intent != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == intent != p for g, p in zip(gold, pred, strict=True))
        per_intent[intent] = {
            "precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn), "support": tp + fn,
        }
    entity_cases = [r for r in questions if r["case"].get("entities")]
    fact_cases = [r for r in questions if r["case"].get("must_include")]
    reqs = [r for r in results if "req" in r["case"]]
    confusions = Counter(f"{g} -> {p}" for g, p in zip(gold, pred, strict=True) if g != p)
    buckets = Counter(min(int(r["answer"]["confidence"] * 10), 9) / 10 for r in questions)
    return {
        "cases": len(results),
        "passed": sum(not r["problems"] for r in results),
        "pass_rate": _ratio(sum(not r["problems"] for r in results), len(results)),
        "intent_accuracy": _ratio(sum(g == p for g, p in zip(gold, pred, strict=True)), len(gold)),
        "per_intent": per_intent,
        "out_of_scope": per_intent.get("out_of_scope", {"precision": None, "recall": None, "support": 0}),
        "entity_accuracy": _ratio(
            sum(not any(p.split()[0] in ("roles", "level", "employer_tier", "region") for p in r["problems"])
                for r in entity_cases),
            len(entity_cases),
        ),
        "fact_checks": _ratio(sum(not any("lacks" in p for p in r["problems"]) for r in fact_cases),
                              len(fact_cases)),
        "req_cases": _ratio(sum(not r["problems"] for r in reqs), len(reqs)) if reqs else None,
        "req_findings": req_summary(results),
        "confusions": dict(confusions.most_common()),
        "confidence_histogram": {f"{k:.1f}": v for k, v in sorted(buckets.items())},
        "shape": shape_summary(results),
    }


def shape_report(shape: dict) -> list[str]:
    """The shape checks' lines of the report: pass rates where cases set them, median words per intent."""
    rates = [f"{name} {_pct(shape[name])}" for name in ("headline", "length", "must_not_include")
             if shape[name] is not None]
    out = ["answer shape: " + "   ".join(rates)] if rates else []
    if shape["median_words"]:
        out.append("median words per intent: "
                   + ", ".join(f"{k} {v:g}" for k, v in shape["median_words"].items()))
    return out


def _first(wanted: str | list[str], got: str) -> str:
    if isinstance(wanted, list):
        return got if got in wanted else wanted[0]
    return wanted


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _pct(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio:.1%}"


def report(outcome: dict) -> str:
    """The human-readable report; the last line is the whole-case score."""
    s = outcome["summary"]
    out = [f"intent accuracy: {_pct(s['intent_accuracy'])}", "per intent (precision / recall / support):"]
    for intent, m in s["per_intent"].items():
        out.append(f"  {intent:<18} {_pct(m['precision']):>7} {_pct(m['recall']):>7} {m['support']:>4}")
    oos = s["out_of_scope"]
    out.append(f"out-of-scope precision / recall: {_pct(oos['precision'])} / {_pct(oos['recall'])}")
    out.append(f"entity accuracy: {_pct(s['entity_accuracy'])}   fact checks: {_pct(s['fact_checks'])}")
    out += req_report_lines(s["req_findings"])
    if s["confusions"]:
        out.append("confusions: " + ", ".join(f"{k} ({v})" for k, v in s["confusions"].items()))
    out.append("confidence histogram: " + " ".join(f"{k}:{v}" for k, v in s["confidence_histogram"].items()))
    out += shape_report(s["shape"])
    failures = [r for r in outcome["cases"] if r["problems"]]
    if failures:
        out.append(f"failures ({len(failures)}):")
        for r in failures:
            label = r["case"].get("text") or r["case"]["req"].get("id") or r["case"]["req"].get("title")
            out.append(f"  - {label[:90]!r}: {'; '.join(r['problems'])}")
    out.append(f"cases passed whole: {s['passed']}/{s['cases']} ({_pct(s['pass_rate'])})")
    return "\n".join(out)
