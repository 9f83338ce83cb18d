"""Answer -> plain terminal text; buttons become numbered choices."""

from bot.engine.types import Answer, Cited


def fact_line(fact: Cited) -> str:
    """A supporting fact as a bullet, with the population it describes when the engine says it must be told."""
    return f"  - {fact.text}" + (f" [{fact.label}]" if fact.label else "")


def sources_text(answer: Answer, facts: list[Cited] | None = None) -> str | None:
    """`Sources: publisher, "title" (as of date) · ...` for `facts` (default: every fact the answer cites),
    or None without facts. Seed files are named by publisher and title where the engine gave names."""
    dates: dict[str, list[str]] = {}
    for fact in answer.cited if facts is None else facts:
        seen = dates.setdefault(fact.source, [])
        if fact.as_of and fact.as_of not in seen:
            seen.append(fact.as_of)
    if not dates:
        return None
    parts = [answer.source_names.get(src, src) + (f" (as of {', '.join(d)})" if d else "") for src, d in dates.items()]
    return "Sources: " + " · ".join(parts)


def render(answer: Answer, numbered: bool = True) -> str:
    """The answer as a person reads it in a terminal (also the `text` of `ask --json`): the headline first,
    then the supporting facts, one footer line of caveats, choices and sources; `more` is left for "More"."""
    out = [answer.first_line]
    out += answer.lines
    out += [fact_line(fact) for fact in answer.facts]
    out += [f"Note: {note}" for note in answer.notes]
    for i, choice in enumerate(answer.choices, 1):
        out.append(f"  {i}) {choice.label}" if numbered else f"  - {choice.label}")
    if answer.suggestions:
        out.append("You could ask: " + " | ".join(answer.suggestions))
    sources = sources_text(answer, [*answer.basis, *answer.facts])
    if sources:
        out.append(sources)
    return "\n".join(out)


def render_more(answer: Answer) -> str:
    """What "More" shows: the facts left out of the short answer, and their sources."""
    out = [f"{answer.more_label}:"] + [fact_line(fact) for fact in answer.more]
    sources = sources_text(answer, answer.more)
    return "\n".join(out + ([sources] if sources else []))
