"""Load and validate the knowledge base; every problem is reported as `file:line: field: what is wrong`."""

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from bot.knowledge.ids import INTENTS
from bot.knowledge.models import (
    Diagnostic,
    Fact,
    IntentSpec,
    KnowledgeFile,
    ReqSignals,
    RoleProfile,
    Source,
    Starter,
    Term,
    Uncovered,
    Vocabulary,
)

NUMBER = re.compile(r"\d[\d,.]*")
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when the wheel has it: 20x faster


class KnowledgeBaseError(Exception):
    """The knowledge base is broken; `problems` holds one `file:line: field: problem` line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class KnowledgeBase:
    """Everything hirebot knows, validated and indexed."""

    root: Path
    sources: dict[str, Source] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)
    roles: dict[str, RoleProfile] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)
    intents: dict[str, IntentSpec] = field(default_factory=dict)
    starters: list[Starter] = field(default_factory=list)
    vocabulary: Vocabulary | None = None
    diagnostic: Diagnostic | None = None
    signals: ReqSignals | None = None
    uncovered: list[Uncovered] = field(default_factory=list)

    def topic(self, intent: str) -> list[Fact]:
        """The facts that answer one intent, in file order."""
        return [f for f in self.facts.values() if f.topic == intent]

    def role_name(self, role: str) -> str:
        """How the bot names a role ("applied scientist"); an id without a profile, spelled out."""
        return self.roles[role].name if role in self.roles else role.replace("_", " ")

    def as_of(self, fact: Fact) -> str:
        """The fact's as-of date, or its source's."""
        return fact.as_of or self.sources[fact.source].as_of

    def numbers(self) -> set[str]:
        """Every number written anywhere in the knowledge base (for the no-made-up-figures check)."""
        found: set[str] = set()
        texts = [f.text for f in self.facts.values()] + [f.population or "" for f in self.facts.values()]
        texts += [t.definition for t in self.terms] + [r.one_liner for r in self.roles.values()]
        texts += [f"{s.as_of} {s.published} {s.title} {s.basis}" for s in self.sources.values()]
        texts += [f.as_of for f in self.facts.values() if f.as_of]
        for fact in self.facts.values():
            found.update(_plain(v) for v in fact.values.values())
        if self.diagnostic:
            texts.append(self.diagnostic.model_dump_json())
        for text in texts:
            found.update(_plain(m) for m in NUMBER.findall(text))
        return found


def _plain(number: str | float) -> str:
    return f"{number:g}" if isinstance(number, float) else number.rstrip(".,").replace(",", "")


def default_root() -> Path:
    """The repo's `knowledge/` in a checkout (editable install); the copy shipped as `bot.kb_files` otherwise."""
    checkout = Path(__file__).resolve().parents[2] / "knowledge"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("bot") / "kb_files"))


def load(root: Path | str | None = None) -> KnowledgeBase:
    """Read every `*.yaml` under `root`, validate it, and cross-check references.

    Raises KnowledgeBaseError listing every problem found.
    """
    root = Path(root) if root else default_root()
    if not root.is_dir():
        raise KnowledgeBaseError([f"{root}: not a directory"])
    kb = KnowledgeBase(root=root)
    problems: list[str] = []
    where: dict[int, str] = {}  # id(model) -> "file:line" for cross-checks
    files = sorted(root.glob("*.yaml"))
    if not files:
        problems.append(f"{root}: no *.yaml files")
    for path in files:
        parsed = _parse(path, problems)
        if parsed is None:
            continue
        data, node = parsed
        try:
            part = KnowledgeFile.model_validate(data)
        except ValidationError as err:
            for e in err.errors():
                loc = e["loc"]
                line = _line(node, loc)
                dotted = ".".join(str(x) for x in loc) or "(file)"
                problems.append(f"{path.name}:{line}: {dotted}: {e['msg']}")
            continue
        _merge(kb, part, path, node, problems, where)
    _cross_check(kb, problems, where)
    if problems:
        raise KnowledgeBaseError(problems)
    return kb


def _parse(path: Path, problems: list[str]) -> tuple[object, yaml.Node] | None:
    loader = SafeLoader(path.read_text(encoding="utf-8"))
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node else None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problems.append(f"{path.name}:{line}: (yaml): {getattr(err, 'problem', None) or err}")
        return None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        problems.append(f"{path.name}:1: (file): must be a mapping of sections (facts:, roles:, ...)")
        return None
    return data, node


def _line(node: yaml.Node | None, loc: tuple) -> int:
    """The 1-based line of the YAML node at a pydantic error location (the deepest that exists)."""
    line = node.start_mark.line + 1 if node else 1
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = [(k, v) for k, v in node.value if k.value == key]
            if not match:
                break
            node = match[0][1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _merge(
    kb: KnowledgeBase,
    part: KnowledgeFile,
    path: Path,
    node: yaml.Node,
    problems: list[str],
    where: dict[int, str],
) -> None:
    def at(section: str, i: int) -> str:
        return f"{path.name}:{_line(node, (section, i))}"

    keyed = (
        ("sources", part.sources, kb.sources, "file"),
        ("facts", part.facts, kb.facts, "id"),
        ("roles", part.roles, kb.roles, "id"),
        ("intents", part.intents, kb.intents, "id"),
    )
    for section, items, index, key in keyed:
        for i, item in enumerate(items):
            name = getattr(item, key)
            if name in index:
                problems.append(f"{at(section, i)}: {section}.{i}.{key}: duplicate {key} {name!r}")
                continue
            index[name] = item
            where[id(item)] = f"{at(section, i)}: {section}.{i}"
    for i, term in enumerate(part.terms):
        kb.terms.append(term)
        where[id(term)] = f"{at('terms', i)}: terms.{i}"
    for i, item in enumerate(part.uncovered):
        kb.uncovered.append(item)
        where[id(item)] = f"{at('uncovered', i)}: uncovered.{i}"
    kb.starters += part.starters
    for section in ("vocabulary", "diagnostic", "signals"):
        value = getattr(part, section)
        if value is None:
            continue
        if getattr(kb, section) is not None:
            problems.append(f"{path.name}:{_line(node, (section,))}: {section}: defined in two files")
        setattr(kb, section, value)
        where[id(value)] = f"{path.name}:{_line(node, (section,))}: {section}"
        if section == "signals":
            for i, group in enumerate(value.work):
                where[id(group)] = f"{path.name}:{_line(node, (section, 'work', i))}: signals.work.{i}"


def _cross_check(kb: KnowledgeBase, problems: list[str], where: dict[int, str]) -> None:
    cited = [*kb.facts.values(), *kb.roles.values(), *kb.terms]
    if kb.diagnostic:
        cited += [*kb.diagnostic.questions, *kb.diagnostic.recommendations, *kb.diagnostic.warnings,
                  *kb.diagnostic.rules]
    if kb.signals:
        cited += kb.signals.work
    if not kb.sources:
        problems.append(f"{kb.root}: sources: no sources loaded, so no fact can be checked")
        cited = []
    for item in cited:
        if item.source not in kb.sources:
            known = ", ".join(sorted(kb.sources)) or "none"
            problems.append(f"{where.get(id(item), '?')}.source: unknown source {item.source!r} (known: {known})")
    for fact in kb.facts.values():
        for ref in fact.caveats:
            if ref not in kb.facts:
                problems.append(f"{where[id(fact)]}.caveats: no fact with id {ref!r}")
    for item in kb.uncovered:
        for ref in item.nearest:
            if ref not in kb.facts:
                problems.append(f"{where[id(item)]}.nearest: no fact with id {ref!r}")
    for item in [u for u in kb.uncovered if u.forecast][1:]:
        problems.append(f"{where[id(item)]}.forecast: another topic is already the one forecasts are declined as")
    if kb.vocabulary is None:
        problems.append(f"{kb.root}: vocabulary: no file defines the entity vocabulary")
    missing = sorted(set(INTENTS) - set(kb.intents))
    if missing:
        problems.append(f"{kb.root}: intents: no examples for {', '.join(missing)}")
